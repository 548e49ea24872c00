import { expect, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import { describeDb } from '$support/db';
import { disciplineOrgan, report, reportDeadline } from '$lib/server/db/schema';
import { rowsOf } from '$lib/server/org/sql';
import { replaceOrgData } from '$lib/server/org/store';
import type { OrgData } from '$lib/server/org/types';
import { WORKFLOW_STATES } from '$lib/server/workflow';
import { backofficeStats, unitCounts } from './stats';
import type { StatsQuery } from './stats-queries';
import { rollupPlan } from './stats-rollup';

/**
 * The statistics of the province-wide views come from the roll-ups kept by the triggers of migration 0006
 * (report_stats_month, report_stats_unit) plus the report table for months the period cuts. Here random
 * reports are written, changed (workflow fields, transfers, deadlines met, deletions) and the organ tree
 * changed, and every figure is compared with the same statistics counted straight from the report table.
 */

// A small deterministic generator (mulberry32), so a failure can be reproduced.
function rng(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
const SEED = Number(process.env.STATS_ROLLUP_SEED ?? 20261127);
const rand = rng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const day = (base: string, plus: number) => new Date(Date.parse(base) + plus * 86_400_000).toISOString().slice(0, 10);

const U = (id: string, parentId: string | null, level: OrgData['units'][number]['level'], path: string) => ({
	id,
	parentId,
	name: id,
	level,
	regionPath: path
});
const ORG: OrgData = {
	units: [
		U('cn', null, 'central', '中央'),
		U('p', 'cn', 'province', '甲省'),
		U('p-jw', 'p', 'province', '甲省/纪委'),
		U('p-d', 'p', 'province', '甲省/厅'),
		U('c1', 'p', 'city', '甲省/c1'),
		U('c1-jw', 'c1', 'city', '甲省/c1/纪委'),
		U('c1-d', 'c1', 'city', '甲省/c1/局'),
		U('k1', 'c1', 'county', '甲省/c1/k1'),
		U('k1-jw', 'k1', 'county', '甲省/c1/k1/纪委'),
		U('k1-t', 'k1', 'township', '甲省/c1/k1/镇'),
		U('c2', 'p', 'city', '甲省/c2'),
		U('c2-jw', 'c2', 'city', '甲省/c2/纪委'),
		U('k2', 'c2', 'county', '甲省/c2/k2'),
		U('k2-jw', 'k2', 'county', '甲省/c2/k2/纪委')
	],
	organs: [
		{
			id: 'o-cn',
			name: '中央',
			kind: 'commission',
			level: 'central',
			unitId: null,
			hostUnitId: null,
			parentOrganId: null
		},
		{
			id: 'o-p',
			name: '甲省纪委',
			kind: 'commission',
			level: 'province',
			unitId: 'p-jw',
			hostUnitId: null,
			parentOrganId: 'o-cn'
		},
		{
			id: 'o-pt',
			name: '甲省驻厅组',
			kind: 'stationed_team',
			level: 'province',
			unitId: null,
			hostUnitId: 'p-d',
			parentOrganId: 'o-p'
		},
		{
			id: 'o-c1',
			name: 'c1纪委',
			kind: 'commission',
			level: 'city',
			unitId: 'c1-jw',
			hostUnitId: null,
			parentOrganId: 'o-p'
		},
		{
			id: 'o-k1',
			name: 'k1纪委',
			kind: 'commission',
			level: 'county',
			unitId: 'k1-jw',
			hostUnitId: null,
			parentOrganId: 'o-c1'
		},
		{
			id: 'o-c2',
			name: 'c2纪委',
			kind: 'commission',
			level: 'city',
			unitId: 'c2-jw',
			hostUnitId: null,
			parentOrganId: 'o-p'
		},
		{
			id: 'o-k2',
			name: 'k2纪委',
			kind: 'commission',
			level: 'county',
			unitId: 'k2-jw',
			hostUnitId: null,
			parentOrganId: 'o-c2'
		}
	],
	jurisdiction: [],
	staff: [],
	conflicts: [],
	posts: []
};
const ORGANS = ['o-cn', 'o-p', 'o-pt', 'o-c1', 'o-k1', 'o-c2', 'o-k2', 'o-gone']; // o-gone: not in the directory
const UNITS = ORG.units.map((u) => u.id).concat(['u-gone']);
const CATEGORIES = ['integrity', 'work', 'mass', 'life', 'political'];
const POSITIONS = ['top_leader', 'team_member', 'other_staff'];
const KINDS = ['public_tip', 'member_tip', 'peer_report'];
const DISPOSITIONS = [null, 'talk_inquiry', 'preliminary_verification', 'close', 'to_investigation'];
const OUTCOMES = [null, 'closed', 'cleared', 'handled:form1'];
const TODAY = '2026-06-15';
const START = '2024-11-20'; // reports received from here, over ~20 months

let seq = 0;
function randomReport() {
	const receivedOn = day(START, Math.floor(rand() * 600));
	const concluded = rand() < 0.3;
	return {
		locator: `R${String(seq++).padStart(9, '0')}`,
		unitId: pick(UNITS),
		position: pick(POSITIONS),
		kind: pick(KINDS),
		category: pick(CATEGORIES),
		realName: rand() < 0.2,
		escalate: false,
		organId: pick(ORGANS),
		receivedOn,
		concludedOn: concluded ? day(receivedOn, Math.floor(rand() * 60)) : null,
		publicStatus: 'received',
		state: pick(WORKFLOW_STATES),
		disposition: pick(DISPOSITIONS),
		outcome: pick(OUTCOMES),
		nextDueOn: rand() < 0.7 ? day(receivedOn, Math.floor(rand() * 120)) : null,
		content: new Uint8Array(1),
		contentBytes: 1,
		kdfSpec: new Uint8Array(1),
		authHash: new Uint8Array(1),
		receiptWrapped: new Uint8Array(1)
	};
}

function periods(): [string, string][] {
	const out: [string, string][] = [
		['2024-01-01', '2026-12-31'], // everything, whole months
		['2025-01-01', '2025-12-31'],
		['2024-11-20', TODAY], // cut at both ends
		['2025-03-15', '2025-03-20'], // inside one month
		['2025-02-01', '2025-02-28'],
		['2025-05-31', '2025-07-01']
	];
	for (let i = 0; i < 6; i++) {
		const from = day(START, Math.floor(rand() * 600) - 30);
		out.push([from, day(from, Math.floor(rand() * 400))]);
	}
	return out;
}

describeDb('statistics roll-ups against direct counts', (get) => {
	const compare = async (label: string) => {
		const { db } = get();
		for (const organIds of [['o-cn'], ['o-p'], ['o-pt']]) {
			for (const [from, to] of periods()) {
				const q: StatsQuery = { organIds, from, to, today: TODAY, minCount: 2, topUnits: 5 };
				expect(await rollupPlan(db, q), `${label} ${organIds} plan`).not.toBeNull();
				const [viaRollup, direct] = [await backofficeStats(db, q), await backofficeStats(db, q, { source: 'report' })];
				expect(viaRollup, `${label} ${organIds} ${from}..${to}`).toEqual(direct);
				expect(await unitCounts(db, q), `${label} units ${organIds} ${from}..${to}`).toEqual(
					await unitCounts(db, q, { source: 'report' })
				);
			}
		}
		// Below the rolled-up levels the report table is counted directly.
		expect(
			await rollupPlan(get().db, {
				organIds: ['o-c1'],
				from: '2025-01-01',
				to: '2025-12-31',
				today: TODAY,
				minCount: 2
			})
		).toBeNull();
	};
	const ids = async () =>
		rowsOf<{ id: string }>(await get().db.execute(sql`select id from report order by locator`)).map((r) => r.id);

	it('random reports and deadlines, inserted in bulk and one by one', async () => {
		const { db } = get();
		await replaceOrgData(db, ORG, { demo: false });
		// Loading the directory marked the roll-up stale; rebuild it now so that what follows is counted by the triggers alone.
		await db.execute(sql`select report_stats_rebuild()`);
		const batch = Array.from({ length: 400 }, randomReport);
		await db.insert(report).values(batch);
		for (let i = 0; i < 20; i++) await db.insert(report).values(randomReport());
		const all = await ids();
		const deadlines = all.flatMap((id) =>
			rand() < 0.6
				? [
						{
							reportId: id,
							code: 'acceptance_notice',
							startedOn: '2025-01-01',
							dueOn: day('2025-01-01', Math.floor(rand() * 30)),
							metOn: rand() < 0.7 ? day('2025-01-01', Math.floor(rand() * 40)) : null
						},
						...(rand() < 0.3
							? [{ reportId: id, code: 'verification', startedOn: '2025-02-01', dueOn: '2025-03-01', metOn: null }]
							: [])
					]
				: []
		);
		await db.insert(reportDeadline).values(deadlines);
		await compare('after insert');
	});

	it('workflow changes, transfers, deadlines met and deleted, reports deleted', async () => {
		const { db } = get();
		const all = await ids();
		expect(rowsOf<{ stale: boolean }>(await db.execute(sql`select stale from report_stats_state`))[0]?.stale).toBe(
			false
		);
		for (const id of all.slice(0, 60)) {
			const r = rand();
			if (r < 0.4)
				await db
					.update(report)
					.set({
						state: pick(WORKFLOW_STATES),
						disposition: pick(DISPOSITIONS),
						outcome: pick(OUTCOMES),
						nextDueOn: rand() < 0.5 ? day(TODAY, Math.floor(rand() * 20) - 10) : null
					})
					.where(eq(report.id, id));
			else if (r < 0.6)
				await db
					.update(report)
					.set({ organId: pick(ORGANS) })
					.where(eq(report.id, id)); // a transfer: deadlines move too
			else if (r < 0.7)
				await db
					.update(report)
					.set({ concludedOn: rand() < 0.5 ? TODAY : null, state: 'concluded' })
					.where(eq(report.id, id));
			else if (r < 0.8)
				await db.update(report).set({ handlerId: null }).where(eq(report.id, id)); // nothing counted changes
			else if (r < 0.9) await db.update(reportDeadline).set({ metOn: TODAY }).where(eq(reportDeadline.reportId, id));
			else await db.delete(reportDeadline).where(eq(reportDeadline.reportId, id));
		}
		// One statement over many rows, a transaction with several statements, and deletions.
		await db
			.update(report)
			.set({ state: 'concluded' })
			.where(inArray(report.id, all.slice(60, 120)));
		await db.transaction(async (tx) => {
			await tx
				.update(report)
				.set({ organId: 'o-k2' })
				.where(inArray(report.id, all.slice(120, 140)));
			await tx
				.update(reportDeadline)
				.set({ metOn: '2025-06-01' })
				.where(inArray(reportDeadline.reportId, all.slice(120, 140)));
			await tx
				.update(report)
				.set({ organId: 'o-pt', state: 'accepted' })
				.where(inArray(report.id, all.slice(130, 135)));
		});
		await db.delete(report).where(inArray(report.id, all.slice(140, 160))); // their deadlines go by cascade
		await compare('after changes');
	});

	it('a change of the organ tree marks the month roll-up stale; it is rebuilt before use', async () => {
		const { db } = get();
		// o-k1 leaves the province and becomes a top organ of its own: its reports leave o-p's and o-cn's figures.
		await db
			.update(disciplineOrgan)
			.set({ parentOrganId: null, ancestorIds: [] })
			.where(eq(disciplineOrgan.id, 'o-k1'));
		expect(rowsOf<{ stale: boolean }>(await db.execute(sql`select stale from report_stats_state`))[0]?.stale).toBe(
			true
		);
		await compare('after the tree changed');
		expect(rowsOf<{ stale: boolean }>(await db.execute(sql`select stale from report_stats_state`))[0]?.stale).toBe(
			false
		);
		// A full reload of the directory, then more reports.
		await replaceOrgData(db, ORG, { demo: false });
		await db.execute(sql`select report_stats_rebuild()`);
		await db.insert(report).values(Array.from({ length: 50 }, randomReport));
		await compare('after the directory was reloaded');
		// The rebuilt roll-ups equal the ones the triggers kept.
		const snapshot = async () =>
			rowsOf<Record<string, unknown>>(
				await db.execute(sql`select 'm' as t, scope_id as a, month, dim as b, value as c, sum(n)::int as n from report_stats_month group by 2, 3, 4, 5 having sum(n) <> 0
					union all select 'u', organ_id, month, unit_id, due::text, sum(n)::int from report_stats_unit group by 2, 3, 4, 5 having sum(n) <> 0
					order by 1, 2, 3, 4, 5`)
			);
		const kept = await snapshot();
		await db.execute(sql`select report_stats_rebuild()`);
		expect(await snapshot()).toEqual(kept);
	});
});
