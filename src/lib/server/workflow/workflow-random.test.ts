/**
 * Random walks through the workflow (fast-check): the invariants hold whatever the order of actions.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { StaffRole } from '../org/types';
import {
	ACTION_CODES,
	allowedTransitions,
	applyTransition,
	DEADLINE_CODES,
	DEADLINE_INFO,
	EDGES,
	newCase,
	publicRank,
	STATE_INFO,
	WORKFLOW_STATES,
	type Outcome,
	type TransitionContext,
	type WorkflowState
} from './index';
import { RECEIVED, REQUESTER, caseIn } from '$support/workflow-fixtures';

describe('random walks (fast-check)', () => {
	const badOutcomes: unknown[] = [undefined, { kind: 'bogus' }, { kind: 'handled', form: 'form2' }, { kind: 'closed' }];
	const goodOutcomes: Readonly<Record<string, readonly Outcome[]>> = {
		close: [{ kind: 'closed' }, { kind: 'cleared' }],
		first_form: [
			{ kind: 'handled', form: 'form1' },
			{ kind: 'handled', form: 'form1', measure: 'criticism' }
		],
		final: [
			{ kind: 'cleared', falseAccusationReferral: true },
			{ kind: 'handled', form: 'form3', party: 'probation' },
			{ kind: 'handled', form: 'form4', procuratorate: true }
		]
	};
	const step = fc.record({
		/** 0–6: an allowed action with fitting inputs; 7: an allowed action with random inputs; 8–9: anything */
		mode: fc.integer({ min: 0, max: 9 }),
		index: fc.nat(),
		action: fc.constantFrom(...ACTION_CODES),
		role: fc.constantFrom<StaffRole>('inspector', 'head', 'head', 'head', 'admin'),
		actor: fc.constantFrom('a', 'b', 'c', REQUESTER),
		note: fc.constantFrom<string | null>(null, 'note'),
		target: fc.constantFrom<string | null>(null, 'organ-A', 'organ-B', 'organ-C'),
		outcome: fc.constantFrom(...badOutcomes),
		days: fc.integer({ min: 0, max: 9 })
	});
	const REQUEST_STATES = new Set<WorkflowState>(['up_requested', 'down_requested', 'out_requested', 'close_requested']);
	const addDays = (d: string, n: number) =>
		new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
	const visited = new Set<WorkflowState>();
	const taken = new Set<string>();

	it('never reach an undeclared state; the public status never goes back (transferred aside); the case stays consistent', () => {
		fc.assert(
			fc.property(
				fc.boolean(),
				fc.constantFrom(...WORKFLOW_STATES),
				fc.array(step, { maxLength: 40 }),
				(realName, start, steps) => {
					// start from a new case or from any state reached by its real path
					let cs =
						start === 'received'
							? newCase({ organId: 'organ-A', realName, receivedOn: RECEIVED })
							: caseIn(start, realName);
					let today = RECEIVED;
					let lastRank = publicRank(STATE_INFO[cs.state].public) ?? 0;
					for (const s of steps) {
						today = addDays(today, s.days);
						const actor = { id: s.actor, role: s.role };
						const allowed = allowedTransitions(cs, { actor });
						const chosen = s.mode <= 7 && allowed.length > 0 ? allowed[s.index % allowed.length] : undefined;
						const action = chosen ? chosen.action : s.action;
						const ctx: TransitionContext =
							chosen && s.mode <= 6
								? {
										actor,
										today,
										noteId: 'note',
										target: cs.organId === 'organ-B' ? 'organ-C' : 'organ-B',
										outcome: chosen.outcome ? goodOutcomes[chosen.outcome]?.[s.index % 2] : undefined
									}
								: { actor, today, noteId: s.note, target: s.target, outcome: s.outcome };
						const r = applyTransition(cs, action, ctx);
						// allowedTransitions never offers what applyTransition refuses, except for bad inputs
						if (chosen && !r.ok) {
							expect(s.mode).toBe(7);
							expect(['needs_note', 'needs_target', 'bad_target', 'needs_outcome', 'bad_outcome']).toContain(r.reason);
						}
						if (!r.ok) continue;
						taken.add(`${cs.state} ${action}`);
						cs = r.next;
						visited.add(cs.state);
						expect(WORKFLOW_STATES).toContain(cs.state);
						expect(r.publicStatus).toBe(STATE_INFO[cs.state].public);
						const rank = publicRank(r.publicStatus);
						if (rank !== null) {
							expect(rank).toBeGreaterThanOrEqual(lastRank);
							lastRank = rank;
						}
						expect(cs.pending !== null).toBe(REQUEST_STATES.has(cs.state));
						if (cs.state === 'concluded' || cs.state === 'objection_pending') expect(cs.outcome).not.toBeNull();
						const codes = cs.deadlines.map((d) => d.code);
						expect(new Set(codes).size).toBe(codes.length);
						for (const d of cs.deadlines) {
							expect(DEADLINE_CODES).toContain(d.code);
							expect(d.due > d.startedOn || DEADLINE_INFO[d.code].base === 'organ_received').toBe(true);
						}
						if (!realName) expect(codes.filter((c) => DEADLINE_INFO[c].realNameOnly)).toEqual([]);
						if (['concluded', 'objection_pending', 'duplicate', 'no_substance', 'transferred_out'].includes(cs.state)) {
							expect(
								codes.filter(
									(c) =>
										c === 'inquiry_reply' || c === 'verification' || c === 'forward_up' || c === 'intake_after_transfer'
								)
							).toEqual([]);
						}
					}
				}
			),
			{ numRuns: 1500 }
		);
		// the walks went everywhere: every state (but the initial one) was entered and nearly every edge taken
		// (all 61 in practice; the margin keeps a rare unlucky run from failing, the matrix covers each edge anyway)
		expect([...visited].sort()).toEqual(WORKFLOW_STATES.filter((s) => s !== 'received').sort());
		expect(EDGES.filter((e) => taken.has(`${e.from} ${e.action}`)).length).toBeGreaterThanOrEqual(EDGES.length - 6);
	});
});
