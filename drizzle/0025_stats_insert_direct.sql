-- Issue 20: the statistics roll-up of a new report without the per-session work table. The insert trigger
-- of 0006 (kept for updates and deletes) copies the new rows into pg_temp.report_stats_delta, aggregates them
-- from there and empties the table again: for a statement that inserts one report, that copy, its reads and
-- the two deletes cost PostgreSQL about as much as the roll-up's own writes. This function aggregates the
-- inserted rows straight from the transition table into the same two roll-ups, the same rows and counts as
-- report_stats_apply() gives for sign 1 (no deadlines yet: met and late are 0; 'kind' is no longer counted,
-- 0017). Statistics stay exact and current: the roll-up still commits with the report.
CREATE OR REPLACE FUNCTION report_stats_insert_trigger() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
	INSERT INTO report_stats_month AS t (scope_id, month, dim, value, shard, n)
	SELECT s.id, (extract(year FROM d.received_on) * 100 + extract(month FROM d.received_on))::int, x.dim, x.value,
		pg_backend_pid() % 4, count(*)::int
	FROM report_stats_new d
	JOIN discipline_organ o ON o.id = d.organ_id
	JOIN discipline_organ s ON (s.id = o.id OR s.id = ANY (o.ancestor_ids)) AND s.level IN ('central', 'province')
	CROSS JOIN LATERAL (VALUES
		('category', d.category), ('position', d.position), ('state', d.state),
		('disposition', CASE WHEN d.state IS NOT NULL THEN coalesce(d.disposition, '') END),
		('outcome', CASE WHEN d.state IS NOT NULL THEN coalesce(d.outcome, '') END),
		('day', extract(day FROM d.received_on)::int::text),
		('days', (d.concluded_on - d.received_on)::text),
		('due', CASE WHEN report_stats_open(d.state) THEN d.next_due_on::text END)
	) x (dim, value)
	WHERE x.value IS NOT NULL
	GROUP BY 1, 2, 3, 4, 5
	ORDER BY 1, 2, 3, 4, 5
	ON CONFLICT (scope_id, month, dim, value, shard) DO UPDATE SET n = t.n + excluded.n;

	INSERT INTO report_stats_unit AS t (organ_id, unit_id, month, due, n)
	SELECT d.organ_id, d.unit_id, (extract(year FROM d.received_on) * 100 + extract(month FROM d.received_on))::int,
		CASE WHEN report_stats_open(d.state) AND d.next_due_on IS NOT NULL THEN d.next_due_on ELSE 'infinity'::date END,
		count(*)::int
	FROM report_stats_new d
	GROUP BY 1, 2, 3, 4
	ORDER BY 1, 2, 3, 4
	ON CONFLICT (organ_id, unit_id, month, due) DO UPDATE SET n = t.n + excluded.n;
	RETURN NULL;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS report_stats_insert ON report;
--> statement-breakpoint
CREATE TRIGGER report_stats_insert AFTER INSERT ON report REFERENCING NEW TABLE AS report_stats_new
	FOR EACH STATEMENT EXECUTE FUNCTION report_stats_insert_trigger();
