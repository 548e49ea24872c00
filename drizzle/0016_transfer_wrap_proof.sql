ALTER TABLE "report_key_wrap" ADD COLUMN "proof" "bytea";--> statement-breakpoint
ALTER TABLE "report_key_wrap" ADD COLUMN "proof_organ" text;