CREATE TABLE "organ_duty_rule" (
	"organ_id" text PRIMARY KEY NOT NULL,
	"enforced" boolean DEFAULT false NOT NULL,
	"changed_by" uuid,
	"changed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "organ_duty_rule" ADD CONSTRAINT "organ_duty_rule_organ_id_discipline_organ_id_fk" FOREIGN KEY ("organ_id") REFERENCES "public"."discipline_organ"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organ_duty_rule" ADD CONSTRAINT "organ_duty_rule_changed_by_staff_user_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."staff_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- Organs that had assigned duties worked by them (the rule before this setting): they keep doing so.
INSERT INTO "organ_duty_rule" ("organ_id", "enforced", "changed_at")
SELECT DISTINCT "organ_id", true, now() FROM "staff_duty";
