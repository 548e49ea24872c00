CREATE TABLE "discipline_organ" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"level" text NOT NULL,
	"unit_id" text,
	"host_unit_id" text,
	"parent_organ_id" text,
	"ancestor_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	CONSTRAINT "discipline_organ_unit_unique" UNIQUE("unit_id"),
	CONSTRAINT "discipline_organ_kind_check" CHECK ("discipline_organ"."kind" in ('commission', 'stationed_team')),
	CONSTRAINT "discipline_organ_level_check" CHECK ("discipline_organ"."level" in ('central', 'province', 'city', 'county', 'township'))
);
--> statement-breakpoint
CREATE TABLE "leadership_post" (
	"id" serial PRIMARY KEY NOT NULL,
	"unit_id" text NOT NULL,
	"position" text NOT NULL,
	"title" text NOT NULL,
	"holder_name" text,
	CONSTRAINT "leadership_post_position_check" CHECK ("leadership_post"."position" in ('top_leader', 'team_member'))
);
--> statement-breakpoint
CREATE TABLE "org_unit" (
	"id" text PRIMARY KEY NOT NULL,
	"parent_id" text,
	"name" text NOT NULL,
	"level" text NOT NULL,
	"region_path" text NOT NULL,
	"ancestor_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"pinyin_full" text NOT NULL,
	"pinyin_initials" text NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	CONSTRAINT "org_unit_level_check" CHECK ("org_unit"."level" in ('central', 'province', 'city', 'county', 'township'))
);
--> statement-breakpoint
CREATE TABLE "org_unit_search" (
	"unit_id" text NOT NULL,
	"pos" integer NOT NULL,
	"name_key" text COLLATE "C" NOT NULL,
	"pinyin_key" text COLLATE "C" NOT NULL,
	"initials_key" text COLLATE "C" NOT NULL,
	CONSTRAINT "org_unit_search_unit_id_pos_pk" PRIMARY KEY("unit_id","pos")
);
--> statement-breakpoint
CREATE TABLE "organ_jurisdiction" (
	"organ_id" text NOT NULL,
	"unit_id" text NOT NULL,
	CONSTRAINT "organ_jurisdiction_organ_id_unit_id_pk" PRIMARY KEY("organ_id","unit_id")
);
--> statement-breakpoint
CREATE TABLE "organ_staff" (
	"staff_id" uuid NOT NULL,
	"organ_id" text NOT NULL,
	"role" text NOT NULL,
	"has_key" boolean DEFAULT false NOT NULL,
	CONSTRAINT "organ_staff_staff_id_organ_id_pk" PRIMARY KEY("staff_id","organ_id"),
	CONSTRAINT "organ_staff_role_check" CHECK ("organ_staff"."role" in ('inspector', 'head', 'admin'))
);
--> statement-breakpoint
CREATE TABLE "staff_conflict" (
	"id" serial PRIMARY KEY NOT NULL,
	"staff_id" uuid NOT NULL,
	"unit_id" text NOT NULL,
	"reason" text NOT NULL,
	"declared_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_conflict_staff_unit_unique" UNIQUE("staff_id","unit_id")
);
--> statement-breakpoint
ALTER TABLE "discipline_organ" ADD CONSTRAINT "discipline_organ_unit_id_org_unit_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."org_unit"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discipline_organ" ADD CONSTRAINT "discipline_organ_host_unit_id_org_unit_id_fk" FOREIGN KEY ("host_unit_id") REFERENCES "public"."org_unit"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discipline_organ" ADD CONSTRAINT "discipline_organ_parent_organ_id_discipline_organ_id_fk" FOREIGN KEY ("parent_organ_id") REFERENCES "public"."discipline_organ"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leadership_post" ADD CONSTRAINT "leadership_post_unit_id_org_unit_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."org_unit"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_unit" ADD CONSTRAINT "org_unit_parent_id_org_unit_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."org_unit"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_unit_search" ADD CONSTRAINT "org_unit_search_unit_id_org_unit_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."org_unit"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organ_jurisdiction" ADD CONSTRAINT "organ_jurisdiction_organ_id_discipline_organ_id_fk" FOREIGN KEY ("organ_id") REFERENCES "public"."discipline_organ"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organ_jurisdiction" ADD CONSTRAINT "organ_jurisdiction_unit_id_org_unit_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."org_unit"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organ_staff" ADD CONSTRAINT "organ_staff_staff_id_staff_user_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organ_staff" ADD CONSTRAINT "organ_staff_organ_id_discipline_organ_id_fk" FOREIGN KEY ("organ_id") REFERENCES "public"."discipline_organ"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_conflict" ADD CONSTRAINT "staff_conflict_staff_id_staff_user_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_conflict" ADD CONSTRAINT "staff_conflict_unit_id_org_unit_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."org_unit"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "discipline_organ_parent_idx" ON "discipline_organ" USING btree ("parent_organ_id");--> statement-breakpoint
CREATE INDEX "discipline_organ_host_idx" ON "discipline_organ" USING btree ("host_unit_id");--> statement-breakpoint
CREATE INDEX "leadership_post_unit_idx" ON "leadership_post" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "org_unit_parent_idx" ON "org_unit" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "org_unit_search_name_idx" ON "org_unit_search" USING btree ("name_key");--> statement-breakpoint
CREATE INDEX "org_unit_search_pinyin_idx" ON "org_unit_search" USING btree ("pinyin_key");--> statement-breakpoint
CREATE INDEX "org_unit_search_initials_idx" ON "org_unit_search" USING btree ("initials_key");--> statement-breakpoint
CREATE INDEX "organ_jurisdiction_unit_idx" ON "organ_jurisdiction" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "organ_staff_organ_idx" ON "organ_staff" USING btree ("organ_id");--> statement-breakpoint
CREATE INDEX "staff_conflict_unit_idx" ON "staff_conflict" USING btree ("unit_id");
--> statement-breakpoint
-- Hand-written (not generated): the two hot read paths of the directory as PL/pgSQL functions, so each
-- database session plans them once instead of on every request. Used by src/lib/server/org/store.ts
-- (routing slice) and src/lib/server/org/search.ts (unit search).
CREATE OR REPLACE FUNCTION org_routing_slice(p_unit text) RETURNS text LANGUAGE plpgsql STABLE AS $fn$
BEGIN
	-- Everything routing may look at for one unit, as JSON: the unit and its ancestors, the jurisdiction
	-- rows covering them, the organ the unit is, every organ above those (materialized ancestor ids, index
	-- lookups only), their staff with an active account, and the conflicts declared for the unit.
	RETURN (
	with t as (select ancestor_ids || id as ids from org_unit where id = p_unit),
	up as (select id, parent_id, name, level, region_path from org_unit where id = any((select ids from t)::text[])),
	j as (select organ_id, unit_id from organ_jurisdiction where unit_id = any((select ids from t)::text[])),
	seed as (
		select array(select organ_id from j)
			|| array(select id from discipline_organ where unit_id = p_unit and exists (select 1 from t)) as ids
	),
	chain as (
		select array(select unnest(ancestor_ids || id) from discipline_organ where id = any((select ids from seed)::text[])) as ids
	),
	o as (select * from discipline_organ where id = any((select ids from chain)::text[])),
	s as (
		select os.staff_id, os.organ_id, os.role, os.has_key from organ_staff os
		where os.organ_id = any((select ids from chain)::text[])
			and exists (select 1 from staff_user su where su.id = os.staff_id and su.disabled_at is null)
	)
	select json_build_object(
		'units', (select coalesce(json_agg(json_build_object('id', id, 'parentId', parent_id, 'name', name, 'level', level, 'regionPath', region_path)), '[]'::json) from up),
		'jurisdiction', (select coalesce(json_agg(json_build_object('organId', organ_id, 'unitId', unit_id)), '[]'::json) from j),
		'organs', (select coalesce(json_agg(json_build_object('id', id, 'name', name, 'kind', kind, 'level', level, 'unitId', unit_id, 'hostUnitId', host_unit_id, 'parentOrganId', parent_organ_id)), '[]'::json) from o),
		'staff', (select coalesce(json_agg(json_build_object('id', staff_id, 'organId', organ_id, 'role', role, 'hasKey', has_key)), '[]'::json) from s),
		'conflicts', (select coalesce(json_agg(json_build_object('staffId', staff_id, 'unitId', unit_id, 'reason', '')), '[]'::json) from staff_conflict where unit_id = p_unit)
	)::text);
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION org_search_units(p_key text, p_latin boolean, p_limit integer)
RETURNS TABLE (id text, name text, level text, region_path text) LANGUAGE plpgsql STABLE AS $fn$
DECLARE
	hi text := p_key || chr(1114111);
BEGIN
	-- Prefix ranges on the C-collated search keys, at most 100 candidates per index, ranked without
	-- touching org_unit (name length = pos - 1 + length of the initials suffix); only the winners are joined.
	RETURN QUERY
	WITH cand AS (
		SELECT s.unit_id, s.pos, s.name_key AS key, s.pos - 1 + char_length(s.initials_key) AS len
		FROM (SELECT * FROM org_unit_search x WHERE NOT p_latin AND x.name_key >= p_key AND x.name_key < hi
			ORDER BY x.name_key LIMIT 100) s
		UNION ALL
		SELECT s.unit_id, s.pos, s.pinyin_key, s.pos - 1 + char_length(s.initials_key)
		FROM (SELECT * FROM org_unit_search x WHERE p_latin AND x.pinyin_key >= p_key AND x.pinyin_key < hi
			ORDER BY x.pinyin_key LIMIT 100) s
		UNION ALL
		SELECT s.unit_id, s.pos, s.initials_key, s.pos - 1 + char_length(s.initials_key)
		FROM (SELECT * FROM org_unit_search x WHERE p_latin AND x.initials_key >= p_key AND x.initials_key < hi
			ORDER BY x.initials_key LIMIT 100) s
	),
	best AS (
		SELECT c.unit_id,
			bool_or(c.pos = 1 AND c.key = p_key) AS whole,
			min(c.pos) = 1 AS prefix,
			bool_or(c.key = p_key) AS suffix,
			min(c.len) AS len
		FROM cand c GROUP BY c.unit_id
		ORDER BY whole DESC, prefix DESC, suffix DESC, len, c.unit_id
		LIMIT p_limit
	)
	SELECT u.id, u.name, u.level, u.region_path
	FROM best b JOIN org_unit u ON u.id = b.unit_id
	ORDER BY b.whole DESC, b.prefix DESC, b.suffix DESC, b.len, u.id;
END
$fn$;
