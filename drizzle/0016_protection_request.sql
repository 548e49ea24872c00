CREATE TABLE "report_protection" (
	"id" serial PRIMARY KEY NOT NULL,
	"report_id" uuid NOT NULL,
	"message_id" integer NOT NULL,
	"requested_on" date NOT NULL,
	"due_on" date NOT NULL,
	"met_on" date
);
--> statement-breakpoint
ALTER TABLE "report_protection" ADD CONSTRAINT "report_protection_report_id_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_protection" ADD CONSTRAINT "report_protection_message_id_report_message_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."report_message"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "report_protection_report_idx" ON "report_protection" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "report_protection_due_idx" ON "report_protection" USING btree ("due_on");