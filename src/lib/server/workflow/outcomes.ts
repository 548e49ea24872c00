/**
 * Outcomes of a report (taxonomy.json `fourForms` and `outcomes`): the {zh, en} labels of their codes
 * (src/lib/shared/vocabulary/workflow.ts) and the check of an outcome against the action that records it.
 */
import type {
	AccountabilityMeasure,
	FirstFormMeasure,
	FourForm,
	GovernmentSanction,
	OrganizationalHandling,
	OtherOutcome,
	Outcome,
	OutcomeKind,
	OutcomeRule,
	PartySanction,
	RefusalReason
} from '../../shared/vocabulary/workflow';
import { RULE_OUTCOME_KINDS } from '../../shared/vocabulary/workflow';
import type { Label } from './vocabulary';

export type {
	FirstFormMeasure,
	FourForm,
	GovernmentSanction,
	OrganizationalHandling,
	Outcome,
	OutcomeRule,
	PartySanction
};

export const FOUR_FORMS = {
	form1: {
		zh: '第一种形态：批评和自我批评、约谈函询、诫勉',
		en: 'Form 1: criticism, reminder talks, inquiries, admonishment'
	},
	form2: { zh: '第二种形态：党纪轻处分、组织调整', en: 'Form 2: light party sanctions, organizational adjustment' },
	form3: { zh: '第三种形态：党纪重处分、重大职务调整', en: 'Form 3: heavy party sanctions, major demotion' },
	form4: { zh: '第四种形态：严重违纪涉嫌违法立案审查', en: 'Form 4: serious violations, suspected crime, investigated' }
} as const satisfies Record<FourForm, Label>;

/**
 * Measures of the first form. Not in taxonomy.json: the usual terms of practice (谈话提醒、批评教育、责令检查、
 * 诫勉), kept optional on the outcome.
 */
export const FIRST_FORM_MEASURES = {
	reminder_talk: { zh: '谈话提醒', en: 'Reminder talk' },
	criticism: { zh: '批评教育', en: 'Criticism and education' },
	written_self_criticism: { zh: '责令检查', en: 'Ordered to make a self-criticism' },
	admonishment: { zh: '诫勉', en: 'Admonishment' }
} as const satisfies Record<FirstFormMeasure, Label>;

/** Accountability measures (问责). */
export const ACCOUNTABILITY_MEASURES = {
	org_inspection: { zh: '检查（党组织）', en: 'Ordered self-examination (party organisation)' },
	org_circulation: { zh: '通报（党组织）', en: 'Circular (party organisation)' },
	org_reorganization: { zh: '改组（党组织）', en: 'Reorganisation (party organisation)' },
	circulated_criticism: { zh: '通报批评', en: 'Criticism by circular' },
	admonishment: { zh: '诫勉', en: 'Admonishment' },
	organizational_adjustment: { zh: '组织调整或者组织处理', en: 'Organisational adjustment or handling' }
} as const satisfies Record<AccountabilityMeasure, Label>;

/** taxonomy.json outcomes.partySanctions */
export const PARTY_SANCTIONS = {
	warning: { zh: '警告', en: 'Warning' },
	serious_warning: { zh: '严重警告', en: 'Serious warning' },
	removal_from_party_posts: { zh: '撤销党内职务', en: 'Removal from party posts' },
	probation: { zh: '留党察看', en: 'Probation within the party' },
	expulsion: { zh: '开除党籍', en: 'Expulsion from the party' }
} as const satisfies Record<PartySanction, Label>;

/** taxonomy.json outcomes.governmentSanctions */
export const GOVERNMENT_SANCTIONS = {
	warning: { zh: '警告', en: 'Warning' },
	demerit: { zh: '记过', en: 'Demerit' },
	major_demerit: { zh: '记大过', en: 'Major demerit' },
	demotion: { zh: '降级', en: 'Demotion in grade' },
	dismissal: { zh: '撤职', en: 'Dismissal from post' },
	expulsion: { zh: '开除', en: 'Expulsion from public office' }
} as const satisfies Record<GovernmentSanction, Label>;

/** taxonomy.json outcomes.organizationalHandling */
export const ORGANIZATIONAL_HANDLING = {
	suspension_for_inspection: { zh: '停职检查', en: 'Suspension for self-examination' },
	job_adjustment: { zh: '调整职务', en: 'Reassignment' },
	ordered_resignation: { zh: '责令辞职', en: 'Ordered to resign' },
	removal_from_office: { zh: '免职', en: 'Removal from office' },
	demotion_in_post: { zh: '降职', en: 'Demotion in post' }
} as const satisfies Record<OrganizationalHandling, Label>;

/** Kinds of outcome; `cleared` and the referrals mirror taxonomy.json outcomes.other. */
export const OUTCOME_KINDS = {
	closed: { zh: '予以了结', en: 'Closed' },
	cleared: { zh: '了结澄清（查无实据，澄清正名）', en: 'Closed and cleared (unfounded; name cleared)' },
	handled: { zh: '依规依纪依法处理', en: 'Dealt with (one of the four forms)' }
} as const satisfies Record<OutcomeKind, Label>;

export const OTHER_OUTCOME_LABELS = {
	procuratorate: { zh: '移送检察机关', en: 'Referred to the procuratorate' },
	false_accusation_referral: { zh: '诬告陷害线索移送', en: 'Knowingly false accusation referred' }
} as const satisfies Record<OtherOutcome, Label>;

const has = (table: object, key: unknown): boolean =>
	typeof key === 'string' && Object.prototype.hasOwnProperty.call(table, key);

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[]): boolean {
	return Object.keys(o).every((k) => allowed.includes(k));
}

/** Structural check of an outcome coming from a form (any shape accepted as input). */
export function isOutcome(value: unknown): value is Outcome {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
	const o = value as Record<string, unknown>;
	switch (o.kind) {
		case 'closed':
			return onlyKeys(o, ['kind']);
		case 'cleared':
			return (
				onlyKeys(o, ['kind', 'falseAccusationReferral']) &&
				(o.falseAccusationReferral === undefined || typeof o.falseAccusationReferral === 'boolean')
			);
		case 'handled': {
			if (
				!onlyKeys(o, [
					'kind',
					'form',
					'measure',
					'party',
					'government',
					'organizational',
					'procuratorate',
					'accountability'
				])
			)
				return false;
			if (o.accountability !== undefined) {
				const list = o.accountability;
				if (!Array.isArray(list) || list.length === 0) return false;
				if (!list.every((x) => has(ACCOUNTABILITY_MEASURES, x))) return false;
				if (new Set(list).size !== list.length) return false;
			}
			if (!has(FOUR_FORMS, o.form)) return false;
			if (o.measure !== undefined && !has(FIRST_FORM_MEASURES, o.measure)) return false;
			if (o.party !== undefined && !has(PARTY_SANCTIONS, o.party)) return false;
			if (o.government !== undefined && !has(GOVERNMENT_SANCTIONS, o.government)) return false;
			if (o.procuratorate !== undefined && typeof o.procuratorate !== 'boolean') return false;
			if (o.organizational !== undefined) {
				const list = o.organizational;
				if (!Array.isArray(list) || list.length === 0) return false;
				if (!list.every((x) => has(ORGANIZATIONAL_HANDLING, x))) return false;
				if (new Set(list).size !== list.length) return false;
			}
			const sanctioned =
				o.party !== undefined ||
				o.government !== undefined ||
				o.organizational !== undefined ||
				o.procuratorate === true;
			if (o.form === 'form1') return !sanctioned; // the first form carries no sanction
			// Forms 2–4 carry at least one sanction or referral; 组织调整 as an accountability measure counts.
			const adjusted = Array.isArray(o.accountability) && o.accountability.includes('organizational_adjustment');
			return (sanctioned || adjusted) && o.measure === undefined;
		}
		default:
			return false;
	}
}

/**
 * Which sanctions each form of the four forms may carry (四种形态): the second form light party sanctions
 * (警告、严重警告), light government sanctions (警告、记过、记大过) and organisational adjustment; the third
 * heavy party sanctions (撤销党内职务、留党察看、开除党籍), heavy government sanctions (降级、撤职、开除) and major
 * post changes; the fourth the same, and only it refers to the procuratorate (涉嫌违法犯罪).
 */
const HEAVY_PARTY: readonly PartySanction[] = ['removal_from_party_posts', 'probation', 'expulsion'];
const HEAVY_GOVERNMENT: readonly GovernmentSanction[] = ['demotion', 'dismissal', 'expulsion'];
const FORM_SANCTIONS: Record<
	Exclude<FourForm, 'form1'>,
	{ party: readonly PartySanction[]; government: readonly GovernmentSanction[]; procuratorate: boolean }
> = {
	form2: {
		party: ['warning', 'serious_warning'],
		government: ['warning', 'demerit', 'major_demerit'],
		procuratorate: false
	},
	form3: { party: HEAVY_PARTY, government: HEAVY_GOVERNMENT, procuratorate: false },
	form4: { party: HEAVY_PARTY, government: HEAVY_GOVERNMENT, procuratorate: true }
};

/**
 * Accountability measures (问责) that belong to the second form or above: 组织调整 (organisational
 * adjustment of a person). 通报批评 and 诫勉 fit the first form; the measures on a party organisation
 * (检查、通报、改组) are not about a person's form and fit any.
 */
const ACCOUNTABILITY_FORM2: readonly AccountabilityMeasure[] = ['organizational_adjustment'];

/** True when a handled outcome's sanctions do not fit its form (e.g. the second form with expulsion). */
export function formMismatch(o: Outcome): boolean {
	if (o.kind !== 'handled') return false;
	if (o.form === 'form1') return (o.accountability ?? []).some((a) => ACCOUNTABILITY_FORM2.includes(a));
	const allowed = FORM_SANCTIONS[o.form];
	if (o.party !== undefined && !allowed.party.includes(o.party)) return true;
	if (o.government !== undefined && !allowed.government.includes(o.government)) return true;
	if (o.procuratorate === true && !allowed.procuratorate) return true;
	return false;
}

/** True when the outcome carries a party or government sanction (recorded as a decision). */
export function hasSanction(o: Outcome | null | undefined): boolean {
	return !!o && o.kind === 'handled' && (o.party !== undefined || o.government !== undefined);
}

/** null when `value` is an outcome the rule accepts. */
export function checkOutcome(
	value: unknown,
	rule: OutcomeRule
): Extract<RefusalReason, 'needs_outcome' | 'bad_outcome' | 'form_mismatch'> | null {
	if (value === undefined || value === null) return 'needs_outcome';
	if (!isOutcome(value)) return 'bad_outcome';
	if (!(RULE_OUTCOME_KINDS[rule] as readonly OutcomeKind[]).includes(value.kind)) return 'bad_outcome';
	if (rule === 'first_form' && value.kind === 'handled' && value.form !== 'form1') return 'bad_outcome';
	if (formMismatch(value)) return 'form_mismatch';
	return null;
}
