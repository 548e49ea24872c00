CREATE TABLE "lead_handdown" (
	"id" uuid PRIMARY KEY NOT NULL,
	"lead_id" uuid NOT NULL,
	"from_organ_id" text NOT NULL,
	"to_organ_id" text NOT NULL,
	"deadline" date NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"from_key_version" integer NOT NULL,
	"from_wrap" "bytea" NOT NULL,
	"package" "bytea",
	"kept_copy" boolean NOT NULL,
	"to_lead_id" uuid,
	"result_outcome" text,
	"result_sealed" "bytea",
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"accepted_by" uuid,
	"accepted_at" timestamp with time zone,
	"reported_by" uuid,
	"reported_at" timestamp with time zone,
	CONSTRAINT "lead_handdown_to_lead_unique" UNIQUE("to_lead_id"),
	CONSTRAINT "lead_handdown_state_check" CHECK ("lead_handdown"."state" in ('pending', 'accepted', 'reported')),
	CONSTRAINT "lead_handdown_outcome_check" CHECK ("lead_handdown"."result_outcome" is null or "lead_handdown"."result_outcome" in ('closed', 'cleared', 'handled:form1', 'handled:form2', 'handled:form3', 'handled:form4')),
	CONSTRAINT "lead_handdown_organs_check" CHECK ("lead_handdown"."from_organ_id" <> "lead_handdown"."to_organ_id")
);
--> statement-breakpoint
CREATE TABLE "lead_handdown_wrap" (
	"handdown_id" uuid NOT NULL,
	"staff_id" uuid NOT NULL,
	"entry_id" "bytea" NOT NULL,
	"sealed" "bytea" NOT NULL,
	CONSTRAINT "lead_handdown_wrap_handdown_id_staff_id_pk" PRIMARY KEY("handdown_id","staff_id")
);
--> statement-breakpoint
CREATE TABLE "lead_document" (
	"id" uuid PRIMARY KEY NOT NULL,
	"lead_id" uuid NOT NULL,
	"organ_id" text NOT NULL,
	"key_version" integer NOT NULL,
	"bytes" integer NOT NULL,
	"stream" "bytea" NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "report" DROP CONSTRAINT "report_public_status_check";--> statement-breakpoint
ALTER TABLE "lead_handdown" ADD CONSTRAINT "lead_handdown_lead_id_lead_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."lead"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_handdown" ADD CONSTRAINT "lead_handdown_from_organ_id_discipline_organ_id_fk" FOREIGN KEY ("from_organ_id") REFERENCES "public"."discipline_organ"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_handdown" ADD CONSTRAINT "lead_handdown_to_organ_id_discipline_organ_id_fk" FOREIGN KEY ("to_organ_id") REFERENCES "public"."discipline_organ"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_handdown" ADD CONSTRAINT "lead_handdown_to_lead_id_lead_id_fk" FOREIGN KEY ("to_lead_id") REFERENCES "public"."lead"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_handdown" ADD CONSTRAINT "lead_handdown_created_by_staff_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_handdown" ADD CONSTRAINT "lead_handdown_accepted_by_staff_user_id_fk" FOREIGN KEY ("accepted_by") REFERENCES "public"."staff_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_handdown" ADD CONSTRAINT "lead_handdown_reported_by_staff_user_id_fk" FOREIGN KEY ("reported_by") REFERENCES "public"."staff_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_handdown_wrap" ADD CONSTRAINT "lead_handdown_wrap_handdown_id_lead_handdown_id_fk" FOREIGN KEY ("handdown_id") REFERENCES "public"."lead_handdown"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_handdown_wrap" ADD CONSTRAINT "lead_handdown_wrap_staff_id_staff_user_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_document" ADD CONSTRAINT "lead_document_lead_id_lead_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."lead"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_document" ADD CONSTRAINT "lead_document_created_by_staff_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lead_handdown_from_idx" ON "lead_handdown" USING btree ("from_organ_id","state");--> statement-breakpoint
CREATE INDEX "lead_handdown_to_idx" ON "lead_handdown" USING btree ("to_organ_id","state");--> statement-breakpoint
CREATE INDEX "lead_handdown_lead_idx" ON "lead_handdown" USING btree ("lead_id");--> statement-breakpoint
CREATE INDEX "lead_handdown_wrap_staff_idx" ON "lead_handdown_wrap" USING btree ("staff_id");--> statement-breakpoint
CREATE INDEX "lead_document_lead_idx" ON "lead_document" USING btree ("lead_id","created_at");--> statement-breakpoint
ALTER TABLE "report" ADD CONSTRAINT "report_public_status_check" CHECK ("report"."public_status" in ('received', 'accepted', 'handling', 'concluded', 'transferred', 'handed_down', 'handed_down_followed', 'not_accepted', 'duplicate', 'returned', 'objection'));