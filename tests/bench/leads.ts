/**
 * `npm run bench:leads`: the lead register at scale (issue 17, Benchmark). On PostgreSQL only: creates a
 * fresh database qf_bench_<random> next to BENCH_DATABASE_URL (default TEST_DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/test) with 40 organs, BENCH_REPORTS reports (default 1,000,000, clear
 * fields only, small random bytes as ciphertext) and BENCH_LEADS leads (default 300,000) spread over the
 * organs (a quarter in the busiest one), each with one or two persons whose blind values come from a pool
 * of names (so a name has several leads) and one or two linked reports; runs ANALYZE, then measures the
 * server time of the real handlers (audit entry included):
 *  - the blind-index look-up (src/lib/server/leads/read.ts `lookupLeads`) of a name with leads, and of one
 *    without;
 *  - the integrity opinion (`integrityOpinion`), and the register's first page (`listLeads`);
 * median and p95 over BENCH_RUNS runs (default 30). Target: p95 < 50 ms. The database is dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { eq } from 'drizzle-orm';
import { openDatabase } from '../../src/lib/server/db/index';
import { staffUser } from '../../src/lib/server/db/schema';
import type { StaffCtx } from '../../src/lib/server/backoffice/context';
import { listLeads, lookupLeads } from '../../src/lib/server/leads/read';
import { integrityOpinion } from '../../src/lib/server/leads/opinion';

const REPORTS = Number(process.env.BENCH_REPORTS ?? 1_000_000);
const LEADS = Number(process.env.BENCH_LEADS ?? 300_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const ORGANS = 40;
const NAMES = Math.max(10, Math.floor(LEADS / 3));
const TARGET = 50;

const blind = (i: number, label: string) => `decode(md5('${label}' || ${i}) || md5('${label}x' || ${i}), 'hex')`;
const f = (n: number) => n.toFixed(1).padStart(7);
function percentiles(ms: number[]) {
	const s = [...ms].sort((a, b) => a - b);
	const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
	return { median: at(0.5), p95: at(0.95) };
}

async function main(): Promise<void> {
	const baseUrl =
		process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
	const name = `qf_bench_${randomBytes(5).toString('hex')}`;
	const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name}`);
	const url = new URL(baseUrl);
	url.pathname = `/${name}`;
	const database = await openDatabase({ databaseUrl: url.toString(), dataDir: '', poolMax: 4 });
	const client = postgres(url.toString(), { max: 1, onnotice: () => {} });
	try {
		let t0 = performance.now();
		const secs = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
		await client.unsafe(`insert into discipline_organ (id, name, kind, level)
			select 'o' || g, '机关' || g, 'commission', 'county' from generate_series(1, ${ORGANS}) g`);
		const [u] = await database.db
			.insert(staffUser)
			.values({
				username: 'bench',
				displayName: 'bench',
				authSalt: new Uint8Array(16),
				authParams: { m: 64, t: 1, p: 1 },
				authHash: '!'
			})
			.returning();
		await client.unsafe(`insert into organ_staff (staff_id, organ_id, role) values ('${u!.id}', 'o1', 'inspector')`);
		await client.unsafe(
			`insert into organ_key (organ_id, version) select 'o' || g, 1 from generate_series(1, ${ORGANS}) g`
		);
		await client.unsafe(`insert into organ_key_wrap (organ_id, version, staff_id, entry_id, sealed)
			values ('o1', 1, '${u!.id}', '\\x00'::bytea, '\\x00'::bytea)`);
		for (let start = 1; start <= REPORTS; start += 200_000) {
			const end = Math.min(REPORTS, start + 199_999);
			await client.unsafe(`insert into report (locator, unit_id, position, category, real_name, escalate, organ_id,
				received_on, content, content_bytes, kdf_spec, auth_hash, receipt_wrapped)
				select 'L' || lpad(g::text, 9, '0'), 'u' || (1 + g % ${ORGANS}), 'top_leader', 'integrity', false, false,
					'o' || (1 + g % ${ORGANS}), date '2026-01-01' + (g % 330), decode(md5(g::text), 'hex'), 16, '\\x01'::bytea,
					decode(md5(g::text || 'a'), 'hex'), '\\x02'::bytea
				from generate_series(${start}, ${end}) g`);
		}
		console.log(`Reports: ${REPORTS.toLocaleString('en')} (${secs()})`);
		t0 = performance.now();
		// Leads: a quarter in o1, the rest over the other organs; ids are md5-made uuids.
		await client.unsafe(`insert into lead (id, organ_id, source, state, outcome, key_version, details, received_on, created_at, updated_at)
			select md5('lead' || g)::uuid, case when g % 4 = 0 then 'o1' else 'o' || (2 + g % ${ORGANS - 1}) end,
				(array['online','letter_visit','phone_12388','inspection_tour','audit'])[1 + g % 5],
				(array['registered','talk_inquiry','preliminary_verification','hold_pending','closed','concluded'])[1 + g % 6],
				case when g % 6 = 5 then (array['closed','cleared','handled:form1','handled:form2'])[1 + g % 4] end,
				1, decode(md5('d' || g), 'hex'), timestamptz '2026-01-01' + g * interval '1 minute',
				timestamptz '2026-01-01' + g * interval '1 minute', now()
			from generate_series(1, ${LEADS}) g`);
		await client.unsafe(`insert into lead_person (id, lead_id, organ_id, key_version, sealed, blind_name, blind_name_unit)
			select md5('p' || g || k)::uuid, l.id, l.organ_id, 1, decode(md5('s' || g), 'hex'),
				${blind(0, 'n').replace("'n' || 0", `'n' || ((g * 7 + k) % ${NAMES})`)},
				${blind(0, 'nu').replace("'nu' || 0", `'nu' || ((g * 7 + k) % ${NAMES})`)}
			from generate_series(1, ${LEADS}) g join lead l on l.id = md5('lead' || g)::uuid
			cross join generate_series(1, case when g % 3 = 0 then 2 else 1 end) k`);
		await client.unsafe(`insert into lead_report (lead_id, report_id)
			select md5('lead' || g)::uuid, r.id from generate_series(1, ${LEADS}) g
			join report r on r.locator = 'L' || lpad(((g * 3) % ${REPORTS} + 1)::text, 9, '0')`);
		await client.unsafe('analyze');
		const [{ n: persons }] = (await client.unsafe(`select count(*)::int as n from lead_person`)) as unknown as [
			{ n: number }
		];
		console.log(`Leads: ${LEADS.toLocaleString('en')}, persons ${persons.toLocaleString('en')} (${secs()})`);

		// A name with leads in o1 (the busiest organ), and a name without.
		const [hit] =
			(await client.unsafe(`select encode(blind_name, 'base64') as b, encode(blind_name_unit, 'base64') as bu, count(*) over (partition by blind_name) as n
			from lead_person where organ_id = 'o1' order by 3 desc limit 1`)) as unknown as [{ b: string; bu: string; n: string }];
		const miss = Buffer.alloc(32, 7).toString('base64');
		const [user] = await database.db.select().from(staffUser).where(eq(staffUser.id, u!.id));
		const ctx = (): StaffCtx => ({ db: database.db, user: user!, now: new Date() });
		const cases: [string, () => Promise<{ ok: boolean }>][] = [
			[
				`look-up, a name with ${hit!.n} leads`,
				() => lookupLeads(ctx(), { organId: 'o1', blindName: hit!.b, blindNameUnit: hit!.bu })
			],
			['look-up, a name without leads', () => lookupLeads(ctx(), { organId: 'o1', blindName: miss })],
			[
				'integrity opinion',
				() =>
					integrityOpinion(ctx(), {
						organId: 'o1',
						blindName: hit!.b,
						blindNameUnit: hit!.bu,
						purpose: 'promotion',
						requester: 'bench'
					})
			],
			['register, first page (50)', () => listLeads(ctx(), new URLSearchParams({ organ: 'o1' }))]
		];
		console.log(
			`\n| query (o1: ${(LEADS / 4).toLocaleString('en')} leads) | median ms | p95 ms | target |\n|---|---|---|---|`
		);
		for (const [label, run] of cases) {
			const ms: number[] = [];
			for (let i = 0; i < RUNS; i++) {
				const t = performance.now();
				const r = await run();
				ms.push(performance.now() - t);
				if (!r.ok) throw new Error(`${label}: ${JSON.stringify(r)}`);
			}
			const p = percentiles(ms);
			console.log(
				`| ${label} | ${f(p.median)} | ${f(p.p95)} | < ${TARGET}: ${p.p95 < TARGET ? 'met' : '**missed**'} |`
			);
		}
	} finally {
		await client.end();
		await database.close();
		await admin.unsafe(`drop database if exists ${name} with (force)`);
		await admin.end();
	}
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
