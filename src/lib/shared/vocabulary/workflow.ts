/**
 * The codes of the report workflow (docs/workflow.md): states and their stages, actions, deadlines,
 * dispositions, outcomes, refusal reasons, links between reports, calendar days and staff notices. The
 * state machine and the {zh, en} labels of these codes stay in src/lib/server/workflow (its tables are
 * typed `satisfies Record<Code, …>` against these lists, so a code without a label fails the type check);
 * the back office's pages get the labels as page data.
 */

/**
 * Every state a report can be in, for the organ that holds it, in the order of the procedure and of
 * docs/workflow.md (src/lib/server/workflow/vocabulary.ts STATE_INFO gives each its stage and status).
 */
export const WORKFLOW_STATES = [
	'received',
	'registered',
	'up_requested',
	'down_requested',
	'out_requested',
	'reported_up',
	'transferred_down',
	'transferred_out',
	'duplicate',
	'no_substance',
	'accepted',
	'dispatched',
	'inquiry',
	'inquiry_replied',
	'verification',
	'verification_reported',
	'hold_pending',
	'close_requested',
	'investigation',
	'review',
	'concluded',
	'objection_pending'
] as const;
export type WorkflowState = (typeof WORKFLOW_STATES)[number];

/** The stages the states fall into (the inbox filters by stage). */
export const STAGES = ['intake', 'approval', 'elsewhere', 'closed', 'handling', 'investigation', 'after'] as const;
export type Stage = (typeof STAGES)[number];

/** The stages in which nothing runs any more for the holding organ (the statistics' "finished"). */
export const FINISHED_STAGES = ['closed', 'after'] as const satisfies readonly Stage[];

/** The actions of the workflow (src/lib/server/workflow/transitions.ts declares what each does). */
export const ACTION_CODES = [
	'register',
	'accept',
	'request_report_up',
	'request_transfer_down',
	'request_transfer_out',
	'mark_duplicate',
	'return_no_substance',
	'approve',
	'reject',
	'withdraw',
	'register_transfer',
	'dispatch',
	'start_inquiry',
	'record_inquiry_reply',
	'start_verification',
	'report_verification',
	'hold',
	'resume',
	'request_close',
	'file_case',
	'apply_first_form',
	'send_to_review',
	'return_to_investigation',
	'conclude',
	'notify_acceptance',
	'give_feedback',
	'record_objection',
	'answer_objection',
	'clear_name',
	'refer_false_accusation'
] as const;
export type ActionCode = (typeof ACTION_CODES)[number];

/** Deadlines (lengths and sources: src/lib/server/workflow/vocabulary.ts DEADLINE_INFO). */
export const DEADLINE_CODES = [
	'forward_up',
	'intake_after_transfer',
	'acceptance_notice',
	'result_feedback',
	'inquiry_reply',
	'verification',
	'objection_answer',
	'disposition_proposal',
	'hold_review'
] as const;
export type DeadlineCode = (typeof DEADLINE_CODES)[number];

/** The deadlines a real-name reporter is promised and sees on the follow-up page (2020 rules). */
export const REPORTER_DEADLINES = ['acceptance_notice', 'result_feedback'] as const satisfies readonly DeadlineCode[];
export type ReporterDeadline = (typeof REPORTER_DEADLINES)[number];

/** The disposition codes of taxonomy.json (Art. 17); each is taken by one action (transitions.ts). */
export const DISPOSITIONS = [
	'talk_inquiry',
	'preliminary_verification',
	'hold_pending',
	'close',
	'to_investigation'
] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/* ------------------------------------------------------------------ outcomes (taxonomy.json `fourForms`, `outcomes`) */

/** Kinds of outcome: 予以了结, 了结澄清, dealt with in one of the four forms. */
export const OUTCOME_KIND_CODES = ['closed', 'cleared', 'handled'] as const;
export type OutcomeKind = (typeof OUTCOME_KIND_CODES)[number];

/** The four forms (四种形态). */
export const FOUR_FORM_CODES = ['form1', 'form2', 'form3', 'form4'] as const;
export type FourForm = (typeof FOUR_FORM_CODES)[number];

/** Measures of the first form (谈话提醒、批评教育、责令检查、诫勉): terms of practice, not in taxonomy.json. */
export const FIRST_FORM_MEASURE_CODES = [
	'reminder_talk',
	'criticism',
	'written_self_criticism',
	'admonishment'
] as const;
export type FirstFormMeasure = (typeof FIRST_FORM_MEASURE_CODES)[number];

/** taxonomy.json outcomes.partySanctions */
export const PARTY_SANCTION_CODES = [
	'warning',
	'serious_warning',
	'removal_from_party_posts',
	'probation',
	'expulsion'
] as const;
export type PartySanction = (typeof PARTY_SANCTION_CODES)[number];

/** taxonomy.json outcomes.governmentSanctions */
export const GOVERNMENT_SANCTION_CODES = [
	'warning',
	'demerit',
	'major_demerit',
	'demotion',
	'dismissal',
	'expulsion'
] as const;
export type GovernmentSanction = (typeof GOVERNMENT_SANCTION_CODES)[number];

/** taxonomy.json outcomes.organizationalHandling */
export const ORGANIZATIONAL_HANDLING_CODES = [
	'suspension_for_inspection',
	'job_adjustment',
	'ordered_resignation',
	'removal_from_office',
	'demotion_in_post'
] as const;
export type OrganizationalHandling = (typeof ORGANIZATIONAL_HANDLING_CODES)[number];

/**
 * Accountability measures (问责, 中国共产党问责条例 Art. 8): for a party organisation 检查、通报、改组; for a
 * cadre 通报批评、诫勉、组织调整或者组织处理 (a disciplinary sanction is recorded as a party sanction).
 */
export const ACCOUNTABILITY_MEASURE_CODES = [
	'org_inspection',
	'org_circulation',
	'org_reorganization',
	'circulated_criticism',
	'admonishment',
	'organizational_adjustment'
] as const;
export type AccountabilityMeasure = (typeof ACCOUNTABILITY_MEASURE_CODES)[number];

/** Bodies that decide a sanction (recorded with the decision's date and document number). */
export const DECIDING_BODIES = ['discipline_committee', 'supervisory_commission', 'party_committee'] as const;
export type DecidingBody = (typeof DECIDING_BODIES)[number];

/** The referrals of taxonomy.json outcomes.other (flags on an outcome). */
export const OTHER_OUTCOME_CODES = ['procuratorate', 'false_accusation_referral'] as const;
export type OtherOutcome = (typeof OTHER_OUTCOME_CODES)[number];

/**
 * Which outcomes an action accepts: `close` (予以了结 or 了结澄清), `first_form` (a first-form measure),
 * `final` (了结澄清 or one of the four forms with its sanctions). src/lib/server/workflow/outcomes.ts checks.
 */
export const OUTCOME_RULES = ['close', 'first_form', 'final'] as const;
export type OutcomeRule = (typeof OUTCOME_RULES)[number];

/** The kinds of outcome each rule accepts (`first_form` also wants form 1). */
export const RULE_OUTCOME_KINDS = {
	close: ['closed', 'cleared'],
	first_form: ['handled'],
	final: ['cleared', 'handled']
} as const satisfies Record<OutcomeRule, readonly OutcomeKind[]>;

/** The outcome of a report (checked against the action by src/lib/server/workflow/outcomes.ts). */
export type Outcome =
	| { readonly kind: 'closed' }
	| { readonly kind: 'cleared'; readonly falseAccusationReferral?: boolean }
	| {
			readonly kind: 'handled';
			readonly form: FourForm;
			readonly measure?: FirstFormMeasure;
			readonly party?: PartySanction;
			readonly government?: GovernmentSanction;
			readonly organizational?: readonly OrganizationalHandling[];
			readonly procuratorate?: boolean;
			/** 问责 measures taken with the outcome (issue 18). */
			readonly accountability?: readonly AccountabilityMeasure[];
	  };

/** The outcome as one code: the `report.outcome` column and the statistics' outcome dimension. */
export type OutcomeCode = Exclude<OutcomeKind, 'handled'> | `handled:${FourForm}`;
export const OUTCOME_CODES: readonly OutcomeCode[] = [
	'closed',
	'cleared',
	...FOUR_FORM_CODES.map((f) => `handled:${f}` as const)
];

/** The code of an outcome (null: none yet). */
export function outcomeCode(o: Outcome | null): OutcomeCode | null {
	if (!o) return null;
	return o.kind === 'handled' ? `handled:${o.form}` : o.kind;
}

/* ------------------------------------------------------------------ refusals, links, calendar, notices */

/** Why the workflow refused an action (also the error codes of the staff API for it). */
export const REFUSAL_REASONS = [
	'unknown_action',
	'unknown_state',
	'bad_case_state',
	'forbidden_role',
	'not_from_this_state',
	'bad_date',
	'needs_note',
	'needs_outcome',
	'bad_outcome',
	'needs_target',
	'bad_target',
	'self_approval',
	'not_requester',
	'not_real_name',
	'already_done',
	'forbidden_duty',
	'investigator_reviews',
	'form_mismatch',
	'needs_decision',
	'needs_study',
	'needs_committee_report'
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** Links between reports (written in both directions). */
export const LINK_KINDS = ['duplicate', 'related'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

/** A day of the admin-edited calendar: a holiday, or a weekend day that is a working day (调休). */
export const HOLIDAY_KINDS = ['holiday', 'workday'] as const;
export type HolidayKind = (typeof HOLIDAY_KINDS)[number];

/** In-app notices for staff (src/lib/server/backoffice/notices.ts and case.ts raise them). */
export const NOTICE_KINDS = [
	'due_soon',
	'overdue',
	'approval_requested',
	'assigned',
	'transferred_in',
	'granted',
	/** The interference register: a 零报告 period passed without an entry (no report: details name the enrolment). */
	'register_overdue',
	// Issue 19: a reporter asked for protection (申请保护), and the request passed its own deadline.
	'protection_requested',
	'protection_overdue',
	// Issue 17, hand-down and follow-up (交办、督办): a lead handed in, its result overdue, its result in (no report: details name the hand-down).
	'handdown_in',
	'handdown_overdue',
	'handdown_result'
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
