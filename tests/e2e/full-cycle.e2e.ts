/**
 * The full cycle by the rules (issue 18, "Done when"), in Chromium against the built server, on PGlite and
 * (E2E_DB=postgres) PostgreSQL. 银清县纪委监委 (o-sf-c01-k02) works by its division of duties: seven people,
 * each with their own sign-in, department and role (written into the stopped server's database as the
 * admin would set them at /staff/admin/departments; departments.e2e.ts drives that page). A reporter sends
 * an anonymous report about the 一把手 of 银清县教育局, a cadre of the county committee (县管干部), so the
 * county organ handles it and filing the case is reported to the county committee's main leader.
 *
 *  1. 信访室 registers and accepts; dispatching is not theirs (shown disabled, refused by the server).
 *  2. 案管室 dispatches to the supervision office.
 *  3. 监督检查室 records the collective study (集体排查) proposing to file a case; filing is not theirs, and
 *     approving their own proposal is refused.
 *  4. The main leader tries to file before the organ leader approved the study: refused.
 *  5. The organ leader (分管领导), told by a notice that a proposal awaits approval, approves the study.
 *  6. The main leader files the case (立案): without the report to the county committee refused, with it
 *     done (date and to whom recorded on the timeline).
 *  7. 审查调查室 sends it to review; the investigator, who also holds a review duty, may not review it
 *     (查审分离: shown disabled, refused by the server).
 *  8. 审理室 (another person) concludes: the second form with expulsion refused (form and sanction disagree);
 *     the second form with a warning, 诫勉 as accountability, and the committee's decision with its date and
 *     document number, done; the timeline shows the decision and the committee report (in English too).
 *  9. The reporter's follow-up with the receipt reads 已办结.
 * Axe runs on the case page with the committee report and the outcome picker open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitAsReporter } from './reporter-node';
import { ORGAN, UNIT, fullCycleSteps, startCycleWorld, stopCycleWorld, type CycleWorld } from './full-cycle-steps';

/** Filled by beforeAll and the first test; the shared steps (full-cycle-steps.ts) work on it. */
const world = { receipt: { locator: '', secret: '' } } as CycleWorld;

/* ------------------------------------------------------------------ setup */

beforeAll(async () => {
	await startCycleWorld(world);
}, 600_000);

afterAll(() => stopCycleWorld(world));

/* ------------------------------------------------------------------ the cycle */

describe('the full cycle by the rules, each step by the right department and role', () => {
	it('a reporter sends an anonymous report about a county-managed 一把手; it reaches the county organ', async () => {
		const sent = await submitAsReporter(world.server.url, {
			unit: UNIT.unitId,
			position: 'top_leader',
			person: '某局长',
			description: '在校舍维修工程中指定施工单位并收受好处费。',
			files: []
		});
		expect(sent.organ.id).toBe(ORGAN);
		world.receipt = { locator: sent.locator, secret: sent.secret };
	}, 300_000);

	fullCycleSteps(world);
});
