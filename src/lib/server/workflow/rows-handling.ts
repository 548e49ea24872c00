/**
 * Handling: dispatch, the four dispositions (Art. 17), investigation, review and conclusion.
 * Rows of the workflow's table: ./transitions.ts explains how to read them.
 */
import { H, HEAD, type TransitionRow } from './rows';

export const HANDLING_ROWS: readonly TransitionRow[] = [
	// ── Dispatch and the four dispositions (Art. 17), or investigation ──
	{
		from: ['accepted'],
		action: 'dispatch',
		to: 'dispatched',
		roles: H,
		requires: [],
		starts: ['disposition_proposal'],
		ends: []
	},
	{
		from: ['dispatched', 'inquiry_replied'],
		action: 'start_inquiry',
		to: 'inquiry',
		roles: H,
		requires: ['note'],
		starts: ['inquiry_reply'],
		ends: ['disposition_proposal']
	},
	{
		from: ['inquiry'],
		action: 'record_inquiry_reply',
		to: 'inquiry_replied',
		roles: H,
		requires: ['note'],
		starts: [],
		ends: ['inquiry_reply']
	},
	{
		from: ['dispatched', 'inquiry_replied'],
		action: 'start_verification',
		to: 'verification',
		roles: H,
		requires: ['note'],
		starts: ['verification'],
		ends: ['disposition_proposal']
	},
	{
		from: ['verification'],
		action: 'report_verification',
		to: 'verification_reported',
		roles: H,
		requires: ['note'],
		starts: [],
		ends: ['verification']
	},
	{
		from: ['dispatched', 'verification_reported'],
		action: 'hold',
		to: 'hold_pending',
		roles: H,
		requires: ['note'],
		starts: ['hold_review'],
		ends: ['disposition_proposal']
	},
	{
		from: ['hold_pending'],
		action: 'resume',
		to: 'dispatched',
		roles: H,
		requires: ['note'],
		starts: ['disposition_proposal'],
		ends: ['hold_review']
	},
	{
		from: ['dispatched', 'inquiry_replied', 'verification_reported', 'hold_pending'],
		action: 'request_close',
		to: 'close_requested',
		roles: H,
		requires: ['note', 'outcome'],
		outcome: 'close',
		effect: 'open_request',
		needsApproval: true,
		starts: [],
		ends: ['disposition_proposal', 'hold_review']
	},
	{
		from: ['dispatched', 'verification_reported'],
		action: 'file_case',
		to: 'investigation',
		roles: H,
		requires: ['note'],
		starts: [],
		ends: ['disposition_proposal']
	},
	{
		from: ['inquiry_replied', 'verification_reported'],
		action: 'apply_first_form',
		to: 'concluded',
		roles: H,
		requires: ['note', 'outcome'],
		outcome: 'first_form',
		effect: 'set_outcome',
		starts: ['result_feedback'],
		ends: []
	},

	// ── Second-person approval of closing (予以了结 / 了结澄清) ──
	{
		from: ['close_requested'],
		action: 'approve',
		to: 'concluded',
		roles: HEAD,
		requires: ['second_person'],
		effect: 'approve_close',
		starts: ['result_feedback'],
		ends: []
	},
	{
		from: ['close_requested'],
		action: 'reject',
		to: 'return',
		roles: HEAD,
		requires: ['second_person', 'note'],
		effect: 'drop_request',
		starts: [],
		ends: []
	},
	{
		from: ['close_requested'],
		action: 'withdraw',
		to: 'return',
		roles: H,
		requires: ['requester'],
		effect: 'drop_request',
		starts: [],
		ends: []
	},

	// ── Investigation, case hearing, conclusion ──
	{
		from: ['investigation'],
		action: 'send_to_review',
		to: 'review',
		roles: H,
		requires: ['note'],
		starts: [],
		ends: []
	},
	{
		from: ['review'],
		action: 'return_to_investigation',
		to: 'investigation',
		roles: H,
		requires: ['note'],
		starts: [],
		ends: []
	},
	{
		from: ['review'],
		action: 'conclude',
		to: 'concluded',
		roles: H,
		requires: ['note', 'outcome'],
		outcome: 'final',
		effect: 'set_outcome',
		starts: ['result_feedback'],
		ends: []
	}
];
