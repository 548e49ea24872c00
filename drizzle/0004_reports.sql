CREATE TABLE "attachment" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"intake_id" "bytea",
	"file_no" integer NOT NULL,
	"bytes" integer NOT NULL,
	"parts" integer NOT NULL,
	"report_id" uuid,
	"message_id" integer,
	CONSTRAINT "attachment_intake_file_unique" UNIQUE("intake_id","file_no")
);
--> statement-breakpoint
CREATE TABLE "attachment_part" (
	"attachment_id" uuid NOT NULL,
	"idx" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "attachment_part_attachment_id_idx_pk" PRIMARY KEY("attachment_id","idx")
);
--> statement-breakpoint
CREATE TABLE "intake" (
	"id" "bytea" PRIMARY KEY NOT NULL,
	"report_id" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"files" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pow_spent" (
	"id" "bytea" PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"locator" text NOT NULL,
	"unit_id" text NOT NULL,
	"position" text NOT NULL,
	"kind" text NOT NULL,
	"category" text NOT NULL,
	"real_name" boolean NOT NULL,
	"escalate" boolean NOT NULL,
	"organ_id" text NOT NULL,
	"received_on" date NOT NULL,
	"public_status" text DEFAULT 'received' NOT NULL,
	"concluded_on" date,
	"content" "bytea" NOT NULL,
	"content_bytes" integer NOT NULL,
	"kdf_spec" "bytea" NOT NULL,
	"auth_hash" "bytea" NOT NULL,
	"receipt_wrapped" "bytea" NOT NULL,
	CONSTRAINT "report_locator_unique" UNIQUE("locator"),
	CONSTRAINT "report_public_status_check" CHECK ("report"."public_status" in ('received', 'accepted', 'handling', 'concluded', 'transferred')),
	CONSTRAINT "report_position_check" CHECK ("report"."position" in ('top_leader', 'team_member', 'other_staff'))
);
--> statement-breakpoint
CREATE TABLE "report_key_wrap" (
	"report_id" uuid NOT NULL,
	"staff_id" uuid NOT NULL,
	"entry_id" "bytea" NOT NULL,
	"sealed" "bytea" NOT NULL,
	CONSTRAINT "report_key_wrap_report_id_staff_id_pk" PRIMARY KEY("report_id","staff_id")
);
--> statement-breakpoint
CREATE TABLE "report_message" (
	"id" serial PRIMARY KEY NOT NULL,
	"report_id" uuid NOT NULL,
	"author" text NOT NULL,
	"staff_id" uuid,
	"sent_on" date NOT NULL,
	"body" "bytea" NOT NULL,
	CONSTRAINT "report_message_author_check" CHECK ("report_message"."author" in ('reporter', 'staff'))
);
--> statement-breakpoint
ALTER TABLE "attachment" ADD CONSTRAINT "attachment_intake_id_intake_id_fk" FOREIGN KEY ("intake_id") REFERENCES "public"."intake"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachment" ADD CONSTRAINT "attachment_report_id_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachment" ADD CONSTRAINT "attachment_message_id_report_message_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."report_message"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachment_part" ADD CONSTRAINT "attachment_part_attachment_id_attachment_id_fk" FOREIGN KEY ("attachment_id") REFERENCES "public"."attachment"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intake" ADD CONSTRAINT "intake_report_id_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_key_wrap" ADD CONSTRAINT "report_key_wrap_report_id_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_key_wrap" ADD CONSTRAINT "report_key_wrap_staff_id_staff_user_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_message" ADD CONSTRAINT "report_message_report_id_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_message" ADD CONSTRAINT "report_message_staff_id_staff_user_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attachment_report_idx" ON "attachment" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "attachment_message_idx" ON "attachment" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "intake_expires_idx" ON "intake" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "pow_spent_expires_idx" ON "pow_spent" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "report_organ_received_idx" ON "report" USING btree ("organ_id","received_on");--> statement-breakpoint
CREATE INDEX "report_received_category_idx" ON "report" USING btree ("received_on","category");--> statement-breakpoint
CREATE INDEX "report_concluded_idx" ON "report" USING btree ("concluded_on");--> statement-breakpoint
CREATE INDEX "report_key_wrap_staff_idx" ON "report_key_wrap" USING btree ("staff_id");--> statement-breakpoint
CREATE INDEX "report_message_report_idx" ON "report_message" USING btree ("report_id","id");