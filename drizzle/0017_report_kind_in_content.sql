CREATE TABLE "report_protection" (
	"id" serial PRIMARY KEY NOT NULL,
	"report_id" uuid NOT NULL,
	"message_id" integer NOT NULL,
	"requested_on" date NOT NULL,
	"due_on" date NOT NULL,
	"met_on" date
);
--> statement-breakpoint
ALTER TABLE "report" DROP CONSTRAINT "report_kind_check";--> statement-breakpoint
ALTER TABLE "report_protection" ADD CONSTRAINT "report_protection_report_id_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_protection" ADD CONSTRAINT "report_protection_message_id_report_message_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."report_message"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "report_protection_report_idx" ON "report_protection" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "report_protection_due_idx" ON "report_protection" USING btree ("due_on");--> statement-breakpoint
ALTER TABLE "report" DROP COLUMN "kind";--> statement-breakpoint
-- Issue 19: the report kind leaves the clear columns. A kind such as peer_report (a fellow team member's
-- report) with the unit and the date narrows the reporter to a handful of people. Existing reports lose
-- nothing: their content (v1) already holds the kind, which the staff's browsers read from there; the clear
-- copy cannot be moved into the ciphertext server-side (the server holds no report key), so it is dropped.
-- The statistics roll-ups stop counting the dimension 'kind' (the delta table keeps its column, always NULL,
-- so a session that created it before this migration still works).
DELETE FROM report_stats_month WHERE dim = 'kind';
--> statement-breakpoint
CREATE OR REPLACE FUNCTION report_stats_report_trigger() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
	PERFORM report_stats_delta_table();
	IF TG_OP = 'INSERT' THEN
		INSERT INTO pg_temp.report_stats_delta SELECT 1, id, organ_id, unit_id, received_on, category, position, NULL, state, disposition,
			outcome, concluded_on, next_due_on, 0, 0 FROM report_stats_new;
	ELSIF TG_OP = 'DELETE' THEN
		-- The deleted reports' deadlines were counted off by report_stats_report_delete (BEFORE DELETE).
		INSERT INTO pg_temp.report_stats_delta SELECT -1, id, organ_id, unit_id, received_on, category, position, NULL, state, disposition,
			outcome, concluded_on, next_due_on, 0, 0 FROM report_stats_old;
	ELSE
		-- Only rows whose counted fields changed; their deadlines move with them when the organ or the date does.
		INSERT INTO pg_temp.report_stats_delta
		SELECT x.* FROM report_stats_old o JOIN report_stats_new n ON n.id = o.id
		CROSS JOIN LATERAL (
			SELECT count(*) FILTER (WHERE dl.met_on IS NOT NULL)::int AS met, count(*) FILTER (WHERE dl.met_on > dl.due_on)::int AS late
			FROM report_deadline dl
			WHERE dl.report_id = n.id AND (o.organ_id IS DISTINCT FROM n.organ_id OR o.received_on IS DISTINCT FROM n.received_on)
		) m
		CROSS JOIN LATERAL (VALUES
			(-1, o.id, o.organ_id, o.unit_id, o.received_on, o.category, o.position, NULL::text, o.state, o.disposition, o.outcome,
				o.concluded_on, o.next_due_on, -m.met, -m.late),
			(1, n.id, n.organ_id, n.unit_id, n.received_on, n.category, n.position, NULL::text, n.state, n.disposition, n.outcome,
				n.concluded_on, n.next_due_on, m.met, m.late)
		) x
		WHERE (o.organ_id, o.unit_id, o.received_on, o.category, o.position, NULL::text, o.state, o.disposition, o.outcome, o.concluded_on,
			o.next_due_on) IS DISTINCT FROM (n.organ_id, n.unit_id, n.received_on, n.category, n.position, NULL::text, n.state,
			n.disposition, n.outcome, n.concluded_on, n.next_due_on);
	END IF;
	PERFORM report_stats_apply();
	RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION report_stats_rebuild() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
	PERFORM 1 FROM report_stats_state WHERE id = 1 FOR UPDATE;
	LOCK TABLE report, report_deadline IN SHARE MODE;
	DELETE FROM report_stats_month;
	DELETE FROM report_stats_unit;
	PERFORM report_stats_delta_table();
	INSERT INTO pg_temp.report_stats_delta
	SELECT 1, r.id, r.organ_id, r.unit_id, r.received_on, r.category, r.position, NULL, r.state, r.disposition, r.outcome,
		r.concluded_on, r.next_due_on, coalesce(m.met, 0), coalesce(m.late, 0)
	FROM report r LEFT JOIN (
		SELECT report_id, count(*) FILTER (WHERE met_on IS NOT NULL)::int AS met, count(*) FILTER (WHERE met_on > due_on)::int AS late
		FROM report_deadline GROUP BY report_id
	) m ON m.report_id = r.id;
	PERFORM report_stats_apply();
	UPDATE report_stats_state SET stale = false WHERE id = 1;
END
$fn$;
