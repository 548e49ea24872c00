-- Issue 16: report_message gets a random id and a per-report sequence number; the serial id (a global order
-- of every message, which bracketed when a reporter wrote) goes. Existing rows keep their order as seq.
ALTER TABLE "report_message" ADD COLUMN "seq" integer;--> statement-breakpoint
UPDATE "report_message" AS m SET "seq" = s.rn
	FROM (SELECT "id", row_number() OVER (PARTITION BY "report_id" ORDER BY "id") AS rn FROM "report_message") AS s
	WHERE m."id" = s."id";--> statement-breakpoint
ALTER TABLE "report_message" ALTER COLUMN "seq" SET DEFAULT null;--> statement-breakpoint
ALTER TABLE "report_message" ALTER COLUMN "seq" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "report_message" ADD COLUMN "new_id" uuid DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
ALTER TABLE "attachment" ADD COLUMN "new_message_id" uuid;--> statement-breakpoint
UPDATE "attachment" AS a SET "new_message_id" = m."new_id" FROM "report_message" AS m WHERE a."message_id" = m."id";--> statement-breakpoint
ALTER TABLE "attachment" DROP CONSTRAINT "attachment_message_id_report_message_id_fk";--> statement-breakpoint
DROP INDEX "attachment_message_idx";--> statement-breakpoint
ALTER TABLE "attachment" DROP COLUMN "message_id";--> statement-breakpoint
ALTER TABLE "attachment" RENAME COLUMN "new_message_id" TO "message_id";--> statement-breakpoint
-- The protection requests (issue 19, migration 0017) point at their message too: same conversion.
ALTER TABLE "report_protection" ADD COLUMN "new_message_id" uuid;--> statement-breakpoint
UPDATE "report_protection" AS p SET "new_message_id" = m."new_id" FROM "report_message" AS m WHERE p."message_id" = m."id";--> statement-breakpoint
ALTER TABLE "report_protection" DROP CONSTRAINT "report_protection_message_id_report_message_id_fk";--> statement-breakpoint
ALTER TABLE "report_protection" DROP COLUMN "message_id";--> statement-breakpoint
ALTER TABLE "report_protection" RENAME COLUMN "new_message_id" TO "message_id";--> statement-breakpoint
ALTER TABLE "report_protection" ALTER COLUMN "message_id" SET NOT NULL;--> statement-breakpoint
DROP INDEX "report_message_report_idx";--> statement-breakpoint
ALTER TABLE "report_message" DROP CONSTRAINT "report_message_pkey";--> statement-breakpoint
ALTER TABLE "report_message" DROP COLUMN "id";--> statement-breakpoint
ALTER TABLE "report_message" RENAME COLUMN "new_id" TO "id";--> statement-breakpoint
ALTER TABLE "report_message" ADD CONSTRAINT "report_message_pkey" PRIMARY KEY ("id");--> statement-breakpoint
ALTER TABLE "report_message" ADD CONSTRAINT "report_message_report_seq_unique" UNIQUE("report_id","seq");--> statement-breakpoint
ALTER TABLE "attachment" ADD CONSTRAINT "attachment_message_id_report_message_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."report_message"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attachment_message_idx" ON "attachment" USING btree ("message_id");--> statement-breakpoint
ALTER TABLE "report_protection" ADD CONSTRAINT "report_protection_message_id_report_message_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."report_message"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- The next seq of a report, with the report row locked (concurrent messages to one report are numbered one
-- by one), whenever an insert leaves seq out; a restore that carries seq keeps it.
CREATE FUNCTION report_message_next_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.seq IS NULL THEN
		PERFORM 1 FROM report WHERE id = NEW.report_id FOR UPDATE;
		SELECT coalesce(max(seq), 0) + 1 INTO NEW.seq FROM report_message WHERE report_id = NEW.report_id;
	END IF;
	RETURN NEW;
END;
$$;--> statement-breakpoint
CREATE TRIGGER report_message_seq BEFORE INSERT ON "report_message"
	FOR EACH ROW EXECUTE FUNCTION report_message_next_seq();--> statement-breakpoint
ALTER TABLE "report_key_wrap" ADD COLUMN "proof" "bytea";--> statement-breakpoint
ALTER TABLE "report_key_wrap" ADD COLUMN "proof_organ" text;
