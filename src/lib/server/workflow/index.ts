/**
 * The report workflow as a pure state machine: what a member may do to a report now, and what doing it
 * changes (state, deadlines counted in working days, the reporter-visible status). No database, no clock:
 * the caller passes today's date in China (calendar `todayIn(CHINA_TIME_ZONE)`), stores `next`, writes
 * `event` to the audit log and the deadlines to its table.
 *
 * The machine itself is the table in ./transitions.ts; docs/workflow.md prints it.
 */
import { addWorkingDays, isDateString, MAX_SPAN_DAYS, type WorkingDayCalendar } from '../calendar/index';
import type { StaffRole } from '../org/types';
import { checkOutcome, type Outcome, type OutcomeRule } from './outcomes';
import {
	ACTION_LABELS,
	edgeFor,
	EDGES,
	rolesFor,
	type ActionCode,
	type Edge,
	type OnceFlag,
	type Requirement
} from './transitions';
import {
	DEADLINE_CODES,
	DEADLINE_INFO,
	isWorkflowState,
	STATE_INFO,
	type DeadlineCode,
	type PublicStatus,
	type RefusalReason,
	type WorkflowState
} from './vocabulary';

export * from './vocabulary';
export * from './outcomes';
export * from './transitions';

/** A running deadline: due on `due` (a working day, 'YYYY-MM-DD'). */
export interface OpenDeadline {
	readonly code: DeadlineCode;
	readonly startedOn: string;
	readonly due: string;
}

/** A request waiting for a head's decision (closing, or sending the report elsewhere). */
export interface PendingRequest {
	readonly action: ActionCode;
	readonly requestedBy: string;
	readonly requestedOn: string;
	/** The state the report returns to when the request is rejected or withdrawn. */
	readonly returnTo: WorkflowState;
	readonly noteId: string;
	readonly target: string | null;
	readonly outcome: Outcome | null;
}

export interface CaseFlags {
	readonly acceptanceNotified: boolean;
	readonly feedbackGiven: boolean;
	readonly nameCleared: boolean;
	readonly falseAccusationReferred: boolean;
}

/** Everything the machine needs to know about one report. */
export interface CaseState {
	readonly state: WorkflowState;
	/** The organ that holds the report now (changes when a transfer up or down is approved). */
	readonly organId: string;
	readonly realName: boolean;
	/** The day the report reached the channel. */
	readonly receivedOn: string;
	/** The day the current organ received it (= receivedOn unless it was transferred). */
	readonly organReceivedOn: string;
	readonly deadlines: readonly OpenDeadline[];
	readonly pending: PendingRequest | null;
	readonly outcome: Outcome | null;
	/** The agency a report was referred to (transferred_out). */
	readonly referredTo: string | null;
	readonly flags: CaseFlags;
}

export interface Actor {
	readonly id: string;
	/** The member's role in the organ that holds the report (caseState.organId). */
	readonly role: StaffRole;
}

export interface TransitionContext {
	readonly actor: Actor;
	/** Today in China, 'YYYY-MM-DD'. */
	readonly today: string;
	/** Id of the encrypted rationale note stored with the action (the server never sees its text). */
	readonly noteId?: string | null;
	/** For actions that record an outcome; checked here, so it may come straight from a form. */
	readonly outcome?: unknown;
	/** Receiving organ (up/down) or agency (out). Whether it really is the higher/lower organ is the caller's check. */
	readonly target?: string | null;
	readonly calendar?: WorkingDayCalendar;
	/** Deadline lengths in working days that differ from DEADLINE_INFO; null switches a deadline off. */
	readonly deadlineDays?: Partial<Record<DeadlineCode, number | null>>;
}

/** What the audit log records of a transition (ids and codes only: no plaintext). */
export interface TransitionEvent {
	readonly action: ActionCode;
	readonly from: WorkflowState;
	readonly to: WorkflowState;
	readonly actorId: string;
	readonly on: string;
	readonly noteId: string | null;
	readonly target: string | null;
	readonly outcome: Outcome | null;
}

export type TransitionResult =
	| {
			readonly ok: true;
			readonly next: CaseState;
			readonly deadlinesStarted: readonly OpenDeadline[];
			readonly deadlinesEnded: readonly OpenDeadline[];
			readonly publicStatus: PublicStatus;
			readonly event: TransitionEvent;
	  }
	| { readonly ok: false; readonly reason: RefusalReason };

const nonEmpty = (s: unknown): s is string => typeof s === 'string' && s.trim().length > 0;

const NO_FLAGS: CaseFlags = {
	acceptanceNotified: false,
	feedbackGiven: false,
	nameCleared: false,
	falseAccusationReferred: false
};

/** A report just received by `organId` (routing chose it). */
export function newCase(init: { organId: string; realName: boolean; receivedOn: string }): CaseState {
	if (!nonEmpty(init.organId)) throw new TypeError('organId is required');
	if (!isDateString(init.receivedOn))
		throw new RangeError(`receivedOn is not a date: ${JSON.stringify(init.receivedOn)}`);
	return {
		state: 'received',
		organId: init.organId,
		realName: init.realName,
		receivedOn: init.receivedOn,
		organReceivedOn: init.receivedOn,
		deadlines: [],
		pending: null,
		outcome: null,
		referredTo: null,
		flags: NO_FLAGS
	};
}

export function publicStatusOf(state: WorkflowState): PublicStatus {
	return STATE_INFO[state].public;
}

/** Deadline lengths after applying overrides; throws RangeError for an override that is not a day count. */
export function deadlineDays(overrides: TransitionContext['deadlineDays'] = {}): Record<DeadlineCode, number | null> {
	const out = {} as Record<DeadlineCode, number | null>;
	for (const code of DEADLINE_CODES) {
		const v = Object.prototype.hasOwnProperty.call(overrides, code) ? overrides[code] : DEADLINE_INFO[code].days;
		if (v !== null && (v === undefined || !Number.isSafeInteger(v) || v < 1 || v > MAX_SPAN_DAYS)) {
			throw new RangeError(`deadline ${code}: working days must be a whole number from 1 to ${MAX_SPAN_DAYS}, or null`);
		}
		out[code] = v;
	}
	return out;
}

function requires(edge: Edge, r: Requirement): boolean {
	return edge.row.requires.includes(r);
}

/** Refusal from the case and the actor alone (no inputs): shared by allowedTransitions and applyTransition. */
function guardRefusal(cs: CaseState | null, edge: Edge, actor: Actor): RefusalReason | null {
	if (!cs) return null;
	const needsPending =
		requires(edge, 'second_person') ||
		requires(edge, 'requester') ||
		edge.row.to === 'return' ||
		edge.row.effect?.startsWith('approve_');
	if (needsPending && !cs.pending) return 'bad_case_state';
	if (requires(edge, 'second_person') && cs.pending?.requestedBy === actor.id) return 'self_approval';
	if (requires(edge, 'requester') && cs.pending?.requestedBy !== actor.id) return 'not_requester';
	if (requires(edge, 'real_name') && !cs.realName) return 'not_real_name';
	if (edge.row.once && cs.flags[edge.row.once]) return 'already_done';
	return null;
}

function roleRefusal(action: ActionCode, role: StaffRole): RefusalReason | null {
	if (role === 'admin') return 'forbidden_role'; // admins keep the directory and never handle reports
	return (rolesFor(action) as readonly StaffRole[]).includes(role) ? null : 'forbidden_role';
}

export interface AllowedTransition {
	readonly action: ActionCode;
	readonly label: { zh: string; en: string };
	/** The state it leads to; for 'return' rows the pending request's origin (null when only a state was given). */
	readonly to: WorkflowState | null;
	/** Inputs the form must collect (note, outcome, target); case conditions are already satisfied. */
	readonly inputs: readonly ('note' | 'outcome' | 'target')[];
	readonly outcome: OutcomeRule | null;
	readonly needsApproval: boolean;
}

/**
 * What `ctx.actor` may do now. Given only a state, answers by state and role; given the case, also by the
 * case's conditions (pending requester, real name, things done once). Inputs are not checked: they are listed.
 */
export function allowedTransitions(
	stateOrCase: WorkflowState | CaseState,
	ctx: { readonly actor: Actor }
): AllowedTransition[] {
	const cs = typeof stateOrCase === 'string' ? null : stateOrCase;
	const state = cs ? cs.state : (stateOrCase as WorkflowState);
	if (!isWorkflowState(state)) return [];
	const out: AllowedTransition[] = [];
	for (const edge of EDGES) {
		if (edge.from !== state) continue;
		if (roleRefusal(edge.action, ctx.actor.role)) continue;
		if (guardRefusal(cs, edge, ctx.actor)) continue;
		const to =
			edge.row.to === 'same' ? state : edge.row.to === 'return' ? (cs?.pending?.returnTo ?? null) : edge.row.to;
		out.push({
			action: edge.action,
			label: ACTION_LABELS[edge.action],
			to,
			inputs: edge.row.requires.filter(
				(r): r is 'note' | 'outcome' | 'target' => r === 'note' || r === 'outcome' || r === 'target'
			),
			outcome: edge.row.outcome ?? null,
			needsApproval: edge.row.needsApproval === true
		});
	}
	return out;
}

/**
 * Applies `action` to the case, or says why not (the first failing check, in the order of docs/workflow.md).
 * Never throws for bad input from a request; only a bad deadline configuration (`ctx.deadlineDays`) throws.
 */
export function applyTransition(
	cs: CaseState,
	actionCode: ActionCode | (string & {}),
	ctx: TransitionContext
): TransitionResult {
	if (!Object.prototype.hasOwnProperty.call(ACTION_LABELS, actionCode)) return { ok: false, reason: 'unknown_action' };
	const action = actionCode as ActionCode;
	if (!isWorkflowState(cs.state)) return { ok: false, reason: 'unknown_state' };
	const roleProblem = roleRefusal(action, ctx.actor.role);
	if (roleProblem) return { ok: false, reason: roleProblem };
	const edge = edgeFor(cs.state, action);
	if (!edge) return { ok: false, reason: 'not_from_this_state' };
	if (!isDateString(cs.organReceivedOn)) return { ok: false, reason: 'bad_case_state' };
	const guard = guardRefusal(cs, edge, ctx.actor);
	if (guard) return { ok: false, reason: guard };
	if (!isDateString(ctx.today)) return { ok: false, reason: 'bad_date' };

	const row = edge.row;
	const noteId = nonEmpty(ctx.noteId) ? ctx.noteId : null;
	if (requires(edge, 'note') && !noteId) return { ok: false, reason: 'needs_note' };
	let target: string | null = null;
	if (requires(edge, 'target')) {
		if (!nonEmpty(ctx.target)) return { ok: false, reason: 'needs_target' };
		if (ctx.target === cs.organId) return { ok: false, reason: 'bad_target' };
		target = ctx.target;
	}
	let outcome: Outcome | null = null;
	if (requires(edge, 'outcome') && row.outcome) {
		const problem = checkOutcome(ctx.outcome, row.outcome);
		if (problem) return { ok: false, reason: problem };
		outcome = ctx.outcome as Outcome;
	}

	// The next state and the case fields the action changes.
	const pending = cs.pending;
	let to: WorkflowState;
	if (row.to === 'same') to = cs.state;
	else if (row.to === 'return') to = (pending as PendingRequest).returnTo;
	else to = row.to;

	let next: CaseState = { ...cs, state: to };
	switch (row.effect) {
		case 'open_request':
			next = {
				...next,
				pending: {
					action,
					requestedBy: ctx.actor.id,
					requestedOn: ctx.today,
					returnTo: cs.state,
					noteId: noteId as string,
					target,
					outcome
				}
			};
			break;
		case 'approve_move_organ':
			// The receiving organ now holds the report; its own receipt day counts for its deadlines.
			next = {
				...next,
				pending: null,
				organId: (pending as PendingRequest).target as string,
				organReceivedOn: ctx.today,
				flags: { ...cs.flags, acceptanceNotified: false }
			};
			break;
		case 'approve_refer_out':
			next = { ...next, pending: null, referredTo: (pending as PendingRequest).target };
			break;
		case 'approve_close':
			next = { ...next, pending: null, outcome: (pending as PendingRequest).outcome };
			break;
		case 'drop_request':
			next = { ...next, pending: null };
			break;
		case 'set_outcome':
			next = { ...next, outcome };
			break;
		case 'set_flag':
			next = { ...next, flags: { ...cs.flags, [row.once as OnceFlag]: true } };
			break;
		case undefined:
			break;
	}

	// Deadlines: end those listed (and any that is started again), then start the listed ones.
	const days = deadlineDays(ctx.deadlineDays);
	const toStart = row.starts.filter(
		(code) => days[code] !== null && (!DEADLINE_INFO[code].realNameOnly || cs.realName)
	);
	const endSet = new Set<DeadlineCode>([...row.ends, ...toStart]);
	const deadlinesEnded = cs.deadlines.filter((d) => endSet.has(d.code));
	const deadlinesStarted = toStart.map((code): OpenDeadline => {
		const base = DEADLINE_INFO[code].base === 'organ_received' ? next.organReceivedOn : ctx.today;
		return { code, startedOn: ctx.today, due: addWorkingDays(base, days[code] as number, ctx.calendar) };
	});
	next = { ...next, deadlines: [...cs.deadlines.filter((d) => !endSet.has(d.code)), ...deadlinesStarted] };

	return {
		ok: true,
		next,
		deadlinesStarted,
		deadlinesEnded,
		publicStatus: publicStatusOf(to),
		event: {
			action,
			from: cs.state,
			to,
			actorId: ctx.actor.id,
			on: ctx.today,
			noteId,
			target:
				target ??
				(row.effect === 'approve_move_organ' || row.effect === 'approve_refer_out' ? (pending?.target ?? null) : null),
			outcome: outcome ?? (row.effect === 'approve_close' ? (pending?.outcome ?? null) : null)
		}
	};
}
