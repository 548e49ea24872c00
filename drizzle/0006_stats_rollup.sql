CREATE TABLE "report_stats_month" (
	"scope_id" text NOT NULL,
	"month" integer NOT NULL,
	"dim" text NOT NULL,
	"value" text NOT NULL,
	"shard" integer NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "report_stats_month_scope_id_month_dim_value_shard_pk" PRIMARY KEY("scope_id","month","dim","value","shard")
);
--> statement-breakpoint
CREATE TABLE "report_stats_state" (
	"id" integer PRIMARY KEY NOT NULL,
	"stale" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_stats_unit" (
	"organ_id" text NOT NULL,
	"unit_id" text NOT NULL,
	"month" integer NOT NULL,
	"due" date NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "report_stats_unit_organ_id_unit_id_month_due_pk" PRIMARY KEY("organ_id","unit_id","month","due")
);
--> statement-breakpoint
CREATE INDEX "report_key_wrap_staff_report_idx" ON "report_key_wrap" USING btree ("staff_id","report_id");--> statement-breakpoint
-- Statistics roll-ups (src/lib/server/backoffice/stats.ts, docs/backoffice.md "Statistics"): kept by the
-- statement-level triggers below in the transaction of every statement that writes report or
-- report_deadline, so no writer can forget them. Open = state not in the closed/after stages
-- (stats.ts FINISHED_STATES; src/lib/server/backoffice/stats-rollup.test.ts compares with direct counts).
CREATE OR REPLACE FUNCTION report_stats_open(p_state text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $fn$
	SELECT p_state NOT IN ('transferred_out', 'duplicate', 'no_substance', 'concluded', 'objection_pending')
$fn$;
--> statement-breakpoint
-- The per-session work table of the triggers: signed report rows (sign ±1; met / late are signed counts
-- of the report's deadlines met and met late; sign 0 = deadlines only).
CREATE OR REPLACE FUNCTION report_stats_delta_table() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
	IF to_regclass('pg_temp.report_stats_delta') IS NULL THEN
		CREATE TEMP TABLE report_stats_delta (sign int, id uuid, organ_id text, unit_id text, received_on date,
			category text, position text, kind text, state text, disposition text, outcome text, concluded_on date,
			next_due_on date, met int, late int);
	ELSE
		DELETE FROM pg_temp.report_stats_delta;
	END IF;
END
$fn$;
--> statement-breakpoint
-- Adds report_stats_delta to both roll-ups. Rows are aggregated first and written in key order (two
-- statements of these triggers cannot deadlock on each other's rows); `shard` spreads concurrent
-- transactions over 4 rows per key, so concurrent intake does not queue on one month's counters.
CREATE OR REPLACE FUNCTION report_stats_apply() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
	INSERT INTO report_stats_month AS t (scope_id, month, dim, value, shard, n)
	SELECT s.id, (extract(year FROM d.received_on) * 100 + extract(month FROM d.received_on))::int, x.dim, x.value,
		pg_backend_pid() % 4, sum(x.k)::int
	FROM pg_temp.report_stats_delta d
	JOIN discipline_organ o ON o.id = d.organ_id
	JOIN discipline_organ s ON (s.id = o.id OR s.id = ANY (o.ancestor_ids)) AND s.level IN ('central', 'province')
	CROSS JOIN LATERAL (VALUES
		('category', d.category, d.sign), ('position', d.position, d.sign), ('kind', d.kind, d.sign), ('state', d.state, d.sign),
		('disposition', CASE WHEN d.state IS NOT NULL THEN coalesce(d.disposition, '') END, d.sign),
		('outcome', CASE WHEN d.state IS NOT NULL THEN coalesce(d.outcome, '') END, d.sign),
		('day', extract(day FROM d.received_on)::int::text, d.sign),
		('days', (d.concluded_on - d.received_on)::text, d.sign),
		('due', CASE WHEN report_stats_open(d.state) THEN d.next_due_on::text END, d.sign),
		('met', '', d.met), ('late', '', d.late)
	) x (dim, value, k)
	WHERE x.value IS NOT NULL AND x.k <> 0
	GROUP BY 1, 2, 3, 4, 5
	HAVING sum(x.k) <> 0
	ORDER BY 1, 2, 3, 4, 5
	ON CONFLICT (scope_id, month, dim, value, shard) DO UPDATE SET n = t.n + excluded.n;

	INSERT INTO report_stats_unit AS t (organ_id, unit_id, month, due, n)
	SELECT d.organ_id, d.unit_id, (extract(year FROM d.received_on) * 100 + extract(month FROM d.received_on))::int,
		CASE WHEN report_stats_open(d.state) AND d.next_due_on IS NOT NULL THEN d.next_due_on ELSE 'infinity'::date END,
		sum(d.sign)::int
	FROM pg_temp.report_stats_delta d
	WHERE d.sign <> 0
	GROUP BY 1, 2, 3, 4
	HAVING sum(d.sign) <> 0
	ORDER BY 1, 2, 3, 4
	ON CONFLICT (organ_id, unit_id, month, due) DO UPDATE SET n = t.n + excluded.n;

	DELETE FROM pg_temp.report_stats_delta;
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION report_stats_report_trigger() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
	PERFORM report_stats_delta_table();
	IF TG_OP = 'INSERT' THEN
		INSERT INTO pg_temp.report_stats_delta SELECT 1, id, organ_id, unit_id, received_on, category, position, kind, state, disposition,
			outcome, concluded_on, next_due_on, 0, 0 FROM report_stats_new;
	ELSIF TG_OP = 'DELETE' THEN
		-- The deleted reports' deadlines were counted off by report_stats_report_delete (BEFORE DELETE).
		INSERT INTO pg_temp.report_stats_delta SELECT -1, id, organ_id, unit_id, received_on, category, position, kind, state, disposition,
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
			(-1, o.id, o.organ_id, o.unit_id, o.received_on, o.category, o.position, o.kind, o.state, o.disposition, o.outcome,
				o.concluded_on, o.next_due_on, -m.met, -m.late),
			(1, n.id, n.organ_id, n.unit_id, n.received_on, n.category, n.position, n.kind, n.state, n.disposition, n.outcome,
				n.concluded_on, n.next_due_on, m.met, m.late)
		) x
		WHERE (o.organ_id, o.unit_id, o.received_on, o.category, o.position, o.kind, o.state, o.disposition, o.outcome, o.concluded_on,
			o.next_due_on) IS DISTINCT FROM (n.organ_id, n.unit_id, n.received_on, n.category, n.position, n.kind, n.state,
			n.disposition, n.outcome, n.concluded_on, n.next_due_on);
	END IF;
	PERFORM report_stats_apply();
	RETURN NULL;
END
$fn$;
--> statement-breakpoint
-- Before a report row goes, its deadlines are counted off (the cascade then deletes them when the report
-- is no longer visible, so report_stats_deadline_trigger skips them).
CREATE OR REPLACE FUNCTION report_stats_report_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
	PERFORM report_stats_delta_table();
	INSERT INTO pg_temp.report_stats_delta
	SELECT 0, OLD.id, OLD.organ_id, OLD.unit_id, OLD.received_on, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
		-count(*) FILTER (WHERE dl.met_on IS NOT NULL)::int, -count(*) FILTER (WHERE dl.met_on > dl.due_on)::int
	FROM report_deadline dl WHERE dl.report_id = OLD.id;
	PERFORM report_stats_apply();
	RETURN OLD;
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION report_stats_deadline_trigger() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
	PERFORM report_stats_delta_table();
	-- Deadlines met and met late, counted under their report's organ and month (sign 0: the report's own
	-- dimensions are untouched). A deadline whose report is already gone (cascade) is skipped.
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		INSERT INTO pg_temp.report_stats_delta (sign, id, met, late)
		SELECT 0, report_id, CASE WHEN met_on IS NOT NULL THEN 1 ELSE 0 END, CASE WHEN met_on > due_on THEN 1 ELSE 0 END FROM report_stats_new;
	END IF;
	IF TG_OP IN ('DELETE', 'UPDATE') THEN
		INSERT INTO pg_temp.report_stats_delta (sign, id, met, late)
		SELECT 0, report_id, CASE WHEN met_on IS NOT NULL THEN -1 ELSE 0 END, CASE WHEN met_on > due_on THEN -1 ELSE 0 END FROM report_stats_old;
	END IF;
	WITH c AS (DELETE FROM pg_temp.report_stats_delta RETURNING id, met, late)
	INSERT INTO pg_temp.report_stats_delta
	SELECT 0, r.id, r.organ_id, r.unit_id, r.received_on, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, sum(c.met)::int, sum(c.late)::int
	FROM c JOIN report r ON r.id = c.id
	GROUP BY r.id, r.organ_id, r.unit_id, r.received_on
	HAVING sum(c.met) <> 0 OR sum(c.late) <> 0;
	PERFORM report_stats_apply();
	RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER report_stats_insert AFTER INSERT ON report REFERENCING NEW TABLE AS report_stats_new
	FOR EACH STATEMENT EXECUTE FUNCTION report_stats_report_trigger();
--> statement-breakpoint
CREATE TRIGGER report_stats_update AFTER UPDATE ON report REFERENCING OLD TABLE AS report_stats_old NEW TABLE AS report_stats_new
	FOR EACH STATEMENT EXECUTE FUNCTION report_stats_report_trigger();
--> statement-breakpoint
CREATE TRIGGER report_stats_delete AFTER DELETE ON report REFERENCING OLD TABLE AS report_stats_old
	FOR EACH STATEMENT EXECUTE FUNCTION report_stats_report_trigger();
--> statement-breakpoint
CREATE TRIGGER report_stats_delete_deadlines BEFORE DELETE ON report
	FOR EACH ROW EXECUTE FUNCTION report_stats_report_delete();
--> statement-breakpoint
CREATE TRIGGER report_stats_deadline_insert AFTER INSERT ON report_deadline REFERENCING NEW TABLE AS report_stats_new
	FOR EACH STATEMENT EXECUTE FUNCTION report_stats_deadline_trigger();
--> statement-breakpoint
CREATE TRIGGER report_stats_deadline_update AFTER UPDATE ON report_deadline REFERENCING OLD TABLE AS report_stats_old NEW TABLE AS report_stats_new
	FOR EACH STATEMENT EXECUTE FUNCTION report_stats_deadline_trigger();
--> statement-breakpoint
CREATE TRIGGER report_stats_deadline_delete AFTER DELETE ON report_deadline REFERENCING OLD TABLE AS report_stats_old
	FOR EACH STATEMENT EXECUTE FUNCTION report_stats_deadline_trigger();
--> statement-breakpoint
-- report_stats_month depends on the organ tree (which organs lie above a report's holder): any change of
-- discipline_organ marks it stale; stats.ts then rebuilds it (report_stats_rebuild) before using it.
CREATE OR REPLACE FUNCTION report_stats_organs_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
	UPDATE report_stats_state SET stale = true WHERE id = 1 AND NOT stale;
	RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER report_stats_organs_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON discipline_organ
	FOR EACH STATEMENT EXECUTE FUNCTION report_stats_organs_changed();
--> statement-breakpoint
-- Recomputes both roll-ups from report and report_deadline. Writers wait meanwhile (share locks), so no
-- concurrent change is lost or counted twice. Called by the migration and by stats.ts when stale.
CREATE OR REPLACE FUNCTION report_stats_rebuild() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
	PERFORM 1 FROM report_stats_state WHERE id = 1 FOR UPDATE;
	LOCK TABLE report, report_deadline IN SHARE MODE;
	DELETE FROM report_stats_month;
	DELETE FROM report_stats_unit;
	PERFORM report_stats_delta_table();
	INSERT INTO pg_temp.report_stats_delta
	SELECT 1, r.id, r.organ_id, r.unit_id, r.received_on, r.category, r.position, r.kind, r.state, r.disposition, r.outcome,
		r.concluded_on, r.next_due_on, coalesce(m.met, 0), coalesce(m.late, 0)
	FROM report r LEFT JOIN (
		SELECT report_id, count(*) FILTER (WHERE met_on IS NOT NULL)::int AS met, count(*) FILTER (WHERE met_on > due_on)::int AS late
		FROM report_deadline GROUP BY report_id
	) m ON m.report_id = r.id;
	PERFORM report_stats_apply();
	UPDATE report_stats_state SET stale = false WHERE id = 1;
END
$fn$;
--> statement-breakpoint
INSERT INTO report_stats_state (id, stale) VALUES (1, false) ON CONFLICT (id) DO NOTHING;
--> statement-breakpoint
SELECT report_stats_rebuild();
