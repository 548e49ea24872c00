CREATE TABLE "staff_saved_filter" (
	"id" serial PRIMARY KEY NOT NULL,
	"staff_id" uuid NOT NULL,
	"name" text NOT NULL,
	"query" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_saved_filter_name_unique" UNIQUE("staff_id","name"),
	CONSTRAINT "staff_saved_filter_name_check" CHECK (char_length("staff_saved_filter"."name") between 1 and 60),
	CONSTRAINT "staff_saved_filter_query_check" CHECK (char_length("staff_saved_filter"."query") <= 1000)
);
--> statement-breakpoint
ALTER TABLE "discipline_organ" ADD COLUMN "time_zone" text DEFAULT 'Asia/Shanghai' NOT NULL;--> statement-breakpoint
ALTER TABLE "staff_saved_filter" ADD CONSTRAINT "staff_saved_filter_staff_id_staff_user_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "report_inbox_state_idx" ON "report" USING btree ("organ_id","state","received_on" DESC NULLS LAST,"id");--> statement-breakpoint
CREATE INDEX "report_inbox_category_idx" ON "report" USING btree ("organ_id","category","received_on" DESC NULLS LAST,"id");