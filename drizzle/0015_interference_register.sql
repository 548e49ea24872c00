CREATE TABLE "register_enrolment" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organ_id" text NOT NULL,
	"period" text NOT NULL,
	"handle_hash" "bytea" NOT NULL,
	"auth_hash" "bytea" NOT NULL,
	"first_period" text NOT NULL,
	"identity" "bytea" NOT NULL,
	"created_on" date NOT NULL,
	CONSTRAINT "register_enrolment_period_check" CHECK ("register_enrolment"."period" in ('month', 'quarter'))
);
--> statement-breakpoint
CREATE TABLE "register_entry" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"enrolment_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"period" text NOT NULL,
	"content" "bytea" NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "register_entry_kind_check" CHECK ("register_entry"."kind" in ('record', 'zero'))
);
--> statement-breakpoint
CREATE TABLE "register_key_wrap" (
	"enrolment_id" uuid NOT NULL,
	"staff_id" uuid NOT NULL,
	"entry_id" "bytea" NOT NULL,
	"sealed" "bytea" NOT NULL,
	CONSTRAINT "register_key_wrap_enrolment_id_staff_id_pk" PRIMARY KEY("enrolment_id","staff_id")
);
--> statement-breakpoint
ALTER TABLE "register_enrolment" ADD CONSTRAINT "register_enrolment_organ_id_discipline_organ_id_fk" FOREIGN KEY ("organ_id") REFERENCES "public"."discipline_organ"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "register_entry" ADD CONSTRAINT "register_entry_enrolment_id_register_enrolment_id_fk" FOREIGN KEY ("enrolment_id") REFERENCES "public"."register_enrolment"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "register_key_wrap" ADD CONSTRAINT "register_key_wrap_enrolment_id_register_enrolment_id_fk" FOREIGN KEY ("enrolment_id") REFERENCES "public"."register_enrolment"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "register_key_wrap" ADD CONSTRAINT "register_key_wrap_staff_id_staff_user_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "register_enrolment_handle_idx" ON "register_enrolment" USING btree ("handle_hash");--> statement-breakpoint
CREATE INDEX "register_enrolment_organ_idx" ON "register_enrolment" USING btree ("organ_id");--> statement-breakpoint
CREATE INDEX "register_entry_enrolment_idx" ON "register_entry" USING btree ("enrolment_id","period");--> statement-breakpoint
CREATE INDEX "register_key_wrap_staff_idx" ON "register_key_wrap" USING btree ("staff_id");