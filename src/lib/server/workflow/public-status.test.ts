/**
 * One mapping from the staff's workflow states to what the reporter reads on /follow-up (issue 19, item 5),
 * one table row per staff state: a report returned for lack of substance, kept as a duplicate or referred
 * elsewhere no longer reads "concluded" or "transferred"; a move down reads as handed down, a move up as sent
 * up. The migration that re-labels stored reports follows the same table.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { statusLabels } from '$lib/i18n/follow-up';
import { PUBLIC_STATUSES, publicRank, type PublicStatus } from '$lib/shared/vocabulary/report';
import { WORKFLOW_STATES, type WorkflowState } from '$lib/shared/vocabulary/workflow';
import { publicStatusOf } from './index';
import { PUBLIC_STATUS_LABELS } from './vocabulary';

const EXPECTED: Record<WorkflowState, PublicStatus> = {
	received: 'received',
	registered: 'received',
	up_requested: 'received',
	down_requested: 'received',
	out_requested: 'received',
	reported_up: 'transferred',
	transferred_down: 'handed_down',
	transferred_out: 'not_accepted',
	duplicate: 'duplicate',
	no_substance: 'returned',
	accepted: 'accepted',
	dispatched: 'handling',
	inquiry: 'handling',
	inquiry_replied: 'handling',
	verification: 'handling',
	verification_reported: 'handling',
	hold_pending: 'handling',
	close_requested: 'handling',
	investigation: 'handling',
	review: 'handling',
	concluded: 'concluded',
	objection_pending: 'objection'
};

describe('what the reporter reads for each staff state', () => {
	it.each(WORKFLOW_STATES.map((s) => [s, EXPECTED[s]] as const))('%s → %s', (state, status) => {
		expect(publicStatusOf(state)).toBe(status);
	});

	it('uses every public status, and names each in both languages for the reporter and the staff', () => {
		// handed_down_followed is no workflow state's: the follow-up page shows it for a report whose lead was
		// handed down (issue 17, src/lib/server/leads/handdown-read.ts followedStatus).
		expect(new Set([...Object.values(EXPECTED), 'handed_down_followed'])).toEqual(new Set(PUBLIC_STATUSES));
		for (const s of PUBLIC_STATUSES) {
			for (const locale of ['zh-CN', 'en'] as const) {
				expect(statusLabels[s].label({}, { locale }).length, `${s} ${locale}`).toBeGreaterThan(1);
				expect(statusLabels[s].hint({}, { locale }).length, `${s} ${locale}`).toBeGreaterThan(10);
			}
			expect(PUBLIC_STATUS_LABELS[s].zh).toBeTruthy();
			expect(PUBLIC_STATUS_LABELS[s].en).toBeTruthy();
		}
		// No two statuses read the same to the reporter.
		const zh = PUBLIC_STATUSES.map((s) => statusLabels[s].label({}, { locale: 'zh-CN' }));
		expect(new Set(zh).size).toBe(zh.length);
	});

	it('ranks the endings with "concluded" and keeps the moves outside the order', () => {
		expect(PUBLIC_STATUSES.map((s) => [s, publicRank(s)])).toEqual([
			['received', 0],
			['accepted', 1],
			['handling', 2],
			['concluded', 3],
			['transferred', null],
			['handed_down', null],
			['handed_down_followed', null],
			['not_accepted', 3],
			['duplicate', 3],
			['returned', 3],
			['objection', 3]
		]);
	});

	it('re-labels stored reports in the migration exactly as the table does', () => {
		const sql = readFileSync(new URL('../../../../drizzle/0011_public_status_honest.sql', import.meta.url), 'utf8');
		const pairs = [...sql.matchAll(/WHEN '([a-z_]+)' THEN '([a-z_]+)'/g)].map((m) => [m[1], m[2]]);
		expect(pairs.length).toBeGreaterThan(0);
		for (const [state, status] of pairs) expect(EXPECTED[state as WorkflowState], state).toBe(status);
		const relabelled = new Set(pairs.map(([s]) => s));
		// Every state whose public status changed in issue 19 is in the migration.
		for (const s of ['transferred_down', 'transferred_out', 'duplicate', 'no_substance', 'objection_pending'])
			expect(relabelled.has(s), s).toBe(true);
	});
});
