/**
 * Intake (信访举报部门): registration, the intake outcomes (Art. 14–16) and sending a report elsewhere.
 * Rows of the workflow's table: ./transitions.ts explains how to read them.
 */
import { H, HEAD, type TransitionRow } from './rows';

export const INTAKE_ROWS: readonly TransitionRow[] = [
	// ── Intake (信访举报部门): registration and the intake outcomes (Art. 14–16) ──
	{
		from: ['received'],
		action: 'register',
		to: 'registered',
		roles: H,
		requires: [],
		starts: ['acceptance_notice'],
		ends: []
	},
	{
		from: ['registered'],
		action: 'accept',
		to: 'accepted',
		roles: H,
		requires: [],
		starts: [],
		ends: ['intake_after_transfer']
	},
	{
		from: ['registered'],
		action: 'request_report_up',
		to: 'up_requested',
		roles: H,
		requires: ['note', 'target'],
		effect: 'open_request',
		needsApproval: true,
		starts: ['forward_up'],
		ends: []
	},
	{
		from: ['registered'],
		action: 'request_transfer_down',
		to: 'down_requested',
		roles: H,
		requires: ['note', 'target'],
		effect: 'open_request',
		needsApproval: true,
		starts: [],
		ends: []
	},
	{
		from: ['registered'],
		action: 'request_transfer_out',
		to: 'out_requested',
		roles: H,
		requires: ['note', 'target'],
		effect: 'open_request',
		needsApproval: true,
		starts: [],
		ends: []
	},
	{
		from: ['registered'],
		action: 'mark_duplicate',
		to: 'duplicate',
		roles: H,
		requires: ['note'],
		starts: [],
		ends: ['intake_after_transfer', 'acceptance_notice']
	},
	{
		from: ['registered'],
		action: 'return_no_substance',
		to: 'no_substance',
		roles: H,
		requires: ['note'],
		starts: [],
		ends: ['intake_after_transfer']
	},

	// ── Second-person approval of sending elsewhere (organ head, not the requester) ──
	{
		from: ['up_requested'],
		action: 'approve',
		to: 'reported_up',
		roles: HEAD,
		requires: ['second_person'],
		effect: 'approve_move_organ',
		starts: [],
		ends: ['forward_up', 'intake_after_transfer', 'acceptance_notice']
	},
	{
		from: ['down_requested'],
		action: 'approve',
		to: 'transferred_down',
		roles: HEAD,
		requires: ['second_person'],
		effect: 'approve_move_organ',
		starts: ['intake_after_transfer'],
		ends: ['intake_after_transfer', 'acceptance_notice']
	},
	{
		from: ['out_requested'],
		action: 'approve',
		to: 'transferred_out',
		roles: HEAD,
		requires: ['second_person'],
		effect: 'approve_refer_out',
		starts: [],
		ends: ['intake_after_transfer', 'acceptance_notice']
	},
	{
		from: ['up_requested'],
		action: 'reject',
		to: 'registered',
		roles: HEAD,
		requires: ['second_person', 'note'],
		effect: 'drop_request',
		starts: [],
		ends: ['forward_up']
	},
	{
		from: ['down_requested', 'out_requested'],
		action: 'reject',
		to: 'registered',
		roles: HEAD,
		requires: ['second_person', 'note'],
		effect: 'drop_request',
		starts: [],
		ends: []
	},
	{
		from: ['up_requested'],
		action: 'withdraw',
		to: 'registered',
		roles: H,
		requires: ['requester'],
		effect: 'drop_request',
		starts: [],
		ends: ['forward_up']
	},
	{
		from: ['down_requested', 'out_requested'],
		action: 'withdraw',
		to: 'registered',
		roles: H,
		requires: ['requester'],
		effect: 'drop_request',
		starts: [],
		ends: []
	},

	// ── The receiving organ registers a report sent up or down (Art. 16: accept or pass on within 5 working days) ──
	{
		from: ['reported_up', 'transferred_down'],
		action: 'register_transfer',
		to: 'registered',
		roles: H,
		requires: [],
		starts: ['acceptance_notice'],
		ends: []
	}
];
