/**
 * The workflow's declaration against the hand-written expectation, docs/workflow.md in step with it, and the full matrix of every state × action × role.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StaffRole } from '../org/types';
import {
	ACTION_CODES,
	ACTION_LABELS,
	allowedTransitions,
	applyTransition,
	DEADLINE_INFO,
	EDGES,
	PUBLIC_STATUS_LABELS,
	REASON_LABELS,
	STATE_INFO,
	TRANSITIONS,
	WORKFLOW_STATES,
	type ActionCode
} from './index';
import {
	EXPECTED_EDGES,
	HEAD_ONLY,
	rolesExpected,
	EXPECTED_STARTS,
	EXPECTED_ENDS,
	pick,
	DUE,
	REQUESTER,
	caseIn,
	fullCtx
} from '$support/workflow-fixtures';

describe('the declaration', () => {
	it('declares exactly the hand-written edges', () => {
		const declared = EDGES.map((e) => `${e.from} ${e.action} ${e.row.to === 'same' ? e.from : e.row.to}`).sort();
		expect(declared).toEqual([...EXPECTED_EDGES].sort());
		expect(EDGES.length).toBe(61);
		expect(WORKFLOW_STATES.length).toBe(22);
	});

	it('has a real path to every state, and every state but the three closed ones can move on', () => {
		for (const s of WORKFLOW_STATES) expect(caseIn(s).state).toBe(s);
		const withExit = new Set(EDGES.filter((e) => e.row.to !== 'same').map((e) => e.from));
		expect(WORKFLOW_STATES.filter((s) => !withExit.has(s)).sort()).toEqual([
			'duplicate',
			'no_substance',
			'transferred_out'
		]);
	});

	it('labels every state, action, deadline, reason and public status in Chinese and English', () => {
		const tables = [STATE_INFO, ACTION_LABELS, DEADLINE_INFO, REASON_LABELS, PUBLIC_STATUS_LABELS] as const;
		for (const t of tables) {
			for (const [code, label] of Object.entries(t) as [string, { zh: string; en: string }][]) {
				expect(label.zh, code).toMatch(/[\u4e00-\u9fff]/);
				expect(label.en, code).toMatch(/^[A-Z]/);
			}
		}
		expect(Object.keys(ACTION_LABELS).length).toBe(ACTION_CODES.length);
	});
});

describe('docs/workflow.md', () => {
	it('prints every row of the declaration, with its target state and roles', () => {
		const doc = readFileSync(new URL('../../../../docs/workflow.md', import.meta.url), 'utf8');
		const lines = doc.split('\n').filter((l) => /^\| `[a-z_]+`(, `[a-z_]+`)* \| `[a-z_]+` /.test(l));
		expect(lines.length).toBe(TRANSITIONS.length);
		for (const row of TRANSITIONS) {
			const head = `| ${row.from.map((s) => `\`${s}\``).join(', ')} | \`${row.action}\` `;
			const line = lines.find((l) => l.startsWith(head));
			expect(line, head).toBeDefined();
			const to =
				row.to === 'same' ? '(same)' : row.to === 'return' ? '(back to where the request was made)' : `\`${row.to}\``;
			expect(line?.split(' | ')[2], head).toBe(to);
			expect(line?.split(' | ')[3], head).toBe(row.roles.join(', '));
		}
	});
});

describe('the full matrix: every state × action × role', () => {
	const roles: StaffRole[] = ['inspector', 'head', 'admin'];
	const expected = new Map(
		EXPECTED_EDGES.map((line) => {
			const [from, action, to] = line.split(' ');
			return [`${from} ${action}`, to as string];
		})
	);

	for (const state of WORKFLOW_STATES) {
		it(`from ${state}`, () => {
			const base = caseIn(state);
			let allowedCount = 0;
			for (const action of ACTION_CODES) {
				for (const role of roles) {
					const r = applyTransition(base, action, fullCtx(action, role));
					const want = expected.get(`${state} ${action}`);
					const label = `${state} ${action} ${role}`;
					if (!rolesExpected(action).includes(role)) {
						expect(r, label).toEqual({ ok: false, reason: 'forbidden_role' });
					} else if (want === undefined) {
						expect(r, label).toEqual({ ok: false, reason: 'not_from_this_state' });
					} else {
						allowedCount++;
						expect(r.ok, `${label}: ${r.ok ? '' : r.reason}`).toBe(true);
						if (!r.ok) continue;
						const to = want === 'return' ? base.pending?.returnTo : want;
						expect(r.next.state, label).toBe(to);
						expect(r.publicStatus, label).toBe(STATE_INFO[r.next.state].public);
						// deadlines started, with their due dates
						const starts = pick(EXPECTED_STARTS, state, action, []).filter(
							(c) => !DEADLINE_INFO[c].realNameOnly || base.realName
						);
						expect(r.deadlinesStarted.map((d) => d.code).sort(), label).toEqual([...starts].sort());
						for (const d of r.deadlinesStarted) expect(d.due, `${label} ${d.code}`).toBe(DUE[d.code]);
						// deadlines ended: the listed ones that were running, plus any restarted
						const ends = pick(EXPECTED_ENDS, state, action, []);
						const running = base.deadlines.map((d) => d.code);
						const endedWant = running.filter((c) => ends.includes(c) || starts.includes(c));
						expect(r.deadlinesEnded.map((d) => d.code).sort(), label).toEqual([...endedWant].sort());
						expect(r.next.deadlines.map((d) => d.code).sort(), label).toEqual(
							[...running.filter((c) => !endedWant.includes(c)), ...starts].sort()
						);
					}
				}
			}
			// each allowed edge succeeded for every role that may take it (heads: all; inspectors: all but head-only)
			const here = EXPECTED_EDGES.filter((l) => l.startsWith(`${state} `)).map((l) => l.split(' ')[1] as ActionCode);
			expect(allowedCount).toBe(here.length + here.filter((a) => !HEAD_ONLY.includes(a)).length);
		});
	}

	it('allowedTransitions lists exactly the allowed actions for each state and role', () => {
		for (const state of WORKFLOW_STATES) {
			for (const role of roles) {
				const want = EXPECTED_EDGES.filter((l) => l.startsWith(`${state} `))
					.map((l) => l.split(' ')[1] as ActionCode)
					.filter((a) => rolesExpected(a).includes(role))
					.sort();
				const got = allowedTransitions(state, { actor: { id: 'x', role } })
					.map((t) => t.action)
					.sort();
				expect(got, `${state} ${role}`).toEqual(want);
			}
		}
	});

	it('allowedTransitions on a case applies its conditions and resolves returns', () => {
		const cr = caseIn('close_requested');
		const asRequester = allowedTransitions(cr, { actor: { id: REQUESTER, role: 'head' } }).map((t) => t.action);
		expect(asRequester.sort()).toEqual(['notify_acceptance', 'withdraw']);
		const other = allowedTransitions(cr, { actor: { id: 'head-2', role: 'head' } });
		expect(other.map((t) => t.action).sort()).toEqual(['approve', 'notify_acceptance', 'reject']);
		expect(other.find((t) => t.action === 'reject')?.to).toBe('dispatched');
		const anon = allowedTransitions(caseIn('accepted', false), { actor: { id: 'i', role: 'inspector' } }).map(
			(t) => t.action
		);
		expect(anon).toEqual(['dispatch']);
		const reg = allowedTransitions('registered', { actor: { id: 'i', role: 'inspector' } });
		expect(reg.find((t) => t.action === 'request_report_up')).toMatchObject({
			inputs: ['note', 'target'],
			needsApproval: true
		});
		expect(allowedTransitions('dispatched', { actor: { id: 'a', role: 'admin' } })).toEqual([]);
	});
});
