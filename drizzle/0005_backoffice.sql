CREATE TABLE "audit_anchor" (
	"id" integer PRIMARY KEY NOT NULL,
	"count" bigint NOT NULL,
	"head" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"report_id" uuid,
	"organ_id" text,
	"details" jsonb NOT NULL,
	"prev_hash" "bytea" NOT NULL,
	"hash" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "holiday" (
	"day" date PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"provisional" boolean DEFAULT false NOT NULL,
	CONSTRAINT "holiday_kind_check" CHECK ("holiday"."kind" in ('holiday', 'workday'))
);
--> statement-breakpoint
CREATE TABLE "report_deadline" (
	"report_id" uuid NOT NULL,
	"code" text NOT NULL,
	"due_on" date NOT NULL,
	"started_on" date NOT NULL,
	"met_on" date,
	CONSTRAINT "report_deadline_report_id_code_started_on_pk" PRIMARY KEY("report_id","code","started_on")
);
--> statement-breakpoint
CREATE TABLE "report_event" (
	"id" serial PRIMARY KEY NOT NULL,
	"report_id" uuid NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"actor_id" uuid,
	"action" text NOT NULL,
	"from_state" text,
	"to_state" text,
	"organ_id" text NOT NULL,
	"note" "bytea",
	"outcome" jsonb,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_link" (
	"report_id" uuid NOT NULL,
	"other_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"created_by" uuid,
	"at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "report_link_report_id_other_id_pk" PRIMARY KEY("report_id","other_id"),
	CONSTRAINT "report_link_kind_check" CHECK ("report_link"."kind" in ('duplicate', 'related'))
);
--> statement-breakpoint
CREATE TABLE "report_note" (
	"id" serial PRIMARY KEY NOT NULL,
	"report_id" uuid NOT NULL,
	"author_id" uuid,
	"at" timestamp (3) with time zone NOT NULL,
	"body" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_pending" (
	"report_id" uuid PRIMARY KEY NOT NULL,
	"action" text NOT NULL,
	"requested_by" uuid NOT NULL,
	"requested_at" timestamp (3) with time zone NOT NULL,
	"requested_on" date NOT NULL,
	"return_to" text NOT NULL,
	"target" text,
	"outcome" jsonb,
	"note" "bytea" NOT NULL,
	"note_id" text NOT NULL,
	"wraps" jsonb
);
--> statement-breakpoint
CREATE TABLE "staff_notice" (
	"id" serial PRIMARY KEY NOT NULL,
	"staff_id" uuid NOT NULL,
	"report_id" uuid,
	"kind" text NOT NULL,
	"created_on" date NOT NULL,
	"seen" boolean DEFAULT false NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "report" ADD COLUMN "state" text DEFAULT 'received' NOT NULL;--> statement-breakpoint
ALTER TABLE "report" ADD COLUMN "handler_id" uuid;--> statement-breakpoint
ALTER TABLE "report" ADD COLUMN "next_due_on" date;--> statement-breakpoint
ALTER TABLE "report" ADD COLUMN "next_due_code" text;--> statement-breakpoint
ALTER TABLE "report" ADD COLUMN "disposition" text;--> statement-breakpoint
ALTER TABLE "report" ADD COLUMN "outcome" text;--> statement-breakpoint
ALTER TABLE "report" ADD COLUMN "case_data" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "report_key_wrap" ADD COLUMN "granted_by" uuid;--> statement-breakpoint
ALTER TABLE "report_deadline" ADD CONSTRAINT "report_deadline_report_id_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_event" ADD CONSTRAINT "report_event_report_id_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_event" ADD CONSTRAINT "report_event_actor_id_staff_user_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."staff_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_link" ADD CONSTRAINT "report_link_report_id_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_link" ADD CONSTRAINT "report_link_other_id_report_id_fk" FOREIGN KEY ("other_id") REFERENCES "public"."report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_link" ADD CONSTRAINT "report_link_created_by_staff_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_note" ADD CONSTRAINT "report_note_report_id_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_note" ADD CONSTRAINT "report_note_author_id_staff_user_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."staff_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_pending" ADD CONSTRAINT "report_pending_report_id_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_notice" ADD CONSTRAINT "staff_notice_staff_id_staff_user_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_notice" ADD CONSTRAINT "staff_notice_report_id_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_report_idx" ON "audit_log" USING btree ("report_id","seq");--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor","seq");--> statement-breakpoint
CREATE INDEX "audit_log_organ_idx" ON "audit_log" USING btree ("organ_id","seq");--> statement-breakpoint
CREATE INDEX "report_event_report_idx" ON "report_event" USING btree ("report_id","id");--> statement-breakpoint
CREATE INDEX "report_note_report_idx" ON "report_note" USING btree ("report_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_notice_once_idx" ON "staff_notice" USING btree ("staff_id","report_id","kind","created_on");--> statement-breakpoint
CREATE INDEX "staff_notice_staff_idx" ON "staff_notice" USING btree ("staff_id","seen","id");--> statement-breakpoint
CREATE INDEX "report_inbox_received_idx" ON "report" USING btree ("organ_id","received_on" DESC NULLS LAST,"id");--> statement-breakpoint
CREATE INDEX "report_inbox_due_idx" ON "report" USING btree ("organ_id","next_due_on","id");--> statement-breakpoint
CREATE INDEX "report_inbox_unit_idx" ON "report" USING btree ("organ_id","unit_id","received_on" DESC NULLS LAST,"id");--> statement-breakpoint
CREATE INDEX "report_handler_due_idx" ON "report" USING btree ("handler_id","next_due_on");--> statement-breakpoint
CREATE INDEX "report_next_due_idx" ON "report" USING btree ("next_due_on");--> statement-breakpoint
CREATE INDEX "report_organ_category_idx" ON "report" USING btree ("organ_id","category");--> statement-breakpoint
CREATE INDEX "report_organ_state_idx" ON "report" USING btree ("organ_id","state");--> statement-breakpoint
CREATE INDEX "report_unit_idx" ON "report" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "report_key_wrap_granted_idx" ON "report_key_wrap" USING btree ("staff_id") WHERE "report_key_wrap"."granted_by" is not null;--> statement-breakpoint
-- Seed: the shipped working-day calendar (src/lib/server/calendar/holidays.ts), editable by admins afterwards.
INSERT INTO "holiday" ("day", "kind", "name", "provisional") VALUES
('2025-01-01', 'holiday', '元旦', false),
('2025-01-26', 'workday', '春节', false),
('2025-02-08', 'workday', '春节', false),
('2025-01-28', 'holiday', '春节', false),
('2025-01-29', 'holiday', '春节', false),
('2025-01-30', 'holiday', '春节', false),
('2025-01-31', 'holiday', '春节', false),
('2025-02-01', 'holiday', '春节', false),
('2025-02-02', 'holiday', '春节', false),
('2025-02-03', 'holiday', '春节', false),
('2025-02-04', 'holiday', '春节', false),
('2025-04-04', 'holiday', '清明节', false),
('2025-04-05', 'holiday', '清明节', false),
('2025-04-06', 'holiday', '清明节', false),
('2025-04-27', 'workday', '劳动节', false),
('2025-05-01', 'holiday', '劳动节', false),
('2025-05-02', 'holiday', '劳动节', false),
('2025-05-03', 'holiday', '劳动节', false),
('2025-05-04', 'holiday', '劳动节', false),
('2025-05-05', 'holiday', '劳动节', false),
('2025-05-31', 'holiday', '端午节', false),
('2025-06-01', 'holiday', '端午节', false),
('2025-06-02', 'holiday', '端午节', false),
('2025-09-28', 'workday', '国庆节、中秋节', false),
('2025-10-11', 'workday', '国庆节、中秋节', false),
('2025-10-01', 'holiday', '国庆节、中秋节', false),
('2025-10-02', 'holiday', '国庆节、中秋节', false),
('2025-10-03', 'holiday', '国庆节、中秋节', false),
('2025-10-04', 'holiday', '国庆节、中秋节', false),
('2025-10-05', 'holiday', '国庆节、中秋节', false),
('2025-10-06', 'holiday', '国庆节、中秋节', false),
('2025-10-07', 'holiday', '国庆节、中秋节', false),
('2025-10-08', 'holiday', '国庆节、中秋节', false),
('2026-01-01', 'holiday', '元旦', false),
('2026-01-02', 'holiday', '元旦', false),
('2026-01-03', 'holiday', '元旦', false),
('2026-01-04', 'workday', '元旦', false),
('2026-02-14', 'workday', '春节', false),
('2026-02-28', 'workday', '春节', false),
('2026-02-15', 'holiday', '春节', false),
('2026-02-16', 'holiday', '春节', false),
('2026-02-17', 'holiday', '春节', false),
('2026-02-18', 'holiday', '春节', false),
('2026-02-19', 'holiday', '春节', false),
('2026-02-20', 'holiday', '春节', false),
('2026-02-21', 'holiday', '春节', false),
('2026-02-22', 'holiday', '春节', false),
('2026-02-23', 'holiday', '春节', false),
('2026-04-04', 'holiday', '清明节', false),
('2026-04-05', 'holiday', '清明节', false),
('2026-04-06', 'holiday', '清明节', false),
('2026-05-01', 'holiday', '劳动节', false),
('2026-05-02', 'holiday', '劳动节', false),
('2026-05-03', 'holiday', '劳动节', false),
('2026-05-04', 'holiday', '劳动节', false),
('2026-05-05', 'holiday', '劳动节', false),
('2026-05-09', 'workday', '劳动节', false),
('2026-06-19', 'holiday', '端午节', false),
('2026-06-20', 'holiday', '端午节', false),
('2026-06-21', 'holiday', '端午节', false),
('2026-09-20', 'workday', '国庆节', false),
('2026-10-10', 'workday', '国庆节', false),
('2026-09-25', 'holiday', '中秋节', false),
('2026-09-26', 'holiday', '中秋节', false),
('2026-09-27', 'holiday', '中秋节', false),
('2026-10-01', 'holiday', '国庆节', false),
('2026-10-02', 'holiday', '国庆节', false),
('2026-10-03', 'holiday', '国庆节', false),
('2026-10-04', 'holiday', '国庆节', false),
('2026-10-05', 'holiday', '国庆节', false),
('2026-10-06', 'holiday', '国庆节', false),
('2026-10-07', 'holiday', '国庆节', false),
('2027-01-01', 'holiday', '元旦', true),
('2027-02-05', 'holiday', '春节', true),
('2027-02-06', 'holiday', '春节', true),
('2027-02-07', 'holiday', '春节', true),
('2027-02-08', 'holiday', '春节', true),
('2027-04-05', 'holiday', '清明节', true),
('2027-05-01', 'holiday', '劳动节', true),
('2027-05-02', 'holiday', '劳动节', true),
('2027-06-09', 'holiday', '端午节', true),
('2027-09-15', 'holiday', '中秋节', true),
('2027-10-01', 'holiday', '国庆节', true),
('2027-10-02', 'holiday', '国庆节', true),
('2027-10-03', 'holiday', '国庆节', true),
('2027-10-04', 'holiday', '国庆节', true),
('2027-10-05', 'holiday', '国庆节', true),
('2027-10-06', 'holiday', '国庆节', true),
('2027-10-07', 'holiday', '国庆节', true)
ON CONFLICT ("day") DO NOTHING;