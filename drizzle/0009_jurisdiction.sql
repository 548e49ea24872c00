CREATE TABLE "post_management" (
	"unit_id" text NOT NULL,
	"position" text NOT NULL,
	"managed_by" text NOT NULL,
	"organ_id" text,
	CONSTRAINT "post_management_unit_id_position_pk" PRIMARY KEY("unit_id","position"),
	CONSTRAINT "post_management_position_check" CHECK ("post_management"."position" in ('top_leader', 'team_member', 'other_staff')),
	CONSTRAINT "post_management_managed_by_check" CHECK ("post_management"."managed_by" in ('own_level', 'level_above', 'organ')),
	CONSTRAINT "post_management_organ_check" CHECK (("post_management"."managed_by" = 'organ') = ("post_management"."organ_id" is not null))
);
--> statement-breakpoint
ALTER TABLE "org_unit" ADD COLUMN "unit_type" text DEFAULT 'department' NOT NULL;--> statement-breakpoint
ALTER TABLE "post_management" ADD CONSTRAINT "post_management_unit_id_org_unit_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."org_unit"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_management" ADD CONSTRAINT "post_management_organ_id_discipline_organ_id_fk" FOREIGN KEY ("organ_id") REFERENCES "public"."discipline_organ"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_unit" ADD CONSTRAINT "org_unit_type_check" CHECK ("org_unit"."unit_type" in ('party_government', 'department', 'township', 'village', 'soe', 'public_institution'));--> statement-breakpoint
-- Existing units: the root and every unit whose level differs from its parent's is a region's own
-- leadership (a township, or a party and government body); the rest stay departments.
UPDATE "org_unit" u SET "unit_type" = CASE WHEN u.level = 'township' THEN 'township' ELSE 'party_government' END
WHERE u.parent_id IS NULL OR EXISTS (SELECT 1 FROM "org_unit" p WHERE p.id = u.parent_id AND p.level <> u.level);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION org_routing_slice(p_unit text) RETURNS text LANGUAGE plpgsql STABLE AS $fn$
BEGIN
	-- Everything routing may look at for one unit, as JSON: the unit and its ancestors (with their types),
	-- the jurisdiction rows covering them, the organ the unit is, the organs the unit's management overrides
	-- name, every organ above those (materialized ancestor ids, index lookups only), their staff with an
	-- active account, the unit's posts and management overrides, and the conflicts declared for the unit.
	RETURN (
	with t as (select ancestor_ids || id as ids from org_unit where id = p_unit),
	up as (select id, parent_id, name, level, unit_type, region_path from org_unit where id = any((select ids from t)::text[])),
	j as (select organ_id, unit_id from organ_jurisdiction where unit_id = any((select ids from t)::text[])),
	pm as (select unit_id, position, managed_by, organ_id from post_management where unit_id = p_unit and exists (select 1 from t)),
	seed as (
		select array(select organ_id from j)
			|| array(select id from discipline_organ where unit_id = p_unit and exists (select 1 from t))
			|| array(select organ_id from pm where organ_id is not null) as ids
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
		'units', (select coalesce(json_agg(json_build_object('id', id, 'parentId', parent_id, 'name', name, 'level', level, 'type', unit_type, 'regionPath', region_path)), '[]'::json) from up),
		'jurisdiction', (select coalesce(json_agg(json_build_object('organId', organ_id, 'unitId', unit_id)), '[]'::json) from j),
		'organs', (select coalesce(json_agg(json_build_object('id', id, 'name', name, 'kind', kind, 'level', level, 'unitId', unit_id, 'hostUnitId', host_unit_id, 'parentOrganId', parent_organ_id)), '[]'::json) from o),
		'staff', (select coalesce(json_agg(json_build_object('id', staff_id, 'organId', organ_id, 'role', role, 'hasKey', has_key)), '[]'::json) from s),
		'conflicts', (select coalesce(json_agg(json_build_object('staffId', staff_id, 'unitId', unit_id, 'reason', '')), '[]'::json) from staff_conflict where unit_id = p_unit),
		'posts', (select coalesce(json_agg(json_build_object('unitId', unit_id, 'position', position, 'title', title, 'holderName', null) order by id), '[]'::json) from leadership_post where unit_id = p_unit and exists (select 1 from t)),
		'management', (select coalesce(json_agg(json_build_object('unitId', unit_id, 'position', position, 'managedBy', managed_by, 'organId', organ_id)), '[]'::json) from pm)
	)::text);
END
$fn$;
