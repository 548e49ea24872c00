/**
 * What real-name reporters are owed: being told, feedback, objections; clearing names; false accusations.
 * Rows of the workflow's table: ./transitions.ts explains how to read them.
 */
import { H, HEAD, type TransitionRow } from './rows';
import type { WorkflowState } from './vocabulary';

/** States in which the decision on acceptance has been made and a real-name reporter can be told it. */
const AFTER_ACCEPTANCE_DECISION: readonly WorkflowState[] = [
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
	'objection_pending',
	'no_substance'
];

export const REPORTER_ROWS: readonly TransitionRow[] = [
	// ── Real-name reporters, objections, clearing names, false accusations ──
	{
		from: AFTER_ACCEPTANCE_DECISION,
		action: 'notify_acceptance',
		to: 'same',
		roles: H,
		requires: ['real_name'],
		once: 'acceptanceNotified',
		effect: 'set_flag',
		starts: [],
		ends: ['acceptance_notice']
	},
	{
		from: ['concluded', 'objection_pending'],
		action: 'give_feedback',
		to: 'same',
		roles: H,
		requires: ['note'],
		once: 'feedbackGiven',
		effect: 'set_flag',
		starts: [],
		ends: ['result_feedback']
	},
	{
		from: ['concluded'],
		action: 'record_objection',
		to: 'objection_pending',
		roles: H,
		requires: ['note'],
		starts: ['objection_answer'],
		ends: []
	},
	{
		from: ['objection_pending'],
		action: 'answer_objection',
		to: 'concluded',
		roles: H,
		requires: ['note'],
		starts: [],
		ends: ['objection_answer']
	},
	{
		from: ['concluded'],
		action: 'clear_name',
		to: 'same',
		roles: H,
		requires: ['note'],
		once: 'nameCleared',
		effect: 'set_flag',
		starts: [],
		ends: []
	},
	{
		from: ['concluded'],
		action: 'refer_false_accusation',
		to: 'same',
		roles: HEAD,
		requires: ['note'],
		once: 'falseAccusationReferred',
		effect: 'set_flag',
		starts: [],
		ends: []
	}
];
