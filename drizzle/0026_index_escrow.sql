CREATE TABLE "organ_index_escrow" (
	"organ_id" text NOT NULL,
	"holder_organ_id" text NOT NULL,
	"staff_id" uuid NOT NULL,
	"entry_id" "bytea" NOT NULL,
	"sealed" "bytea" NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organ_index_escrow_organ_id_holder_organ_id_staff_id_pk" PRIMARY KEY("organ_id","holder_organ_id","staff_id"),
	CONSTRAINT "organ_index_escrow_not_self" CHECK ("organ_index_escrow"."organ_id" <> "organ_index_escrow"."holder_organ_id")
);
--> statement-breakpoint
ALTER TABLE "organ_index_escrow" ADD CONSTRAINT "organ_index_escrow_organ_id_discipline_organ_id_fk" FOREIGN KEY ("organ_id") REFERENCES "public"."discipline_organ"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organ_index_escrow" ADD CONSTRAINT "organ_index_escrow_holder_organ_id_discipline_organ_id_fk" FOREIGN KEY ("holder_organ_id") REFERENCES "public"."discipline_organ"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organ_index_escrow" ADD CONSTRAINT "organ_index_escrow_staff_id_staff_user_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organ_index_escrow" ADD CONSTRAINT "organ_index_escrow_created_by_staff_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "organ_index_escrow_holder_idx" ON "organ_index_escrow" USING btree ("holder_organ_id","staff_id");