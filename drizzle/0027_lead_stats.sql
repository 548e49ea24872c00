CREATE TABLE "lead_stats_person" (
	"organ_id" text NOT NULL,
	"day" date NOT NULL,
	"blind_name" "bytea" NOT NULL,
	"outcome" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "lead_stats_person_organ_id_day_blind_name_outcome_pk" PRIMARY KEY("organ_id","day","blind_name","outcome")
);
--> statement-breakpoint
CREATE TABLE "lead_stats_person_memo" (
	"lead_id" uuid NOT NULL,
	"blind_name" "bytea" NOT NULL,
	CONSTRAINT "lead_stats_person_memo_lead_id_blind_name_pk" PRIMARY KEY("lead_id","blind_name")
);
--> statement-breakpoint
CREATE TABLE "lead_stats_reclass" (
	"organ_id" text NOT NULL,
	"day" date NOT NULL,
	"guess" text NOT NULL,
	"staff_organ" text NOT NULL,
	"staff" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "lead_stats_reclass_organ_id_day_guess_staff_organ_staff_pk" PRIMARY KEY("organ_id","day","guess","staff_organ","staff")
);
--> statement-breakpoint
CREATE TABLE "lead_stats_report_memo" (
	"report_id" uuid PRIMARY KEY NOT NULL,
	"organ_id" text NOT NULL,
	"day" date NOT NULL,
	"guess" text,
	"staff_organ" text NOT NULL,
	"staff" text NOT NULL,
	"multi" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lead_stats_root" (
	"organ_id" text NOT NULL,
	"day" date NOT NULL,
	"category" text NOT NULL,
	"outcome" text NOT NULL,
	"linked" boolean NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "lead_stats_root_organ_id_day_category_outcome_linked_pk" PRIMARY KEY("organ_id","day","category","outcome","linked")
);
--> statement-breakpoint
CREATE TABLE "lead_stats_root_memo" (
	"lead_id" uuid PRIMARY KEY NOT NULL,
	"organ_id" text NOT NULL,
	"day" date NOT NULL,
	"category" text NOT NULL,
	"outcome" text NOT NULL,
	"linked" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lead_stats_state" (
	"id" integer PRIMARY KEY NOT NULL,
	"timezone" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lead_stats_unit" (
	"organ_id" text NOT NULL,
	"day" date NOT NULL,
	"unit_id" text NOT NULL,
	"kind" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "lead_stats_unit_organ_id_day_unit_id_kind_pk" PRIMARY KEY("organ_id","day","unit_id","kind")
);
--> statement-breakpoint
CREATE TABLE "lead_stats_unit_memo" (
	"lead_id" uuid NOT NULL,
	"unit_id" text NOT NULL,
	"kind" text NOT NULL,
	CONSTRAINT "lead_stats_unit_memo_lead_id_unit_id_pk" PRIMARY KEY("lead_id","unit_id")
);
--> statement-breakpoint
CREATE INDEX "lead_stats_report_memo_multi_idx" ON "lead_stats_report_memo" USING btree ("organ_id","day") WHERE "lead_stats_report_memo"."multi";--> statement-breakpoint
-- The lead register's statistics summaries (issue 18 item 4; src/lib/server/backoffice/stats-leads.ts,
-- docs/backoffice.md "Statistics"). Kept by the statement-level triggers below in the writer's transaction;
-- stats-leads.test.ts compares the answers with the direct queries (stats-leads-direct.ts) over random
-- workloads. Each refresh takes the roots (reports) a statement touched, subtracts what their memo rows
-- added to the summaries, recomputes their memo rows from the register and adds them again. Summary rows
-- are aggregated first and written in key order.
INSERT INTO lead_stats_state (id, timezone) VALUES (1, 'Asia/Shanghai') ON CONFLICT (id) DO NOTHING;
--> statement-breakpoint
-- Two transactions refreshing the same root (report) would both delete its memo row and insert a new one:
-- the second insert would fail on the key. Each refresh first takes a transaction-level advisory lock per
-- bucket of its ids (1024 buckets, in order: no deadlock between refreshes); READ COMMITTED statements after
-- the lock see what the other transaction committed. The rebuild (table locks) skips them.
CREATE OR REPLACE FUNCTION lead_stats_lock(p_kind int, p_ids uuid[]) RETURNS void LANGUAGE sql AS $fn$
	SELECT count(pg_advisory_xact_lock(p_kind, b)) FROM (
		SELECT DISTINCT hashtext(id::text) & 1023 AS b FROM unnest(p_ids) AS x (id) ORDER BY 1
	) s
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION lead_stats_refresh_leads(p_ids uuid[], p_lock boolean DEFAULT true) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
	v_tz text := (SELECT timezone FROM lead_stats_state WHERE id = 1);
BEGIN
	IF p_lock THEN
		PERFORM lead_stats_lock(26001, p_ids);
	END IF;
	-- Subtract the old contribution (persons and units read their root's memo row, deleted last).
	WITH u AS (SELECT DISTINCT id FROM unnest(p_ids) AS x (id)),
	old AS (DELETE FROM lead_stats_person_memo m USING u WHERE m.lead_id = u.id RETURNING m.lead_id, m.blind_name)
	INSERT INTO lead_stats_person AS t (organ_id, day, blind_name, outcome, n)
	SELECT r.organ_id, r.day, o.blind_name, r.outcome, -count(*)::int FROM old o JOIN lead_stats_root_memo r ON r.lead_id = o.lead_id
	GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
	ON CONFLICT (organ_id, day, blind_name, outcome) DO UPDATE SET n = t.n + excluded.n;

	WITH u AS (SELECT DISTINCT id FROM unnest(p_ids) AS x (id)),
	old AS (DELETE FROM lead_stats_unit_memo m USING u WHERE m.lead_id = u.id RETURNING m.lead_id, m.unit_id, m.kind)
	INSERT INTO lead_stats_unit AS t (organ_id, day, unit_id, kind, n)
	SELECT r.organ_id, r.day, o.unit_id, o.kind, -count(*)::int FROM old o JOIN lead_stats_root_memo r ON r.lead_id = o.lead_id
	GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
	ON CONFLICT (organ_id, day, unit_id, kind) DO UPDATE SET n = t.n + excluded.n;

	WITH u AS (SELECT DISTINCT id FROM unnest(p_ids) AS x (id)),
	old AS (DELETE FROM lead_stats_root_memo m USING u WHERE m.lead_id = u.id RETURNING m.*)
	INSERT INTO lead_stats_root AS t (organ_id, day, category, outcome, linked, n)
	SELECT organ_id, day, category, outcome, linked, -count(*)::int FROM old
	GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
	ON CONFLICT (organ_id, day, category, outcome, linked) DO UPDATE SET n = t.n + excluded.n;

	-- The new contribution of those that are roots now.
	WITH u AS (SELECT DISTINCT id FROM unnest(p_ids) AS x (id)),
	new AS (INSERT INTO lead_stats_root_memo (lead_id, organ_id, day, category, outcome, linked)
		SELECT l.id, l.organ_id, (l.received_on AT TIME ZONE v_tz)::date, coalesce(l.category, ''), coalesce(l.outcome, ''),
			EXISTS (SELECT 1 FROM lead_report lr WHERE lr.lead_id = l.id)
		FROM lead l JOIN u ON u.id = l.id WHERE l.state <> 'merged'
		RETURNING *)
	INSERT INTO lead_stats_root AS t (organ_id, day, category, outcome, linked, n)
	SELECT organ_id, day, category, outcome, linked, count(*)::int FROM new
	GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
	ON CONFLICT (organ_id, day, category, outcome, linked) DO UPDATE SET n = t.n + excluded.n;

	WITH u AS (SELECT DISTINCT id FROM unnest(p_ids) AS x (id)),
	new AS (INSERT INTO lead_stats_person_memo (lead_id, blind_name)
		SELECT DISTINCT x.root_id, x.blind_name FROM (
			SELECT p.lead_id AS root_id, p.blind_name FROM lead_person p JOIN u ON u.id = p.lead_id
			UNION ALL
			SELECT m.merged_into, p.blind_name FROM lead m JOIN u ON u.id = m.merged_into JOIN lead_person p ON p.lead_id = m.id
		) x WHERE EXISTS (SELECT 1 FROM lead_stats_root_memo r WHERE r.lead_id = x.root_id)
		RETURNING lead_id, blind_name)
	INSERT INTO lead_stats_person AS t (organ_id, day, blind_name, outcome, n)
	SELECT r.organ_id, r.day, o.blind_name, r.outcome, count(*)::int FROM new o JOIN lead_stats_root_memo r ON r.lead_id = o.lead_id
	GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
	ON CONFLICT (organ_id, day, blind_name, outcome) DO UPDATE SET n = t.n + excluded.n;

	WITH u AS (SELECT DISTINCT id FROM unnest(p_ids) AS x (id)),
	new AS (INSERT INTO lead_stats_unit_memo (lead_id, unit_id, kind)
		SELECT lr.lead_id, r.unit_id, CASE WHEN bool_or(r.position = 'top_leader') THEN 'top'
			WHEN bool_or(r.position = 'team_member') THEN 'team' ELSE 'other' END
		FROM lead_report lr JOIN u ON u.id = lr.lead_id JOIN report r ON r.id = lr.report_id
		WHERE EXISTS (SELECT 1 FROM lead_stats_root_memo m WHERE m.lead_id = lr.lead_id)
		GROUP BY lr.lead_id, r.unit_id
		RETURNING lead_id, unit_id, kind)
	INSERT INTO lead_stats_unit AS t (organ_id, day, unit_id, kind, n)
	SELECT r.organ_id, r.day, o.unit_id, o.kind, count(*)::int FROM new o JOIN lead_stats_root_memo r ON r.lead_id = o.lead_id
	GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
	ON CONFLICT (organ_id, day, unit_id, kind) DO UPDATE SET n = t.n + excluded.n;
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION lead_stats_refresh_reports(p_ids uuid[], p_lock boolean DEFAULT true) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
	IF p_lock THEN
		PERFORM lead_stats_lock(26002, p_ids);
	END IF;
	WITH u AS (SELECT DISTINCT id FROM unnest(p_ids) AS x (id)),
	old AS (DELETE FROM lead_stats_report_memo m USING u WHERE m.report_id = u.id RETURNING m.*)
	INSERT INTO lead_stats_reclass AS t (organ_id, day, guess, staff_organ, staff, n)
	SELECT organ_id, day, guess, staff_organ, staff, -count(*)::int FROM old WHERE NOT multi AND guess <> staff
	GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
	ON CONFLICT (organ_id, day, guess, staff_organ, staff) DO UPDATE SET n = t.n + excluded.n;

	WITH u AS (SELECT DISTINCT id FROM unnest(p_ids) AS x (id)),
	new AS (INSERT INTO lead_stats_report_memo (report_id, organ_id, day, guess, staff_organ, staff, multi)
		SELECT DISTINCT ON (r.id) r.id, r.organ_id, r.received_on, r.category, l.organ_id, l.category,
			min(l.organ_id) OVER (PARTITION BY r.id) <> max(l.organ_id) OVER (PARTITION BY r.id)
		FROM report r JOIN u ON u.id = r.id JOIN lead_report lr ON lr.report_id = r.id JOIN lead l ON l.id = lr.lead_id
		WHERE l.category IS NOT NULL AND l.state <> 'merged'
		ORDER BY r.id, l.received_on, l.id
		RETURNING *)
	INSERT INTO lead_stats_reclass AS t (organ_id, day, guess, staff_organ, staff, n)
	SELECT organ_id, day, guess, staff_organ, staff, count(*)::int FROM new WHERE NOT multi AND guess <> staff
	GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
	ON CONFLICT (organ_id, day, guess, staff_organ, staff) DO UPDATE SET n = t.n + excluded.n;
END
$fn$;
--> statement-breakpoint
-- lead: a change of a counted column refreshes the lead and the roots it is (or was) merged into, and the
-- reports linked to it (their staff category). Other columns (details, keys, timestamps) cost one filter.
CREATE OR REPLACE FUNCTION lead_stats_lead_trigger() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
	v_ids uuid[];
BEGIN
	IF TG_OP = 'INSERT' THEN
		v_ids := ARRAY(SELECT id FROM lead_stats_new UNION SELECT merged_into FROM lead_stats_new WHERE merged_into IS NOT NULL);
	ELSIF TG_OP = 'DELETE' THEN
		v_ids := ARRAY(SELECT id FROM lead_stats_old UNION SELECT merged_into FROM lead_stats_old WHERE merged_into IS NOT NULL);
	ELSE
		v_ids := ARRAY(SELECT x.id FROM lead_stats_old o JOIN lead_stats_new n ON n.id = o.id
			CROSS JOIN LATERAL (VALUES (o.id), (o.merged_into), (n.id), (n.merged_into)) x (id)
			WHERE x.id IS NOT NULL AND (o.organ_id, o.state, o.category, o.outcome, o.merged_into, o.received_on)
				IS DISTINCT FROM (n.organ_id, n.state, n.category, n.outcome, n.merged_into, n.received_on)
			GROUP BY x.id);
	END IF;
	IF cardinality(v_ids) = 0 THEN
		RETURN NULL;
	END IF;
	PERFORM lead_stats_refresh_leads(v_ids);
	IF TG_OP = 'UPDATE' THEN
		PERFORM lead_stats_refresh_reports(ARRAY(SELECT DISTINCT lr.report_id FROM lead_report lr JOIN unnest(v_ids) u (id) ON u.id = lr.lead_id));
	END IF;
	RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION lead_stats_person_trigger() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
	v_ids uuid[];
BEGIN
	IF TG_OP = 'INSERT' THEN
		v_ids := ARRAY(SELECT DISTINCT lead_id FROM lead_stats_new);
	ELSIF TG_OP = 'DELETE' THEN
		v_ids := ARRAY(SELECT DISTINCT lead_id FROM lead_stats_old);
	ELSE
		v_ids := ARRAY(SELECT x.id FROM lead_stats_old o JOIN lead_stats_new n ON n.id = o.id
			CROSS JOIN LATERAL (VALUES (o.lead_id), (n.lead_id)) x (id)
			WHERE (o.lead_id, o.blind_name) IS DISTINCT FROM (n.lead_id, n.blind_name) GROUP BY x.id);
	END IF;
	IF cardinality(v_ids) = 0 THEN
		RETURN NULL;
	END IF;
	-- The leads' roots: a person of a merged lead counts in the lead it joined.
	v_ids := v_ids || ARRAY(SELECT l.merged_into FROM lead l JOIN unnest(v_ids) u (id) ON u.id = l.id WHERE l.merged_into IS NOT NULL);
	PERFORM lead_stats_refresh_leads(v_ids);
	RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION lead_stats_link_trigger() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		PERFORM lead_stats_refresh_leads(ARRAY(SELECT DISTINCT lead_id FROM lead_stats_new));
		PERFORM lead_stats_refresh_reports(ARRAY(SELECT DISTINCT report_id FROM lead_stats_new));
	END IF;
	IF TG_OP IN ('DELETE', 'UPDATE') THEN
		PERFORM lead_stats_refresh_leads(ARRAY(SELECT DISTINCT lead_id FROM lead_stats_old));
		PERFORM lead_stats_refresh_reports(ARRAY(SELECT DISTINCT report_id FROM lead_stats_old));
	END IF;
	RETURN NULL;
END
$fn$;
--> statement-breakpoint
-- report (updates only; inserts have no lead yet, deletes cascade to lead_report): a changed unit or position
-- refreshes the linked roots (反映集中), a changed organ, day or category the report's staff category.
CREATE OR REPLACE FUNCTION lead_stats_report_trigger() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
	v_units uuid[];
	v_reports uuid[];
BEGIN
	v_units := ARRAY(SELECT DISTINCT lr.lead_id FROM lead_stats_old o JOIN lead_stats_new n ON n.id = o.id
		JOIN lead_report lr ON lr.report_id = n.id
		WHERE (o.unit_id, o.position) IS DISTINCT FROM (n.unit_id, n.position));
	v_reports := ARRAY(SELECT n.id FROM lead_stats_old o JOIN lead_stats_new n ON n.id = o.id
		WHERE (o.organ_id, o.received_on, o.category) IS DISTINCT FROM (n.organ_id, n.received_on, n.category)
			AND EXISTS (SELECT 1 FROM lead_report lr WHERE lr.report_id = n.id));
	IF cardinality(v_units) > 0 THEN
		PERFORM lead_stats_refresh_leads(v_units);
	END IF;
	IF cardinality(v_reports) > 0 THEN
		PERFORM lead_stats_refresh_reports(v_reports);
	END IF;
	RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER lead_stats_insert AFTER INSERT ON lead REFERENCING NEW TABLE AS lead_stats_new
	FOR EACH STATEMENT EXECUTE FUNCTION lead_stats_lead_trigger();
--> statement-breakpoint
CREATE TRIGGER lead_stats_update AFTER UPDATE ON lead REFERENCING OLD TABLE AS lead_stats_old NEW TABLE AS lead_stats_new
	FOR EACH STATEMENT EXECUTE FUNCTION lead_stats_lead_trigger();
--> statement-breakpoint
CREATE TRIGGER lead_stats_delete AFTER DELETE ON lead REFERENCING OLD TABLE AS lead_stats_old
	FOR EACH STATEMENT EXECUTE FUNCTION lead_stats_lead_trigger();
--> statement-breakpoint
CREATE TRIGGER lead_stats_person_insert AFTER INSERT ON lead_person REFERENCING NEW TABLE AS lead_stats_new
	FOR EACH STATEMENT EXECUTE FUNCTION lead_stats_person_trigger();
--> statement-breakpoint
CREATE TRIGGER lead_stats_person_update AFTER UPDATE ON lead_person REFERENCING OLD TABLE AS lead_stats_old NEW TABLE AS lead_stats_new
	FOR EACH STATEMENT EXECUTE FUNCTION lead_stats_person_trigger();
--> statement-breakpoint
CREATE TRIGGER lead_stats_person_delete AFTER DELETE ON lead_person REFERENCING OLD TABLE AS lead_stats_old
	FOR EACH STATEMENT EXECUTE FUNCTION lead_stats_person_trigger();
--> statement-breakpoint
CREATE TRIGGER lead_stats_link_insert AFTER INSERT ON lead_report REFERENCING NEW TABLE AS lead_stats_new
	FOR EACH STATEMENT EXECUTE FUNCTION lead_stats_link_trigger();
--> statement-breakpoint
CREATE TRIGGER lead_stats_link_update AFTER UPDATE ON lead_report REFERENCING OLD TABLE AS lead_stats_old NEW TABLE AS lead_stats_new
	FOR EACH STATEMENT EXECUTE FUNCTION lead_stats_link_trigger();
--> statement-breakpoint
CREATE TRIGGER lead_stats_link_delete AFTER DELETE ON lead_report REFERENCING OLD TABLE AS lead_stats_old
	FOR EACH STATEMENT EXECUTE FUNCTION lead_stats_link_trigger();
--> statement-breakpoint
CREATE TRIGGER lead_stats_report_update AFTER UPDATE ON report REFERENCING OLD TABLE AS lead_stats_old NEW TABLE AS lead_stats_new
	FOR EACH STATEMENT EXECUTE FUNCTION lead_stats_report_trigger();
--> statement-breakpoint
-- Recomputes every summary from the register (writers wait meanwhile), in the time zone given (or the
-- current one). Called by this migration; stats-leads.ts reads the summaries only when the configured time
-- zone is theirs (else it counts directly), and `npm run` tools may call it after a change of time zone.
CREATE OR REPLACE FUNCTION lead_stats_rebuild(p_timezone text DEFAULT NULL) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
	PERFORM 1 FROM lead_stats_state WHERE id = 1 FOR UPDATE;
	LOCK TABLE lead, lead_person, lead_report, report IN SHARE MODE;
	IF p_timezone IS NOT NULL THEN
		UPDATE lead_stats_state SET timezone = p_timezone WHERE id = 1;
	END IF;
	DELETE FROM lead_stats_root_memo;
	DELETE FROM lead_stats_person_memo;
	DELETE FROM lead_stats_unit_memo;
	DELETE FROM lead_stats_report_memo;
	DELETE FROM lead_stats_root;
	DELETE FROM lead_stats_person;
	DELETE FROM lead_stats_unit;
	DELETE FROM lead_stats_reclass;
	PERFORM lead_stats_refresh_leads(ARRAY(SELECT id FROM lead), false);
	PERFORM lead_stats_refresh_reports(ARRAY(SELECT DISTINCT report_id FROM lead_report), false);
END
$fn$;
--> statement-breakpoint
SELECT lead_stats_rebuild();
