/**
 * The shape of one row of the workflow's table (./transitions.ts explains how to read a row) and the role
 * sets the rows use. The rows themselves: ./rows-intake.ts, ./rows-handling.ts, ./rows-reporter.ts.
 */
import { HANDLER_ROLES, type HandlerRole } from '../../shared/vocabulary/org';
import type { ActionCode } from '../../shared/vocabulary/workflow';
import type { OutcomeRule } from './outcomes';
import type { DeadlineCode, WorkflowState } from './vocabulary';

export type Requirement =
	/** an encrypted rationale note (ctx.noteId: the id of a note stored encrypted elsewhere) */
	| 'note'
	/** an outcome that fits `outcome` (ctx.outcome) */
	| 'outcome'
	/** the receiving organ or agency (ctx.target), not the current organ */
	| 'target'
	/** the decider is not the member who made the pending request */
	| 'second_person'
	/** only the member who made the pending request */
	| 'requester'
	/** a real-name report */
	| 'real_name';

/** A flag on the case that an action sets once. */
export type OnceFlag = 'acceptanceNotified' | 'feedbackGiven' | 'nameCleared' | 'falseAccusationReferred';

/** What an action does to the case beyond changing the state and the deadlines. */
export type Effect =
	| 'open_request'
	| 'approve_move_organ'
	| 'approve_refer_out'
	| 'approve_close'
	| 'drop_request'
	| 'set_outcome'
	| 'set_flag';

export interface TransitionRow {
	readonly from: readonly WorkflowState[];
	readonly action: ActionCode;
	readonly to: WorkflowState | 'same' | 'return';
	readonly roles: readonly HandlerRole[];
	readonly requires: readonly Requirement[];
	readonly outcome?: OutcomeRule;
	readonly once?: OnceFlag;
	readonly effect?: Effect;
	/** The action only asks: an organ head other than the requester must approve (予以了结 and sending elsewhere). */
	readonly needsApproval?: true;
	readonly starts: readonly DeadlineCode[];
	readonly ends: readonly DeadlineCode[];
}

/** Inspectors and heads of the holding organ. */
export const H: readonly HandlerRole[] = HANDLER_ROLES;
/** Heads of the holding organ only (decisions on requests). */
export const HEAD: readonly HandlerRole[] = ['head'];
