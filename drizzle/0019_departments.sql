CREATE TABLE "case_study" (
	"id" serial PRIMARY KEY NOT NULL,
	"report_id" uuid NOT NULL,
	"organ_id" text NOT NULL,
	"studied_on" date NOT NULL,
	"participants" uuid[] NOT NULL,
	"conclusion" text NOT NULL,
	"minutes" "bytea" NOT NULL,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"approved_by" uuid,
	"approved_at" timestamp with time zone,
	"used_at" timestamp with time zone,
	CONSTRAINT "case_study_conclusion_check" CHECK ("case_study"."conclusion" in ('talk_inquiry', 'preliminary_verification', 'hold_pending', 'close', 'to_investigation'))
);
--> statement-breakpoint
CREATE TABLE "organ_department" (
	"id" serial PRIMARY KEY NOT NULL,
	"organ_id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "organ_department_name_unique" UNIQUE("organ_id","name"),
	CONSTRAINT "organ_department_organ_unique" UNIQUE("id","organ_id"),
	CONSTRAINT "organ_department_kind_check" CHECK ("organ_department"."kind" in ('letters', 'case_management', 'supervision', 'investigation', 'review'))
);
--> statement-breakpoint
CREATE TABLE "staff_duty" (
	"id" serial PRIMARY KEY NOT NULL,
	"organ_id" text NOT NULL,
	"staff_id" uuid NOT NULL,
	"department_id" integer,
	"role" text NOT NULL,
	CONSTRAINT "staff_duty_unique" UNIQUE NULLS NOT DISTINCT("organ_id","staff_id","department_id","role"),
	CONSTRAINT "staff_duty_role_check" CHECK ("staff_duty"."role" in ('member', 'dept_head', 'organ_leader', 'main_leader')),
	CONSTRAINT "staff_duty_leader_check" CHECK (("staff_duty"."role" in ('organ_leader', 'main_leader')) = ("staff_duty"."department_id" is null))
);
--> statement-breakpoint
ALTER TABLE "case_study" ADD CONSTRAINT "case_study_report_id_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_study" ADD CONSTRAINT "case_study_organ_id_discipline_organ_id_fk" FOREIGN KEY ("organ_id") REFERENCES "public"."discipline_organ"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_study" ADD CONSTRAINT "case_study_recorded_by_staff_user_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."staff_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_study" ADD CONSTRAINT "case_study_approved_by_staff_user_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."staff_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organ_department" ADD CONSTRAINT "organ_department_organ_id_discipline_organ_id_fk" FOREIGN KEY ("organ_id") REFERENCES "public"."discipline_organ"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_duty" ADD CONSTRAINT "staff_duty_organ_id_discipline_organ_id_fk" FOREIGN KEY ("organ_id") REFERENCES "public"."discipline_organ"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_duty" ADD CONSTRAINT "staff_duty_staff_id_staff_user_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_duty" ADD CONSTRAINT "staff_duty_department_fk" FOREIGN KEY ("department_id","organ_id") REFERENCES "public"."organ_department"("id","organ_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_study_report_idx" ON "case_study" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "staff_duty_staff_idx" ON "staff_duty" USING btree ("staff_id","organ_id");--> statement-breakpoint
INSERT INTO "organ_department" ("organ_id", "kind", "name", "position")
SELECT o."id", d.kind, d.name, d.position FROM "discipline_organ" o,
	(VALUES ('letters', '信访室', 1), ('case_management', '案件监督管理室', 2), ('supervision', '第一监督检查室', 3),
		('investigation', '第一审查调查室', 4), ('review', '案件审理室', 5)) AS d(kind, name, position);
--> statement-breakpoint
CREATE FUNCTION organ_default_departments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO "organ_department" ("organ_id", "kind", "name", "position") VALUES
		(NEW."id", 'letters', '信访室', 1), (NEW."id", 'case_management', '案件监督管理室', 2),
		(NEW."id", 'supervision', '第一监督检查室', 3), (NEW."id", 'investigation', '第一审查调查室', 4),
		(NEW."id", 'review', '案件审理室', 5)
	ON CONFLICT DO NOTHING;
	RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER organ_default_departments AFTER INSERT ON "discipline_organ"
	FOR EACH ROW EXECUTE FUNCTION organ_default_departments();
