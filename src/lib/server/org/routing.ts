/**
 * Routing: which discipline organ receives a report, and which of its staff the report key is sealed to.
 *
 * One pure, total function over an {@link OrgSnapshot}. The rules (see docs/api.md and
 * ../shared/domain/supervision.md, "Who handles what"):
 *  - organ_self_to_parent: a report about a unit that IS a discipline organ (its own head or members) goes
 *    to that organ's parent organ, whatever the position or kind;
 *  - top_leader_one_level_up: a unit's top leader goes to the organ one level up, i.e. the parent of the
 *    commission at the unit's own level (never that commission, never a team stationed in the unit);
 *  - peer_report_one_level_up: a report by a fellow member of the leadership team goes one level up too;
 *  - responsible_stationed_team / responsible_level_commission: otherwise (team members, other staff)
 *    the organ responsible for the unit: its stationed team if it has one, else the commission at its level;
 *  - reporter_escalation: the reporter may always ask for one more level up;
 *  - conflicted_staff_excluded: staff who declared a conflict for the target unit are never recipients;
 *  - fallback_to_ancestor: an organ without eligible staff (inspector or head, with a key, no conflict)
 *    hands the report to its nearest ancestor organ that has some, and the admin is warned.
 *
 * The top of the tree: when the rules ask for an organ above the highest one in the directory, the
 * highest one receives the report with the warning `no_higher_organ` (the demo directory has a central
 * placeholder organ above the province, so that never happens there). Unknown unit ids give a typed
 * `unknown_unit` result; a unit no commission covers (not even through its ancestors) gives `no_organ`.
 * The function never throws and never loops, whatever the snapshot holds (cycles included).
 */
import type { Bilingual } from '../../shared/bilingual';
import type { Organ, OrgSnapshot, OrgUnit, PositionKind, ReportKind, StaffMember } from './types';

export const RULE_CODES = [
	'organ_self_to_parent',
	'top_leader_one_level_up',
	'peer_report_one_level_up',
	'responsible_stationed_team',
	'responsible_level_commission',
	'reporter_escalation',
	'conflicted_staff_excluded',
	'fallback_to_ancestor'
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

/** Warnings are for the directory admin (never shown to reporters as such). */
export type RoutingWarning =
	| { code: 'fell_back_to_ancestor'; fromOrganId: string; toOrganId: string }
	| { code: 'no_higher_organ'; organId: string }
	| { code: 'jurisdiction_inherited'; unitId: string; fromUnitId: string }
	| { code: 'ambiguous_jurisdiction'; unitId: string; organIds: string[] }
	| { code: 'no_recipients'; organId: string };

/** Why routing chose as it did, in both languages. */
export type Explanation = Bilingual;

export interface RoutingRequest {
	unitId: string;
	position: PositionKind;
	kind: ReportKind;
	escalate: boolean;
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

/** Staff roles that receive reports; directory admins do not. */
function canReceive(s: StaffMember): boolean {
	return s.hasKey && (s.role === 'inspector' || s.role === 'head');
}

const q = (name: string) => `「${name}」`;

export function routeReport(snap: OrgSnapshot, req: RoutingRequest): RoutingResult {
	const unit = snap.units.get(req.unitId);
	if (!unit) {
		return {
			status: 'unknown_unit',
			unitId: req.unitId,
			explanation: {
				zh: '目录中找不到这个单位，请重新搜索并选择被举报人所在的单位。',
				en: 'This unit is not in the directory. Search again and choose the unit of the person you report.'
			}
		};
	}
	const warnings: RoutingWarning[] = [];
	const rules: RuleCode[] = [];
	const zh: string[] = [];
	const en: string[] = [];

	const parentOf = (o: Organ): Organ | null =>
		o.parentOrganId === null || o.parentOrganId === o.id ? null : (snap.organs.get(o.parentOrganId) ?? null);

	/** One level up from `o`, or `o` itself with a warning at the top of the tree. */
	const up = (o: Organ): Organ => {
		const p = parentOf(o);
		if (p) return p;
		if (!warnings.some((w) => w.code === 'no_higher_organ')) warnings.push({ code: 'no_higher_organ', organId: o.id });
		zh.push(`目录中没有比${q(o.name)}更高一级的机关，因此仍由它接收。`);
		en.push(`The directory has no organ above ${o.name}, so it receives the report itself.`);
		return o;
	};

	const selfOrganId = snap.organByOwnUnit.get(unit.id);
	const selfOrgan = selfOrganId === undefined ? undefined : snap.organs.get(selfOrganId);
	let base: Organ;
	if (selfOrgan) {
		rules.push('organ_self_to_parent');
		const same = unit.name === selfOrgan.name;
		zh.push(
			`${q(unit.name)}${same ? '' : `就是${q(selfOrgan.name)}，`}是纪检监察机关本身。关于机关自身负责人和工作人员的举报，交给它的上级机关办理，该机关内部的人看不到。`
		);
		en.push(
			`${unit.name} is ${same ? 'itself a discipline organ' : `the discipline organ ${selfOrgan.name}`}. Reports about an organ's own head or members go to its parent organ, so nobody inside that organ receives them.`
		);
		base = up(selfOrgan);
	} else {
		const team = stationedTeam(snap, unit);
		const level = levelCommission(snap, unit, warnings) ?? (team ? parentOf(team) : null);
		const upRule = req.position === 'top_leader' || req.kind === 'peer_report';
		if (!level && (upRule || !team)) {
			return {
				status: 'no_organ',
				unitId: unit.id,
				warnings,
				explanation: {
					zh: `目录中还没有负责${q(unit.name)}的纪检监察机关，暂时无法确定接收机关。请联系平台管理员。`,
					en: `No discipline organ in the directory covers ${unit.name} yet, so no receiving organ can be chosen. Please tell the site's administrators.`
				}
			};
		}
		if (upRule && level) {
			if (req.position === 'top_leader') {
				rules.push('top_leader_one_level_up');
				zh.push(
					`被举报人是${q(unit.name)}的一把手。一把手由上一级监督，所以举报不交给本级的${q(level.name)}，而是交给上一级机关。`
				);
				en.push(
					`The person reported is the top leader of ${unit.name}. Top leaders are supervised from one level up, so the report goes not to ${level.name} at the unit's own level but to the organ above it.`
				);
			}
			if (req.kind === 'peer_report') {
				rules.push('peer_report_one_level_up');
				zh.push(`这是班子成员的同级监督报告，可以直接报告上一级组织，不经过本级的${q(level.name)}。`);
				en.push(
					`This is a report by a fellow member of the leadership team; it goes straight to the organ one level up, bypassing ${level.name} at the same level.`
				);
			}
			base = up(level);
		} else if (team) {
			rules.push('responsible_stationed_team');
			zh.push(`${q(unit.name)}有派驻纪检监察组，由${q(team.name)}负责监督该单位的领导班子成员和干部。`);
			en.push(
				`${unit.name} has a stationed discipline inspection team, ${team.name}, which supervises its leadership team members and officials.`
			);
			base = team;
		} else {
			// level is non-null here: the no_organ branch returned otherwise.
			const lc = level as Organ;
			rules.push('responsible_level_commission');
			zh.push(`${q(unit.name)}由同级的${q(lc.name)}负责监督。`);
			en.push(`${unit.name} is supervised by ${lc.name}, the discipline organ at its own level.`);
			base = lc;
		}
	}

	if (req.escalate) {
		rules.push('reporter_escalation');
		const higher = parentOf(base);
		if (higher) {
			zh.push(`你选择了向更高一级反映，所以改由${q(higher.name)}接收，而不是${q(base.name)}。`);
			en.push(`You asked to go one level higher, so ${higher.name} receives it instead of ${base.name}.`);
		}
		base = up(base);
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
			zh.push(`${q(organ.name)}目前没有能够接收加密举报的工作人员，因此由它的上级${q(next.name)}接收。`);
			en.push(
				`${organ.name} has no staff who can receive encrypted reports at the moment, so its parent organ ${next.name} receives it.`
			);
		}
		organ = next;
	}
	if (!chosen) {
		warnings.push({ code: 'no_recipients', organId: base.id });
		zh.push('注意：目前没有任何工作人员可以接收这份举报，请稍后再试或联系平台管理员。');
		en.push(
			'Note: no staff member can receive this report at the moment. Try again later or tell the site administrators.'
		);
		chosen = { organ: base, recipients: [] };
	}

	zh.push('声明与该单位有利害关系、需要回避的工作人员，不会收到这份举报。');
	en.push('Staff who declared a conflict of interest with this unit never receive it.');
	return {
		status: 'routed',
		unitId: unit.id,
		organ: chosen.organ,
		recipients: chosen.recipients,
		rules,
		warnings,
		explanation: {
			zh: `这份举报将交给${q(chosen.organ.name)}。${zh.join('')}`,
			en: `This report will go to ${chosen.organ.name}. ${en.join(' ')}`
		}
	};
}

/** The stationed team whose jurisdiction includes the unit itself, if any. */
function stationedTeam(snap: OrgSnapshot, unit: OrgUnit): Organ | null {
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
function levelCommission(snap: OrgSnapshot, unit: OrgUnit, warnings: RoutingWarning[]): Organ | null {
	const seen = new Set<string>();
	let u: OrgUnit | undefined = unit;
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
