ALTER TABLE "report" DROP CONSTRAINT "report_public_status_check";--> statement-breakpoint
ALTER TABLE "report" ADD CONSTRAINT "report_public_status_check" CHECK ("report"."public_status" in ('received', 'accepted', 'handling', 'concluded', 'transferred', 'handed_down', 'not_accepted', 'duplicate', 'returned', 'objection'));--> statement-breakpoint
UPDATE "report" SET "public_status" = CASE "state"
	WHEN 'transferred_down' THEN 'handed_down'
	WHEN 'transferred_out' THEN 'not_accepted'
	WHEN 'duplicate' THEN 'duplicate'
	WHEN 'no_substance' THEN 'returned'
	WHEN 'objection_pending' THEN 'objection'
	ELSE "public_status" END
WHERE "state" IN ('transferred_down', 'transferred_out', 'duplicate', 'no_substance', 'objection_pending');
