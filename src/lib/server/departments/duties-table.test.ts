/**
 * The duty table of issue 18 (src/lib/server/departments/rules.ts), pure: every department kind × duty role ×
 * action against the specification (tests/support/duty-spec.ts); the same through the server is in
 * ./duties.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ACTION_CODES, type ActionCode } from '$lib/shared/vocabulary/workflow';
import { CELLS, SPEC } from '$support/duty-spec';
import { dutyAllows } from './rules';

describe('the duty table (pure): every department × role × action', () => {
	it('covers every cell of the specification and nothing more', () => {
		expect(Object.keys(SPEC).sort()).toEqual(CELLS.map((c) => c.key).sort());
		let allowed = 0;
		for (const { key, duty } of CELLS)
			for (const action of ACTION_CODES) {
				const want = SPEC[key]!.includes(action);
				expect(dutyAllows([duty], action), `${key} ${action}`).toBe(want);
				if (want) allowed++;
			}
		expect(allowed).toBe(Object.values(SPEC).reduce((n, a) => n + a.length, 0));
	});

	it('every action has someone to take it; no one without a duty may take any', () => {
		for (const action of ACTION_CODES) {
			expect(
				CELLS.some((c) => dutyAllows([c.duty], action)),
				action
			).toBe(true);
			expect(dutyAllows([], action)).toBe(false);
		}
		expect(dutyAllows([{ departmentKind: 'letters', role: 'member' }], 'no_such' as ActionCode)).toBe(false);
	});

	it('refuses the shortcuts: no department alone files, approves, or both investigates and concludes', () => {
		for (const { key, duty } of CELLS) {
			if (duty.departmentKind !== null) {
				for (const a of ['file_case', 'approve', 'reject'] as ActionCode[])
					expect(dutyAllows([duty], a), key).toBe(false);
			}
			expect(dutyAllows([duty], 'send_to_review') && dutyAllows([duty], 'conclude'), key).toBe(false);
			expect(dutyAllows([duty], 'register') && dutyAllows([duty], 'start_verification'), key).toBe(false);
		}
	});
});
