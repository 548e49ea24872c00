/**
 * Routing: which discipline organ receives a report, and which of its staff the report key is sealed to.
 *
 * One pure, total function over an {@link OrgSnapshot}. Tips are handled by the discipline organ of the
 * party committee that manages the accused cadre (干部管理权限, ./management.ts; docs/org.md and
 * ../shared/domain/supervision.md, "Who handles what"). The rules, each named in the explanation:
 *  - organ_self_to_parent: a report about a unit that IS a discipline organ (its own head or members) goes
 *    directly to that organ's higher organ (2020 rules, Art. 15), whatever the position;
 *  - managed_own_level: the post is managed by the committee of the unit's own level (a county department's
 *    head and team, its officials, SOEs and institutions by default): that level's commission;
 *  - managed_level_above: the post is managed one level up (a county's own leaders 县委书记、县长、常委 are
 *    city-managed; a township's are county-managed): the commission of that level;
 *  - managed_named_organ: the unit's override names the managing organ (e.g. a city-managed SOE head);
 *  - village_to_township: village and community cadres go to the township organ;
 *  - through_stationed_team: the managing commission's stationed team that covers the unit receives for it;
 *  - by_region: a reporter who cannot find the unit reports to a region's own organ, whose letters office
 *    passes it on (分办);
 *  - reporter_escalation: the reporter may go one level up; the higher organ may hand it back (交办、督办);
 *  - conflicted_staff_excluded: staff who declared a conflict for the target unit are never recipients;
 *  - fallback_to_ancestor: an organ without eligible staff (inspector or head, with a key, no conflict)
 *    hands the report to its nearest ancestor organ that has some, and the admin is warned.
 *
 * Routing never depends on the report kind or on who the reporter is (issue 19): both are inside the
 * ciphertext only. A team member's report goes where any report about that post goes; the post's managing
 * commission (or the team it stationed in the unit, which receives for it) is the higher organization the
 * rules name. (Until issue 19 a rule `peer_report_to_managing_committee` skipped the stationed team for
 * the kind `peer_report`; it needed the kind in clear and is gone.)
 *
 * At the top of the tree, the highest organ receives with the warning `no_higher_organ`. Unknown unit ids
 * give `unknown_unit`; a unit no commission covers (not even through its ancestors) gives `no_organ`. The
 * function never throws and never loops, whatever the snapshot holds (cycles included).
 */
import type { Bilingual } from '../../shared/bilingual';
import type { RoutingWarningCode } from '../../shared/vocabulary/org';
import { m } from '../../paraglide/messages';
import { committeeName, managementOf } from './management';
import { levelIndex, type Organ, type OrgSnapshot, type PositionKind, type TypedUnit } from './types';
import type { StaffMember } from './types';

export const RULE_CODES = [
	'organ_self_to_parent',
	'managed_own_level',
	'managed_level_above',
	'managed_named_organ',
	'village_to_township',
	'through_stationed_team',
	'by_region',
	'reporter_escalation',
	'conflicted_staff_excluded',
	'fallback_to_ancestor'
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

/** Warnings are for the directory admin (never shown to reporters as such). */
export type RoutingWarning = { code: RoutingWarningCode } & (
	| { code: 'fell_back_to_ancestor'; fromOrganId: string; toOrganId: string }
	| { code: 'no_higher_organ'; organId: string }
	| { code: 'jurisdiction_inherited'; unitId: string; fromUnitId: string }
	| { code: 'ambiguous_jurisdiction'; unitId: string; organIds: string[] }
	| { code: 'no_recipients'; organId: string }
	| { code: 'managing_organ_missing'; unitId: string; organId: string }
);

/** Why routing chose as it did, in both languages. */
export type Explanation = Bilingual;

export interface RoutingRequest {
	unitId: string;
	position: PositionKind;
	escalate: boolean;
	/** The reporter could not find the unit and chose this region (its own unit) instead. */
	byRegion?: boolean;
}

export type RoutingResult =
	| {
			status: 'routed';
			unitId: string;
			organ: Organ;
			/** Staff ids the report key is sealed to, sorted. Empty only with the `no_recipients` warning. */
			recipients: string[];
			rules: RuleCode[];
			explanation: Explanation;
			warnings: RoutingWarning[];
	  }
	| { status: 'unknown_unit'; unitId: string; explanation: Explanation }
	| { status: 'no_organ'; unitId: string; explanation: Explanation; warnings: RoutingWarning[] };

type Msg = (inputs: never, options: { locale: 'zh-CN' | 'en' }) => string;
/** One message in both languages. */
function both<I>(msg: (inputs: I, options: { locale: 'zh-CN' | 'en' }) => string, inputs: I): Bilingual {
	return { zh: msg(inputs, { locale: 'zh-CN' }), en: msg(inputs, { locale: 'en' }) };
}
/** Builds a message whose inputs are themselves bilingual texts (or plain names, the same in both). */
function join<K extends string>(
	msg: (inputs: Record<K, string>, options: { locale: 'zh-CN' | 'en' }) => string,
	inputs: Record<K, string | Bilingual>
): Bilingual {
	const pick = (l: 'zh' | 'en') =>
		Object.fromEntries(
			Object.entries<string | Bilingual>(inputs).map(([k, v]) => [k, typeof v === 'string' ? v : v[l]])
		);
	return {
		zh: msg(pick('zh') as Record<K, string>, { locale: 'zh-CN' }),
		en: msg(pick('en') as Record<K, string>, { locale: 'en' })
	};
}
const RULE_LABEL: Record<RuleCode, Msg> = {
	organ_self_to_parent: m.routing_rule_organ_self_to_parent,
	managed_own_level: m.routing_rule_managed_own_level,
	managed_level_above: m.routing_rule_managed_level_above,
	managed_named_organ: m.routing_rule_managed_named_organ,
	village_to_township: m.routing_rule_village_to_township,
	through_stationed_team: m.routing_rule_through_stationed_team,
	by_region: m.routing_rule_by_region,
	reporter_escalation: m.routing_rule_reporter_escalation,
	conflicted_staff_excluded: m.routing_rule_conflicted_staff_excluded,
	fallback_to_ancestor: m.routing_rule_fallback_to_ancestor
};

/** The localized label of a rule, as the explanation names it. */
export function ruleLabel(code: RuleCode): Bilingual {
	return both(RULE_LABEL[code] as (i: object, o: { locale: 'zh-CN' | 'en' }) => string, {});
}

/** Staff roles that receive reports; directory admins do not. */
function canReceive(s: StaffMember): boolean {
	return s.hasKey && (s.role === 'inspector' || s.role === 'head');
}

export function routeReport(snap: OrgSnapshot, req: RoutingRequest): RoutingResult {
	const unit = snap.units.get(req.unitId);
	if (!unit) return { status: 'unknown_unit', unitId: req.unitId, explanation: both(m.routing_unknown_unit, {}) };
	const warnings: RoutingWarning[] = [];
	const rules: RuleCode[] = [];
	const parts: Bilingual[] = [];

	const parentOf = (o: Organ): Organ | null =>
		o.parentOrganId === null || o.parentOrganId === o.id ? null : (snap.organs.get(o.parentOrganId) ?? null);
	/** One level up from `o`, or `o` itself with a warning at the top of the tree. */
	const up = (o: Organ): Organ => {
		const p = parentOf(o);
		if (p) return p;
		if (!warnings.some((w) => w.code === 'no_higher_organ')) warnings.push({ code: 'no_higher_organ', organId: o.id });
		parts.push(both(m.routing_no_higher, { organ: o.name }));
		return o;
	};

	let base: Organ;
	const selfOrganId = snap.organByOwnUnit.get(unit.id);
	const selfOrgan = selfOrganId === undefined ? undefined : snap.organs.get(selfOrganId);
	if (selfOrgan) {
		rules.push('organ_self_to_parent');
		parts.push(both(m.routing_organ_self, { unit: unit.name, organ: selfOrgan.name }));
		base = up(selfOrgan);
	} else {
		const team = stationedTeam(snap, unit);
		const own = levelCommission(snap, unit, warnings) ?? (team ? parentOf(team) : null);
		if (!own) {
			return {
				status: 'no_organ',
				unitId: unit.id,
				warnings,
				explanation: both(m.routing_no_organ, { unit: unit.name })
			};
		}
		if (req.byRegion) {
			rules.push('by_region');
			parts.push(both(m.routing_region, { handler: own.name }));
			base = own;
		} else {
			const mg = managementOf(snap, unit, req.position);
			let commission: Organ = own;
			let rule: RuleCode = unit.type === 'village' ? 'village_to_township' : 'managed_own_level';
			const named = mg.organId === null ? undefined : snap.organs.get(mg.organId);
			if (mg.managedBy === 'organ' && named) {
				commission = named;
				rule = 'managed_named_organ';
			} else if (mg.managedBy === 'organ') {
				warnings.push({ code: 'managing_organ_missing', unitId: unit.id, organId: mg.organId ?? '' });
				parts.push(both(m.routing_managing_organ_missing, {}));
			} else if (mg.managedBy === 'level_above') {
				commission = commissionAbove(own, unit, parentOf, up);
				rule = 'managed_level_above';
			}
			rules.push(rule);
			const viaTeam = team && team.parentOrganId === commission.id ? team : null;
			const committee = committeeOf(snap, unit, commission);
			const post = postOf(snap, unit, req.position);
			const handler = viaTeam
				? join(m.routing_with_team, { organ: commission.name, team: shortTeam(viaTeam, commission) })
				: commission.name;
			const msg =
				rule === 'managed_named_organ'
					? m.routing_named_organ
					: rule === 'village_to_township'
						? m.routing_village
						: rule === 'managed_level_above'
							? m.routing_managed_above
							: m.routing_managed;
			parts.push(join(msg as typeof m.routing_managed, { post, committee, handler }));
			if (viaTeam) rules.push('through_stationed_team');
			base = viaTeam ?? commission;
		}
	}

	if (req.escalate) {
		rules.push('reporter_escalation');
		const lower = base.kind === 'stationed_team' ? (parentOf(base) ?? base) : base;
		const higher = parentOf(lower);
		if (higher) parts.push(both(m.routing_escalate, { higher: higher.name, lower: lower.name }));
		base = up(lower);
	}

	// Recipients: the chosen organ, else the nearest ancestor with eligible staff.
	const conflicted = snap.conflictsByUnit.get(unit.id);
	const seen = new Set<string>();
	let organ: Organ | null = base;
	let chosen: { organ: Organ; recipients: string[] } | null = null;
	while (organ && !seen.has(organ.id)) {
		seen.add(organ.id);
		const staff = (snap.staffByOrgan.get(organ.id) ?? []).filter(canReceive);
		const eligible = staff.filter((s) => !conflicted?.has(s.id));
		if (eligible.length < staff.length && !rules.includes('conflicted_staff_excluded')) {
			rules.push('conflicted_staff_excluded');
		}
		if (eligible.length > 0) {
			chosen = { organ, recipients: [...new Set(eligible.map((s) => s.id))].sort() };
			break;
		}
		const next = parentOf(organ);
		if (next && !seen.has(next.id)) {
			if (!rules.includes('fallback_to_ancestor')) rules.push('fallback_to_ancestor');
			warnings.push({ code: 'fell_back_to_ancestor', fromOrganId: organ.id, toOrganId: next.id });
			parts.push(both(m.routing_fallback, { organ: organ.name, next: next.name }));
		}
		organ = next;
	}
	if (!chosen) {
		warnings.push({ code: 'no_recipients', organId: base.id });
		parts.push(both(m.routing_no_recipients, {}));
		chosen = { organ: base, recipients: [] };
	}
	parts.push(both(m.routing_conflicts_note, {}));
	const labels = rules.map(ruleLabel);
	parts.push(
		join(m.routing_rules, {
			rules: {
				zh: labels.map((l) => l.zh).join(m.routing_rules_sep({}, { locale: 'zh-CN' })),
				en: labels.map((l) => l.en).join(m.routing_rules_sep({}, { locale: 'en' }))
			}
		})
	);
	const head = both(m.routing_to, { organ: chosen.organ.name });
	return {
		status: 'routed',
		unitId: unit.id,
		organ: chosen.organ,
		recipients: chosen.recipients,
		rules,
		warnings,
		explanation: {
			zh: head.zh + parts.map((p) => p.zh).join(''),
			en: [head.en, ...parts.map((p) => p.en)].join(' ')
		}
	};
}

/** The stationed team whose jurisdiction includes the unit itself, if any. */
function stationedTeam(snap: OrgSnapshot, unit: TypedUnit): Organ | null {
	for (const id of snap.organsByUnit.get(unit.id) ?? []) {
		const o = snap.organs.get(id);
		if (o && o.kind === 'stationed_team') return o;
	}
	return null;
}

/**
 * The commission at the unit's level: the one whose jurisdiction includes the unit, else (warned) the
 * one covering its nearest ancestor.
 */
function levelCommission(snap: OrgSnapshot, unit: TypedUnit, warnings: RoutingWarning[]): Organ | null {
	const seen = new Set<string>();
	let u: TypedUnit | undefined = unit;
	while (u && !seen.has(u.id)) {
		seen.add(u.id);
		const found: Organ[] = [];
		for (const id of snap.organsByUnit.get(u.id) ?? []) {
			const o = snap.organs.get(id);
			if (o && o.kind === 'commission') found.push(o);
		}
		const first = found[0];
		if (first) {
			if (found.length > 1) {
				warnings.push({ code: 'ambiguous_jurisdiction', unitId: u.id, organIds: found.map((o) => o.id) });
			}
			if (u.id !== unit.id) warnings.push({ code: 'jurisdiction_inherited', unitId: unit.id, fromUnitId: u.id });
			return first;
		}
		u = u.parentId === null ? undefined : snap.units.get(u.parentId);
	}
	return null;
}

/** The first commission above `own` whose level is above the unit's (the top one, warned, if none is). */
function commissionAbove(
	own: Organ,
	unit: TypedUnit,
	parentOf: (o: Organ) => Organ | null,
	up: (o: Organ) => Organ
): Organ {
	const target = levelIndex(unit.level) - 1;
	const seen = new Set<string>();
	let o = own;
	while (levelIndex(o.level) > target && !seen.has(o.id)) {
		seen.add(o.id);
		const p = parentOf(o);
		if (!p) return up(o);
		o = p;
	}
	return o;
}

/** The name of the party committee whose discipline organ is `commission`, seen from `unit`. */
function committeeOf(snap: OrgSnapshot, unit: TypedUnit, commission: Organ): string | Bilingual {
	const seen = new Set<string>();
	let u: TypedUnit | undefined = unit;
	while (u && !seen.has(u.id)) {
		seen.add(u.id);
		if (u.level === commission.level && (u.type === 'party_government' || u.type === 'township')) {
			return committeeName(u.name);
		}
		u = u.parentId === null ? undefined : snap.units.get(u.parentId);
	}
	if (commission.level === 'central') return both(m.routing_committee_central, {});
	return both(m.routing_committee_of, { organ: commission.name });
}

/** The accused's post as the explanation names it: "县财政局局长", "青松镇领导班子成员". */
function postOf(snap: OrgSnapshot, unit: TypedUnit, position: PositionKind): Bilingual {
	if (position === 'top_leader') {
		const title = snap.postsByUnit.get(unit.id)?.find((p) => p.position === 'top_leader')?.title;
		// 县 + 县委书记 -> 县委书记, 示范省 + 省委书记 -> 示范省委书记 (a region's own leaders only).
		const region = unit.type === 'party_government' || unit.type === 'township';
		const name = region && title && unit.name.endsWith(title.charAt(0)) ? unit.name.slice(0, -1) : unit.name;
		return title
			? {
					zh: m.routing_post_titled({ unit: name, title }, { locale: 'zh-CN' }),
					en: m.routing_post_titled({ unit: unit.name, title }, { locale: 'en' })
				}
			: both(m.routing_post_top_leader, { unit: unit.name });
	}
	return position === 'team_member'
		? both(m.routing_post_team_member, { unit: unit.name })
		: both(m.routing_post_other_staff, { unit: unit.name });
}

/** "驻县财政局纪检监察组" from "县纪委监委驻县财政局纪检监察组". */
function shortTeam(team: Organ, commission: Organ): string {
	return team.name.startsWith(commission.name) && team.name.length > commission.name.length
		? team.name.slice(commission.name.length)
		: team.name;
}
