/**
 * The lead register's summaries (migration 0026) against the direct queries (./stats-leads-direct.ts, the
 * oracle): random workloads of what the lead register does (create leads with persons and reports, merge,
 * split, close, reclassify, link and unlink reports, add and remove persons, delete) and of report updates
 * (category, unit, position), then every figure over several scopes, periods and viewers must be the same
 * both ways; lead_stats_rebuild() must give the summaries the triggers kept; and a time zone other than the
 * summaries' falls back to the direct queries.
 */
import { expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { describeDb } from '$support/db';
import type { Db } from '$lib/server/db';
import { organKey, report } from '$lib/server/db/schema';
import { rowsOf } from '$lib/server/org/sql';
import { replaceOrgData } from '$lib/server/org/store';
import { concentration, leadFigures, reclassified } from './stats-leads';
import { concentrationDirect, leadFiguresDirect, reclassifiedDirect } from './stats-leads-direct';
import type { StatsQuery } from './stats-queries';
import { ORG, REPORTS, q } from '$support/stats-fixtures';

const SLOTS = 6;
const L = (i: number) => `30000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const ORGANS = ['o-k', 'o-kt', 'o-c', 'o-k2', 'o-p'];
const NAMES = ['A', 'B', 'C', 'D', 'E'];
const CATEGORIES = ['integrity', 'political', 'work', 'life', 'mass'];
const OUTCOMES = ['handled:form1', 'handled:form3', 'cleared', 'closed'];
const UNITS = ['k-d1', 'k', 'k-t1', 'c-d1', 'k2'];
const POSITIONS = ['top_leader', 'team_member', 'other_staff'];
// Instants around the day boundaries of Asia/Shanghai (UTC+8) and of the periods below.
const TIMES = [
	'2025-12-31T15:30:00Z',
	'2025-12-31T16:30:00Z',
	'2026-02-10T02:00:00Z',
	'2026-02-28T16:10:00Z',
	'2026-06-30T15:59:00Z',
	'2026-06-30T16:00:00Z'
];
const blind = (name: string) => Buffer.from(`blind:${name}`.padEnd(32, '.')).toString('hex');

const slot = fc.integer({ min: 0, max: SLOTS - 1 });
const rep = fc.integer({ min: 0, max: REPORTS.length - 1 });
// Most leads in one county, so persons repeat and merges find a partner.
const create = fc.record({
	op: fc.constant('create' as const),
	a: slot,
	organ: fc.constantFrom('o-k', 'o-k', 'o-k', ...ORGANS),
	at: fc.constantFrom(...TIMES),
	category: fc.option(fc.constantFrom(...CATEGORIES)),
	persons: fc.subarray(NAMES),
	reports: fc.uniqueArray(rep, { maxLength: 3 })
});
const cmd = fc.oneof(
	create,
	fc.record({ op: fc.constant('merge' as const), a: slot, b: slot }),
	fc.record({ op: fc.constant('split' as const), a: slot, b: slot, at: fc.constantFrom(...TIMES) }),
	fc.record({ op: fc.constant('close' as const), a: slot, outcome: fc.option(fc.constantFrom(...OUTCOMES)) }),
	fc.record({ op: fc.constant('classify' as const), a: slot, category: fc.option(fc.constantFrom(...CATEGORIES)) }),
	fc.record({ op: fc.constant('received' as const), a: slot, at: fc.constantFrom(...TIMES) }),
	fc.record({ op: fc.constant('link' as const), a: slot, r: rep }),
	fc.record({ op: fc.constant('unlink' as const), a: slot, r: rep }),
	fc.record({ op: fc.constant('person' as const), a: slot, name: fc.constantFrom(...NAMES), add: fc.boolean() }),
	fc.record({ op: fc.constant('delete' as const), a: slot }),
	fc.record({
		op: fc.constant('report' as const),
		r: rep,
		category: fc.constantFrom(...CATEGORIES),
		unit: fc.constantFrom(...UNITS),
		position: fc.constantFrom(...POSITIONS)
	})
);
type Cmd = typeof cmd extends fc.Arbitrary<infer T> ? T : never;

let personSeq = 0;
async function apply(db: Db, reportIds: string[], c: Cmd): Promise<void> {
	const one = async (id: string) =>
		rowsOf<{ organ_id: string; state: string }>(
			await db.execute(sql`select organ_id, state from lead where id = ${id}::uuid`)
		)[0];
	const addPerson = (x: Pick<Db, 'execute'>, leadId: string, organ: string, name: string) =>
		x.execute(sql`insert into lead_person (id, lead_id, organ_id, key_version, sealed, blind_name, blind_name_unit)
			values (${`40000000-0000-4000-8000-${String(++personSeq).padStart(12, '0')}`}::uuid, ${leadId}::uuid, ${organ}, 1,
				'\\x00'::bytea, decode(${blind(name)}, 'hex'), decode(${blind(`${name}@unit`)}, 'hex'))`);
	const a = L(c.op === 'report' ? 0 : c.a);
	switch (c.op) {
		case 'create': {
			if (await one(a)) return;
			await db.transaction(async (tx) => {
				await tx.execute(sql`insert into lead (id, organ_id, source, key_version, details, received_on, category)
					values (${a}::uuid, ${c.organ}, 'online', 1, '\\x00'::bytea, ${c.at}::timestamptz, ${c.category})`);
				for (const p of c.persons) await addPerson(tx, a, c.organ, p);
				for (const r of c.reports)
					await tx.execute(
						sql`insert into lead_report (lead_id, report_id) values (${a}::uuid, ${reportIds[r]}::uuid)`
					);
			});
			return;
		}
		case 'merge': {
			// As src/lib/server/leads/register.ts mergeLead does: same organ, neither merged.
			const [x, y] = [await one(a), await one(L(c.b))];
			if (!x || !y || c.a === c.b || x.organ_id !== y.organ_id || x.state === 'merged' || y.state === 'merged') return;
			await db.transaction(async (tx) => {
				await tx.execute(sql`update lead set state = 'merged', merged_into = ${L(c.b)}::uuid where id = ${a}::uuid`);
				await tx.execute(sql`update lead set merged_into = ${L(c.b)}::uuid where merged_into = ${a}::uuid`);
				await tx.execute(sql`insert into lead_report (lead_id, report_id) select ${L(c.b)}::uuid, report_id
					from lead_report where lead_id = ${a}::uuid on conflict do nothing`);
			});
			return;
		}
		case 'split': {
			// A new lead in the same organ takes the first person and the first report of the lead.
			const x = await one(a);
			if (!x || x.state === 'merged' || (await one(L(c.b)))) return;
			await db.transaction(async (tx) => {
				await tx.execute(sql`insert into lead (id, organ_id, source, key_version, details, received_on)
					values (${L(c.b)}::uuid, ${x.organ_id}, 'online', 1, '\\x00'::bytea, ${c.at}::timestamptz)`);
				await tx.execute(sql`update lead_person set lead_id = ${L(c.b)}::uuid
					where id = (select min(id::text)::uuid from lead_person where lead_id = ${a}::uuid)`);
				await tx.execute(sql`update lead_report set lead_id = ${L(c.b)}::uuid where lead_id = ${a}::uuid
					and report_id = (select min(report_id::text)::uuid from lead_report where lead_id = ${a}::uuid)`);
			});
			return;
		}
		case 'close':
			await db.execute(sql`update lead set state = case when ${c.outcome}::text is null then 'registered' else 'concluded' end,
				outcome = ${c.outcome} where id = ${a}::uuid and state <> 'merged'`);
			return;
		case 'classify':
			await db.execute(sql`update lead set category = ${c.category} where id = ${a}::uuid`);
			return;
		case 'received':
			await db.execute(sql`update lead set received_on = ${c.at}::timestamptz where id = ${a}::uuid`);
			return;
		case 'link':
			if (await one(a))
				await db.execute(sql`insert into lead_report (lead_id, report_id) values (${a}::uuid, ${reportIds[c.r]}::uuid)
					on conflict do nothing`);
			return;
		case 'unlink':
			await db.execute(sql`delete from lead_report where lead_id = ${a}::uuid and report_id = ${reportIds[c.r]}::uuid`);
			return;
		case 'person': {
			const x = await one(a);
			if (!x) return;
			if (c.add) await addPerson(db, a, x.organ_id, c.name);
			else
				await db.execute(
					sql`delete from lead_person where lead_id = ${a}::uuid and blind_name = decode(${blind(c.name)}, 'hex')`
				);
			return;
		}
		case 'delete':
			await db.execute(sql`delete from lead where id = ${a}::uuid`);
			return;
		case 'report':
			await db.execute(sql`update report set category = ${c.category}, unit_id = ${c.unit}, position = ${c.position}
				where id = ${reportIds[c.r]}::uuid`);
			return;
	}
}

const norm = (moves: { from: string; to: string; n: number }[]) => {
	const m = new Map<string, number>();
	for (const x of moves) m.set(`${x.from}>${x.to}`, (m.get(`${x.from}>${x.to}`) ?? 0) + x.n);
	return [...m].filter(([, n]) => n !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
};

const QUERIES: StatsQuery[] = [
	q(['o-k']),
	q(['o-c']),
	q(['o-p']),
	q(['o-k', 'o-k2']),
	{ ...q(['o-p']), from: '2026-03-01', to: '2026-12-31', entitledOrgans: ['o-k', 'o-c'], minCount: 2 },
	{ ...q(['o-c']), from: '2026-01-01', to: '2026-01-01', entitledOrgans: ['o-k'], minCount: 1 },
	{ ...q(['o-kt']), from: '2025-01-01', to: '2026-12-31' }
];

/** What the workloads reached (so the comparisons are not all of empty figures). */
const seen = { leads: 0, repeated: 0, moves: 0, units: 0, withheld: 0, unplaced: 0, multi: 0 };

async function compare(db: Db, qs: readonly StatsQuery[]): Promise<void> {
	for (const query of qs) {
		const f = await leadFigures(db, query);
		expect(f).toEqual(await leadFiguresDirect(db, query));
		const moves = norm(await reclassified(db, query));
		expect(moves).toEqual(norm(await reclassifiedDirect(db, query)));
		for (const sort of ['top', 'rate'] as const) {
			const c = await concentration(db, query, sort);
			expect(c).toEqual(await concentrationDirect(db, query, sort));
			seen.units += c.units;
			seen.withheld += c.withheld;
			seen.unplaced += c.unplaced;
		}
		seen.leads += f.leads;
		seen.repeated += f.repeated;
		seen.moves += moves.length;
	}
	seen.multi += rowsOf<{ n: number }>(
		await db.execute(sql`select count(*)::int as n from lead_stats_report_memo where multi`)
	)[0]!.n;
}

const SUMMARIES = ['lead_stats_root', 'lead_stats_person', 'lead_stats_unit', 'lead_stats_reclass'];
async function summaries(db: Db): Promise<string[]> {
	const out: string[] = [];
	for (const t of SUMMARIES)
		for (const r of rowsOf<Record<string, unknown>>(
			await db.execute(sql.raw(`select * from ${t} where n <> 0 order by 1, 2, 3, 4, 5`))
		))
			out.push(`${t} ${JSON.stringify(r)}`);
	return out;
}

describeDb('lead register statistics: summaries against the direct queries', (get) => {
	let reportIds: string[] = [];

	it('loads the directory and the reports', async () => {
		const { db } = get();
		await replaceOrgData(db, ORG, { demo: false });
		await db.insert(organKey).values(ORGANS.map((organId) => ({ organId, version: 1 })));
		reportIds = (await db.insert(report).values(REPORTS).returning({ id: report.id })).map((r) => r.id);
		expect(reportIds).toHaveLength(REPORTS.length);
	});

	it('gives the same figures as the direct queries over random workloads, and the rebuild the same summaries', async () => {
		const { db } = get();
		let checked = 0;
		await fc.assert(
			fc.asyncProperty(
				fc.array(create, { minLength: 2, maxLength: 6 }),
				fc.array(cmd, { minLength: 1, maxLength: 12 }),
				fc.nat(QUERIES.length - 1),
				async (creates, cmds, k) => {
					await db.execute(sql`delete from lead`);
					for (const c of [...creates, ...cmds]) await apply(db, reportIds, c);
					// Every query at the end of the workload, one after each half of it.
					await compare(db, QUERIES);
					const kept = await summaries(db);
					await db.transaction(async (tx) => void (await tx.execute(sql`select lead_stats_rebuild()`)));
					expect(await summaries(db)).toEqual(kept);
					await apply(db, reportIds, cmds[0]!);
					await compare(db, [QUERIES[k]!]);
					checked++;
				}
			),
			{ numRuns: 25, seed: 20261204 }
		);
		expect(checked).toBe(25);
		for (const [what, n] of Object.entries(seen)) expect(n, what).toBeGreaterThan(0);
		// Emptied register: nothing left in the summaries.
		await db.execute(sql`delete from lead`);
		expect(await summaries(db)).toEqual([]);
	}, 600_000);

	it('counts directly in a time zone other than the summaries’ one', async () => {
		const { db } = get();
		await apply(db, reportIds, {
			op: 'create',
			a: 0,
			organ: 'o-k',
			at: '2025-12-31T16:30:00Z',
			category: 'political',
			persons: ['A'],
			reports: [0]
		});
		// 2025-12-31 16:30 UTC: 2026-01-01 in Beijing, still 2025-12-31 in UTC.
		expect((await leadFigures(db, q(['o-k']))).leads).toBe(1);
		expect((await leadFigures(db, { ...q(['o-k']), timezone: 'UTC' })).leads).toBe(0);
		expect(await reclassified(db, { ...q(['o-k']), timezone: 'UTC' })).toEqual(
			await reclassifiedDirect(db, { ...q(['o-k']), timezone: 'UTC' })
		);
	});
});
