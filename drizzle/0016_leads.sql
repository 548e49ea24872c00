CREATE TABLE "lead" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organ_id" text NOT NULL,
	"department_id" text,
	"source" text NOT NULL,
	"state" text DEFAULT 'registered' NOT NULL,
	"category" text,
	"outcome" text,
	"key_version" integer NOT NULL,
	"details" "bytea" NOT NULL,
	"merged_into" uuid,
	"split_from" uuid,
	"created_by" uuid,
	"received_on" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lead_source_check" CHECK ("lead"."source" in ('online', 'letter_visit', 'phone_12388', 'inspection_tour', 'audit', 'other_agency', 'supervision', 'higher_organ')),
	CONSTRAINT "lead_state_check" CHECK ("lead"."state" in ('registered', 'talk_inquiry', 'preliminary_verification', 'hold_pending', 'closed', 'investigation', 'concluded', 'merged')),
	CONSTRAINT "lead_category_check" CHECK ("lead"."category" is null or "lead"."category" in ('political', 'organizational', 'integrity', 'mass', 'work', 'life', 'corruption_bribery', 'abuse_of_power', 'dereliction', 'rent_seeking', 'benefit_transfer', 'favouritism', 'waste_state_assets', 'appointments', 'four_styles', 'other')),
	CONSTRAINT "lead_outcome_check" CHECK ("lead"."outcome" is null or "lead"."outcome" in ('closed', 'cleared', 'handled:form1', 'handled:form2', 'handled:form3', 'handled:form4'))
);
--> statement-breakpoint
CREATE TABLE "lead_event" (
	"id" serial PRIMARY KEY NOT NULL,
	"lead_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" uuid,
	"kind" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lead_person" (
	"id" uuid PRIMARY KEY NOT NULL,
	"lead_id" uuid NOT NULL,
	"organ_id" text NOT NULL,
	"key_version" integer NOT NULL,
	"sealed" "bytea" NOT NULL,
	"blind_name" "bytea" NOT NULL,
	"blind_name_unit" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lead_report" (
	"lead_id" uuid NOT NULL,
	"report_id" uuid NOT NULL,
	"added_by" uuid,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lead_report_lead_id_report_id_pk" PRIMARY KEY("lead_id","report_id")
);
--> statement-breakpoint
CREATE TABLE "organ_key" (
	"organ_id" text NOT NULL,
	"version" integer NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organ_key_organ_id_version_pk" PRIMARY KEY("organ_id","version"),
	CONSTRAINT "organ_key_version_check" CHECK ("organ_key"."version" >= 1)
);
--> statement-breakpoint
CREATE TABLE "organ_key_wrap" (
	"organ_id" text NOT NULL,
	"version" integer NOT NULL,
	"staff_id" uuid NOT NULL,
	"entry_id" "bytea" NOT NULL,
	"sealed" "bytea" NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organ_key_wrap_organ_id_version_staff_id_pk" PRIMARY KEY("organ_id","version","staff_id")
);
--> statement-breakpoint
ALTER TABLE "lead" ADD CONSTRAINT "lead_organ_id_discipline_organ_id_fk" FOREIGN KEY ("organ_id") REFERENCES "public"."discipline_organ"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead" ADD CONSTRAINT "lead_created_by_staff_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead" ADD CONSTRAINT "lead_organ_id_key_version_organ_key_organ_id_version_fk" FOREIGN KEY ("organ_id","key_version") REFERENCES "public"."organ_key"("organ_id","version") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_event" ADD CONSTRAINT "lead_event_lead_id_lead_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."lead"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_event" ADD CONSTRAINT "lead_event_actor_staff_user_id_fk" FOREIGN KEY ("actor") REFERENCES "public"."staff_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_person" ADD CONSTRAINT "lead_person_lead_id_lead_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."lead"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_report" ADD CONSTRAINT "lead_report_lead_id_lead_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."lead"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_report" ADD CONSTRAINT "lead_report_report_id_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_report" ADD CONSTRAINT "lead_report_added_by_staff_user_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."staff_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organ_key" ADD CONSTRAINT "organ_key_organ_id_discipline_organ_id_fk" FOREIGN KEY ("organ_id") REFERENCES "public"."discipline_organ"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organ_key" ADD CONSTRAINT "organ_key_created_by_staff_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organ_key_wrap" ADD CONSTRAINT "organ_key_wrap_staff_id_staff_user_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organ_key_wrap" ADD CONSTRAINT "organ_key_wrap_created_by_staff_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organ_key_wrap" ADD CONSTRAINT "organ_key_wrap_organ_id_version_organ_key_organ_id_version_fk" FOREIGN KEY ("organ_id","version") REFERENCES "public"."organ_key"("organ_id","version") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lead_organ_idx" ON "lead" USING btree ("organ_id","created_at");--> statement-breakpoint
CREATE INDEX "lead_merged_into_idx" ON "lead" USING btree ("merged_into") WHERE "lead"."merged_into" is not null;--> statement-breakpoint
CREATE INDEX "lead_event_lead_idx" ON "lead_event" USING btree ("lead_id","id");--> statement-breakpoint
CREATE INDEX "lead_person_blind_name_idx" ON "lead_person" USING btree ("organ_id","blind_name");--> statement-breakpoint
CREATE INDEX "lead_person_blind_name_unit_idx" ON "lead_person" USING btree ("organ_id","blind_name_unit");--> statement-breakpoint
CREATE INDEX "lead_person_lead_idx" ON "lead_person" USING btree ("lead_id");--> statement-breakpoint
CREATE INDEX "lead_report_report_idx" ON "lead_report" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "organ_key_wrap_staff_idx" ON "organ_key_wrap" USING btree ("staff_id");