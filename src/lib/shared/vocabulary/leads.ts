/**
 * The lead register's codes (issue 17, docs/backoffice.md "Lead register"): where a lead came from, the
 * state of its handling, and the purposes of an integrity-opinion query. Clear columns (codes only); the
 * person's name, post, unit and the matter are inside the lead's ciphertexts.
 */
import { OUTCOME_CODES, type OutcomeCode } from './workflow';

/** Sources (线索来源): online, letters and visits, 12388, inspection tours, audits, other agencies, supervision, higher organ. */
export const LEAD_SOURCES = [
	'online',
	'letter_visit',
	'phone_12388',
	'inspection_tour',
	'audit',
	'other_agency',
	'supervision',
	'higher_organ'
] as const;
export type LeadSource = (typeof LEAD_SOURCES)[number];

/** States: registered, then one of the four dispositions (Art. 17) or investigation, concluded; merged into another lead. */
export const LEAD_STATES = [
	'registered',
	'talk_inquiry',
	'preliminary_verification',
	'hold_pending',
	'closed',
	'investigation',
	'concluded',
	'merged'
] as const;
export type LeadState = (typeof LEAD_STATES)[number];

/** States a staff member may set by hand ('merged' is the merge's). */
export const SETTABLE_LEAD_STATES = LEAD_STATES.filter((s) => s !== 'merged') as Exclude<LeadState, 'merged'>[];

/** A lead's outcome: the report's outcome codes (予以了结, 了结澄清, the four forms). */
export const LEAD_OUTCOMES: readonly OutcomeCode[] = OUTCOME_CODES;

/** Cadre levels (干部层级) inside the person's ciphertext. */
export const CADRE_LEVELS = ['provincial', 'bureau', 'division', 'section', 'other'] as const;
export type CadreLevel = (typeof CADRE_LEVELS)[number];

/** Why an integrity opinion is asked (党风廉政意见回复). */
export const OPINION_PURPOSES = ['promotion', 'appraisal', 'award', 'candidate', 'other'] as const;
export type OpinionPurpose = (typeof OPINION_PURPOSES)[number];

/**
 * A hand-down (交办, issue 17): `pending` until the lower organ takes the lead into its register,
 * `accepted` while it handles it, `reported` once its result report is in (the follow-up, 督办, is closed).
 */
export const HANDDOWN_STATES = ['pending', 'accepted', 'reported'] as const;
export type HanddownState = (typeof HANDDOWN_STATES)[number];
