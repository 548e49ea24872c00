/**
 * `npm run bench:backoffice`: the back office at scale (issue 6, Benchmark). On PostgreSQL only: creates a
 * fresh database qf_bench_<random> next to BENCH_DATABASE_URL (default TEST_DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/test), loads the 100,000-unit demo directory, generates 1,000,000
 * reports spread over its units with plausible clear fields (routing by a simple rule, skewed categories,
 * kinds and positions, three years of received dates, states, dispositions, outcomes, deadlines, handlers,
 * key wraps for the holding organ's inspectors and heads; ciphertext columns as small random bytes), runs
 * ANALYZE, then measures the server time of
 *  - an inbox page (src/lib/server/backoffice/inbox.ts `inbox()`, the real handler the API calls) with each
 *    filter, for an inspector of the organ holding the most reports;
 *  - the statistics (src/lib/server/backoffice/stats.ts `backofficeStats()`, what /staff/stats and the CSV
 *    use) for the province, a city and a county;
 * median and p95 over BENCH_RUNS runs each (default 30). Targets: inbox p95 < 50 ms, province statistics
 * < 500 ms (p95). Queries of a run that misses are EXPLAINed (ANALYZE, BUFFERS): the plan's top lines are
 * printed. Nothing fails on time: the figures are printed. The database is dropped at the end (BENCH_KEEP=1
 * keeps it).
 *   BENCH_REPORTS (default 1000000), BENCH_UNITS (default 100000), BENCH_RUNS (default 30),
 *   BENCH_EXPLAIN (a regular expression: EXPLAIN the inbox rows whose label matches)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { sql, type SQL } from 'drizzle-orm';
import { openDatabase, type Db } from '../../src/lib/server/db/index';
import * as schema from '../../src/lib/server/db/schema';
import { generateDemo } from '../../src/lib/server/demo/province';
import { loadDemo } from '../../src/lib/server/org/store';
import { inbox } from '../../src/lib/server/backoffice/inbox';
import { backofficeStats } from '../../src/lib/server/backoffice/stats';
import { concentration, leadFigures, reclassified } from '../../src/lib/server/backoffice/stats-leads';
import {
	concentrationDirect,
	leadFiguresDirect,
	reclassifiedDirect
} from '../../src/lib/server/backoffice/stats-leads-direct';
import { baseRegion, STATS_WORK_MEM, statsSql, type StatsQuery } from '../../src/lib/server/backoffice/stats-queries';
import { rollupPlan, rollupSql } from '../../src/lib/server/backoffice/stats-rollup';
import { todayOf } from '../../src/lib/server/backoffice/case-state';
import { answerOf } from '../../src/lib/server/http/answer';

const REPORTS = Number(process.env.BENCH_REPORTS ?? 1_000_000);
const UNITS = Number(process.env.BENCH_UNITS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
/** Province-wide statistics take seconds on a loaded machine: fewer runs keep the whole bench near 10 minutes. */
const STATS_RUNS = Number(process.env.BENCH_STATS_RUNS ?? 10);
/** Reuse a database kept by an earlier run (BENCH_KEEP=1) instead of loading a new one. */
const REUSE = process.env.BENCH_REUSE ?? null;
/** Measure only the inbox or only the statistics (while iterating). */
const ONLY = process.env.BENCH_ONLY ?? null;
/** The covering index docs/backoffice.md "Statistics" asks for, measured side by side (created and dropped here). */
const PROPOSED_INDEX = `create index bench_report_stats_cover_idx on report (organ_id, received_on)
	include (unit_id, category, position, state, disposition, outcome, next_due_on, concluded_on)`;
const INBOX_TARGET = 50;
/** EXPLAIN the inbox rows whose label matches this regular expression (else: the first three that miss). */
const EXPLAIN = process.env.BENCH_EXPLAIN ? new RegExp(process.env.BENCH_EXPLAIN) : null;
/** Issue 18 item 4: province statistics under 300 ms (p95), lead figures included. */
const STATS_TARGET = 300;
/** Leads generated over the reports for the per-person figures (issue 17 item 6), when the database has none. */
const LEADS = Number(process.env.BENCH_LEADS ?? 300_000);
/** No target of its own for a lead write (issue 18 item 4 asks to measure it): 50 ms, as the inbox. */
const LEAD_WRITE_TARGET = 50;

function percentiles(ms: number[]): { median: number; p95: number; max: number } {
	const s = [...ms].sort((a, b) => a - b);
	const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
	return { median: at(0.5), p95: at(0.95), max: s[s.length - 1] ?? NaN };
}
const f = (n: number) => n.toFixed(1).padStart(8);
const secs = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

/** Logs every query a drizzle instance sends, so a slow call can be EXPLAINed exactly as it ran. */
class Capture {
	on = false;
	queries: { query: string; params: unknown[] }[] = [];
	logQuery(query: string, params: unknown[]): void {
		if (this.on) this.queries.push({ query, params });
	}
}

async function main(): Promise<void> {
	const baseUrl =
		process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
	const name = REUSE ?? `qf_bench_${randomBytes(5).toString('hex')}`;
	if (!/^qf_bench_[0-9a-f]+$/.test(name)) throw new Error('BENCH_REUSE must name a qf_bench_… database');
	const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
	if (!REUSE) await admin.unsafe(`create database ${name}`);
	const url = new URL(baseUrl);
	url.pathname = `/${name}`;
	console.log(`Database ${name} on ${url.host} (PostgreSQL ${(await admin`show server_version`)[0]!.server_version})`);
	const database = await openDatabase({ databaseUrl: url.toString(), dataDir: '', poolMax: 4 });
	const capture = new Capture();
	const client = postgres(url.toString(), { max: 4, onnotice: () => {} });
	const db = drizzle({ client, schema, logger: capture }) as unknown as Db;
	try {
		if (!REUSE) await load(database.db, client);
		await measure(db, client, capture);
	} finally {
		await client.end({ timeout: 5 });
		await database.close();
		if (process.env.BENCH_KEEP === '1') console.log(`Kept database ${name} (BENCH_REUSE=${name} measures it again)`);
		else await admin.unsafe(`drop database if exists ${name} with (force)`);
		await admin.end({ timeout: 5 });
	}
}

const TODAY = todayOf(new Date());

async function load(db: Db, client: postgres.Sql): Promise<void> {
	let t0 = performance.now();
	const data = generateDemo({ units: UNITS });
	await loadDemo(db, data, { force: true });
	console.log(
		`Directory: ${data.units.length} units, ${data.organs.length} organs, ${data.staff.length} staff (generated and loaded in ${secs(t0)})`
	);

	// One row per unit with the organs a report about it may go to (a simple stand-in for routing: the
	// unit's commission; a stationed team when there is one, for 70 % of the non-top-leader reports; the
	// commission one level up for top leaders), numbered in a hashed order so the skew below does not
	// follow the tree.
	t0 = performance.now();
	await client.unsafe(`set synchronous_commit = off`);
	await client.unsafe(`create unlogged table bench_unit as
		select row_number() over (order by md5(u.id)) as i, u.id as unit_id, c.organ_id as c, t.organ_id as t, o.parent_organ_id as up
		from org_unit u
		join lateral (select j.organ_id from organ_jurisdiction j join discipline_organ d on d.id = j.organ_id
			where j.unit_id = u.id and d.kind = 'commission' order by j.organ_id limit 1) c on true
		left join lateral (select j.organ_id from organ_jurisdiction j join discipline_organ d on d.id = j.organ_id
			where j.unit_id = u.id and d.kind = 'stationed_team' order by j.organ_id limit 1) t on true
		join discipline_organ o on o.id = c.organ_id`);
	await client.unsafe(`create unique index on bench_unit (i)`);
	await client.unsafe(`create unlogged table bench_inspector as
		select distinct on (organ_id) organ_id, staff_id from organ_staff where role = 'inspector' order by organ_id, staff_id`);
	await client.unsafe(`create unique index on bench_inspector (organ_id)`);
	await client.unsafe(`analyze bench_unit; analyze bench_inspector`);
	const [{ n: units }] = (await client.unsafe(`select count(*)::int as n from bench_unit`)) as unknown as [
		{ n: number }
	];

	const BATCH = 250_000;
	for (let start = 1; start <= REPORTS; start += BATCH) {
		const end = Math.min(REPORTS, start + BATCH - 1);
		await client.unsafe(`
			with s as (
				select g, 1 + least(${units} - 1, floor(${units} * power(random(), 1.8))::int) as ui, floor(random() * 1095)::int as age,
					random() as rs, random() as rp, random() as rk, random() as rc, random() as rd, random() as ro, random() as rt, random() as rh
				from generate_series(${start}, ${end}) g),
			a as (
				select s.*, b.unit_id,
					case when s.rp < 0.25 then 'top_leader' when s.rp < 0.6 then 'team_member' else 'other_staff' end as pos,
					('${TODAY}'::date - s.age) as received,
					case when s.rs < (case when s.age > 180 then 0.78 else 0.25 end) then 'concluded'
						when s.rs < (case when s.age > 180 then 0.9 else 0.35 end) then (array['duplicate', 'no_substance', 'transferred_out'])[1 + floor(s.rd * 3)::int]
						else (array['received', 'registered', 'accepted', 'dispatched', 'inquiry', 'verification', 'hold_pending', 'investigation', 'review'])[1 + floor(s.rd * 9)::int] end as state,
					b.c, b.t, b.up
				from s join bench_unit b on b.i = s.ui),
			o as (
				select a.*, case when a.pos = 'top_leader' and a.up is not null then a.up when a.t is not null and a.rh < 0.7 then a.t else a.c end as organ
				from a)
			insert into report (locator, unit_id, position, category, real_name, escalate, organ_id, received_on, public_status,
				concluded_on, content, content_bytes, kdf_spec, auth_hash, receipt_wrapped, state, handler_id, next_due_on, next_due_code,
				disposition, outcome)
			select 'B' || lpad(o.g::text, 9, '0'), o.unit_id, o.pos,
				(array['integrity', 'four_styles', 'work', 'mass', 'corruption_bribery', 'abuse_of_power', 'dereliction', 'organizational',
					'appointments', 'political', 'life', 'benefit_transfer', 'favouritism', 'rent_seeking', 'waste_state_assets', 'other'])[1 + floor(16 * power(o.rc, 2.2))::int],
				o.rt < 0.2, false, o.organ, o.received,
				case when o.state in ('concluded', 'duplicate', 'no_substance') then 'concluded' when o.state = 'transferred_out' then 'transferred'
					when o.state in ('received', 'registered') then 'received' when o.state = 'accepted' then 'accepted' else 'handling' end,
				case when o.state = 'concluded' then least('${TODAY}'::date, o.received + 5 + floor(o.ro * 115)::int) end,
				decode(md5(o.g::text), 'hex'), 16, '\\x01'::bytea, decode(md5(o.g::text || 'a'), 'hex'), '\\x02'::bytea,
				o.state,
				case when o.state not in ('received', 'duplicate', 'no_substance', 'transferred_out') and o.rh < 0.6 then i.staff_id end,
				case when o.state in ('received', 'registered', 'accepted', 'dispatched', 'inquiry', 'verification', 'investigation', 'review')
					then o.received + 7 + floor(o.rd * 90)::int end,
				case when o.state in ('received', 'registered') then 'intake_after_transfer' when o.state = 'inquiry' then 'inquiry_reply'
					when o.state = 'verification' then 'verification' when o.state in ('accepted', 'dispatched', 'investigation', 'review') then 'verification' end,
				case when o.state = 'inquiry' then 'talk_inquiry' when o.state = 'verification' then 'preliminary_verification'
					when o.state = 'hold_pending' then 'hold_pending' when o.state in ('investigation', 'review') then 'to_investigation'
					when o.state = 'concluded' then (array['talk_inquiry', 'preliminary_verification', 'hold_pending', 'close', 'to_investigation'])[1 + floor(o.ro * 5)::int] end,
				case when o.state = 'concluded' then case when o.rk < 0.4 then 'closed' when o.rk < 0.6 then 'cleared' when o.rk < 0.85 then 'handled:form1'
					when o.rk < 0.95 then 'handled:form2' when o.rk < 0.99 then 'handled:form3' else 'handled:form4' end end
			from o left join bench_inspector i on i.organ_id = o.organ`);
		process.stdout.write(`\rReports: ${end.toLocaleString('en')} / ${REPORTS.toLocaleString('en')} (${secs(t0)})`);
	}
	process.stdout.write('\n');

	t0 = performance.now();
	await client.unsafe(`insert into report_deadline (report_id, code, due_on, started_on, met_on)
		select id, next_due_code, next_due_on, received_on, null from report where next_due_on is not null`);
	await client.unsafe(`insert into report_deadline (report_id, code, due_on, started_on, met_on)
		select id, 'acceptance_notice', received_on + 21, received_on, least('${TODAY}'::date, received_on + 3 + floor(random() * 25)::int)
		from report where real_name and state not in ('received', 'registered', 'duplicate')`);
	const [{ n: deadlines }] = (await client.unsafe(`select count(*)::int as n from report_deadline`)) as unknown as [
		{ n: number }
	];
	console.log(`Deadlines: ${deadlines.toLocaleString('en')} rows (${secs(t0)})`);

	// The holding organ's inspectors and heads each hold a wrap (what the reporter's browser seals).
	t0 = performance.now();
	await client.unsafe(`insert into report_key_wrap (report_id, staff_id, entry_id, sealed)
		select r.id, m.staff_id, '\\x00'::bytea, '\\x03'::bytea from report r join organ_staff m on m.organ_id = r.organ_id and m.role in ('inspector', 'head')`);
	const [{ n: wraps }] = (await client.unsafe(`select count(*)::int as n from report_key_wrap`)) as unknown as [
		{ n: number }
	];
	console.log(`Key wraps: ${wraps.toLocaleString('en')} rows (${secs(t0)})`);

	t0 = performance.now();
	await client.unsafe(`vacuum analyze report`);
	await client.unsafe(`vacuum analyze report_deadline`);
	await client.unsafe(`vacuum analyze report_key_wrap`);
	await client.unsafe(`analyze`);
	const [{ size }] = (await client.unsafe(
		`select pg_size_pretty(pg_total_relation_size('report')) as size`
	)) as unknown as [{ size: string }];
	console.log(`VACUUM ANALYZE (${secs(t0)}); report table with indexes: ${size}`);
}

/**
 * Leads over the reports (when the database has none): about 3 in 10 reports get a lead in their holding organ,
 * received the same day, 70 % classified by the staff, outcomes on the concluded ones, one or two persons each
 * from a pool of 100,000 blind names, the report linked; a tenth of the units get a headcount.
 */
async function addLeads(client: postgres.Sql): Promise<void> {
	const [{ n }] = (await client.unsafe(`select count(*)::int as n from lead`)) as unknown as [{ n: number }];
	if (n > 0 || LEADS <= 0) return;
	const t0 = performance.now();
	await client.unsafe(
		`insert into organ_key (organ_id, version) select id, 1 from discipline_organ on conflict do nothing`
	);
	await client.unsafe(`create unlogged table bench_pick as
		select row_number() over (order by r.id) as g, r.id as report_id, r.organ_id, r.received_on, r.category, r.state, r.outcome
		from report r where (hashtext(r.id::text) & 1023) < 320 limit ${LEADS}`);
	await client.unsafe(`insert into lead (id, organ_id, source, state, category, outcome, key_version, details, received_on, created_at, updated_at)
		select md5('lead' || g)::uuid, organ_id, 'online',
			case when outcome is not null then 'concluded' else 'registered' end,
			case when g % 10 < 7 then (case when g % 10 < 2 then 'integrity' else category end) end, outcome, 1, '\\x00'::bytea,
			(received_on::timestamp + interval '10 hours') at time zone 'Asia/Shanghai', now(), now()
		from bench_pick`);
	await client.unsafe(`insert into lead_person (id, lead_id, organ_id, key_version, sealed, blind_name, blind_name_unit)
		select md5('p' || g || '.' || k)::uuid, md5('lead' || g)::uuid, organ_id, 1, '\\x00'::bytea,
			decode(md5('n' || ((g * 7 + k) % 100000)), 'hex'), decode(md5('nu' || ((g * 7 + k) % 100000)), 'hex')
		from bench_pick cross join generate_series(1, case when g % 3 = 0 then 2 else 1 end) k`);
	await client.unsafe(
		`insert into lead_report (lead_id, report_id) select md5('lead' || g)::uuid, report_id from bench_pick`
	);
	await client.unsafe(`update org_unit set headcount = 20 + (hashtext(id) & 255) where (hashtext(id) & 15) < 2`);
	await client.unsafe(`drop table bench_pick`);
	await client.unsafe(`analyze lead; analyze lead_person; analyze lead_report; analyze org_unit`);
	const [{ p }] = (await client.unsafe(`select count(*)::int as p from lead_person`)) as unknown as [{ p: number }];
	console.log(
		`Leads: ${LEADS.toLocaleString('en')} with ${p.toLocaleString('en')} persons, linked to a report each (${secs(t0)})`
	);
}

interface Row {
	label: string;
	median: number;
	p95: number;
	max: number;
	target: number;
	note?: string;
}

async function explainLast(
	client: postgres.Sql,
	capture: Capture,
	label: string,
	run: () => Promise<unknown>
): Promise<void> {
	capture.queries = [];
	capture.on = true;
	await run();
	capture.on = false;
	const queries = capture.queries;
	let worst: { ms: number; plan: string[]; query: string } | null = null;
	for (const q of queries) {
		if (!/^\s*(with|select)/i.test(q.query)) continue;
		const t = performance.now();
		// In a transaction with the statistics' work_mem, as backofficeStats runs them (the inbox ignores it).
		const plan = (await client.begin(async (tx) => {
			await tx.unsafe(`set local work_mem = '${STATS_WORK_MEM}'`);
			const unsafe = tx.unsafe as unknown as (query: string, params: unknown[]) => Promise<{ 'QUERY PLAN': string }[]>;
			return unsafe.call(tx, `explain (analyze, buffers) ${q.query}`, q.params);
		})) as unknown as { 'QUERY PLAN': string }[];
		// The executor's own time (the plan's last line), not the wall clock, which a loaded machine makes noise of.
		const lines = plan.map((p) => p['QUERY PLAN']);
		const exec = /Execution Time: ([\d.]+) ms/.exec(lines[lines.length - 1] ?? '');
		const ms = exec ? Number(exec[1]) : performance.now() - t;
		if (!worst || ms > worst.ms) worst = { ms, plan: plan.map((p) => p['QUERY PLAN']), query: q.query };
	}
	if (!worst) return;
	console.log(`\nEXPLAIN of the slowest query of "${label}" (${worst.ms.toFixed(1)} ms executing, EXPLAIN ANALYZE):`);
	console.log(`  ${worst.query.replace(/\s+/g, ' ').slice(0, 300)}…`);
	for (const line of worst.plan
		.filter((l) => /(Scan|Join|Aggregate|Sort|Gather|Hash|Execution Time|Planning Time|rows=)/.test(l))
		.slice(0, 18))
		console.log(`  ${line}`);
}

async function timed(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
	for (let i = 0; i < 3; i++) await fn(); // warm-up
	const ms: number[] = [];
	for (let i = 0; i < runs; i++) {
		const t = performance.now();
		await fn();
		ms.push(performance.now() - t);
	}
	return ms;
}

async function measure(db: Db, client: postgres.Sql, capture: Capture): Promise<void> {
	// A reused database may have been migrated (roll-ups built) after its last ANALYZE.
	await client.unsafe(`analyze report_stats_month; analyze report_stats_unit`);
	const [{ rollup }] = (await client.unsafe(
		`select (select count(*) from report_stats_month)::int || ' month rows, ' || (select count(*) from report_stats_unit)::int || ' unit rows' as rollup`
	)) as unknown as [{ rollup: string }];
	console.log(`Statistics roll-ups (migration 0006, kept by triggers during the load): ${rollup}`);
	await addLeads(client);
	// The organ holding the most reports, and one of its inspectors.
	const [top] =
		(await client.unsafe(`select r.organ_id, o.name, count(*)::int as n from report r join discipline_organ o on o.id = r.organ_id
		group by r.organ_id, o.name order by n desc limit 1`)) as unknown as [{ organ_id: string; name: string; n: number }];
	const [insp] = (await client.unsafe(
		`select u.* from organ_staff m join staff_user u on u.id = m.staff_id
		where m.organ_id = $1 and m.role = 'inspector' order by u.id limit 1`,
		[top.organ_id]
	)) as unknown as [Record<string, unknown>];
	const [busyUnit] = (await client.unsafe(
		`select unit_id from report where organ_id = $1 group by unit_id order by count(*) desc limit 1`,
		[top.organ_id]
	)) as unknown as [{ unit_id: string }];
	const [{ n: visible }] = (await client.unsafe(`select count(*)::int as n from report_key_wrap where staff_id = $1`, [
		insp.id as string
	])) as unknown as [{ n: number }];
	console.log(
		`\nInbox of an inspector of ${top.name} (${top.organ_id}): ${top.n.toLocaleString('en')} reports held, ${visible.toLocaleString('en')} visible to them`
	);
	const user = {
		id: insp.id,
		username: insp.username,
		displayName: insp.display_name,
		isAdmin: insp.is_admin,
		disabledAt: null
	} as unknown as Parameters<typeof inbox>[0]['user'];
	const ctx = { db, user, now: new Date() };

	// Page 2 of the default list: the cursor of page 1 (and of the state sort, issue 18).
	const first = answerOf(await inbox(ctx, new URLSearchParams())) as { status: number; body: { next: string | null } };
	const firstByState = answerOf(await inbox(ctx, new URLSearchParams({ sort: 'state' }))) as {
		body: { next: string | null };
	};
	// Issue 18: the busiest unit by name, the organ by name, the last 30 days, a 查询码 (POST only).
	const [named] = (await client.unsafe(`select name from org_unit where id = $1`, [busyUnit.unit_id])) as unknown as [
		{ name: string }
	];
	const [someLocator] = (await client.unsafe(
		`select r.locator from report r join report_key_wrap w on w.report_id = r.id and w.staff_id = $1
		where r.organ_id = $2 order by r.id desc limit 1`,
		[insp.id as string, top.organ_id]
	)) as unknown as [{ locator: string }];
	const monthAgo = new Date(Date.parse(`${TODAY}T00:00:00Z`) - 30 * 86_400_000).toISOString().slice(0, 10);
	const filters: [string, Record<string, string>, boolean?][] = [
		['(no filter), by date', {}],
		['page 2 (keyset cursor)', first.body.next ? { after: first.body.next } : {}],
		['sort=deadline', { sort: 'deadline' }],
		['stage=handling', { stage: 'handling' }],
		['state=inquiry', { state: 'inquiry' }],
		['status=handling', { status: 'handling' }],
		['category=integrity', { category: 'integrity' }],
		['position=top_leader', { position: 'top_leader' }],
		['unit=<busiest unit>', { unit: busyUnit.unit_id }],
		['realName=1', { realName: '1' }],
		['due=soon', { due: 'soon' }],
		['due=overdue', { due: 'overdue' }],
		['due=overdue&sort=deadline', { due: 'overdue', sort: 'deadline' }],
		['assigned=me', { assigned: 'me' }],
		['assigned=none', { assigned: 'none' }],
		['category=work&position=team_member&realName=0', { category: 'work', position: 'team_member', realName: '0' }],
		['sort=date_asc', { sort: 'date_asc' }],
		['sort=state', { sort: 'state' }],
		['sort=state page 2', firstByState.body.next ? { sort: 'state', after: firstByState.body.next } : {}],
		['sort=unit', { sort: 'unit' }],
		['sort=category', { sort: 'category' }],
		['unit=<busiest unit NAME>', { unit: named.name }],
		['organ=<organ NAME>', { organ: top.name }],
		['from/to = last 30 days', { from: monthAgo, to: TODAY }],
		['from/to + sort=state', { from: monthAgo, to: TODAY, sort: 'state' }],
		['POST locator=<a visible one>', { locator: someLocator.locator }, true]
	];
	const rows: Row[] = [];
	const explain: [string, () => Promise<unknown>][] = [];
	for (const [label, params, post] of ONLY === 'stats' ? [] : filters) {
		const call = async () => {
			const r = answerOf(await inbox(ctx, new URLSearchParams(params), post)) as {
				status: number;
				body: { items: unknown[]; counts: { total: number } | null };
			};
			if (r.status !== 200) throw new Error(`inbox ${label}: ${r.status} ${JSON.stringify(r.body)}`);
			return r;
		};
		const r = await call();
		const p = percentiles(await timed(RUNS, call));
		rows.push({
			label: `inbox ${label}`,
			...p,
			target: INBOX_TARGET,
			note: `${r.body.items.length} items, ${r.body.counts ? `total ${r.body.counts.total.toLocaleString('en')}` : 'no counts (not the first page)'}`
		});
		if (EXPLAIN ? EXPLAIN.test(label) : p.p95 >= INBOX_TARGET && explain.length < 3)
			explain.push([`inbox ${label}`, call]);
	}

	// Statistics: the province commission (everything below it), the busiest organ's subtree, a county.
	const [county] =
		(await client.unsafe(`select r.organ_id, o.name from report r join discipline_organ o on o.id = r.organ_id
		where o.level = 'county' and o.kind = 'commission' group by r.organ_id, o.name order by count(*) desc limit 1`)) as unknown as [
			{ organ_id: string; name: string }
		];
	const [city] = (await client.unsafe(
		`select id as organ_id, name from discipline_organ where level = 'city' and kind = 'commission' order by id limit 1`
	)) as unknown as [{ organ_id: string; name: string }];
	const from = `${Number(TODAY.slice(0, 4)) - 3}${TODAY.slice(4, 8)}01`;
	const scopes: [string, string, string, string][] = [
		['province, 3 years', 'o-sf', from, TODAY],
		['province, last 12 months', 'o-sf', `${Number(TODAY.slice(0, 4)) - 1}${TODAY.slice(4)}`, TODAY],
		[`city ${city.name}, 3 years`, city.organ_id, from, TODAY],
		[`county ${county.name}, 3 years`, county.organ_id, from, TODAY]
	];
	const statsRound = async (suffix: string) => {
		for (const [label, organ, f0, t0] of scopes) {
			const q: StatsQuery = { organIds: [organ], from: f0, to: t0, today: TODAY, minCount: 5, topUnits: 20 };
			const call = () => backofficeStats(db, q);
			const s = await call();
			const p = percentiles(await timed(STATS_RUNS, call));
			rows.push({
				label: `stats ${label}${suffix}`,
				...p,
				target: STATS_TARGET,
				note: `${s.total.toLocaleString('en')} reports, ${s.unitCount.toLocaleString('en')} units, ${s.regions.length} regions`
			});
			if (label.startsWith('province')) {
				// The lead register's figures (./stats-leads.ts), each alone.
				const leadParts: [string, () => Promise<unknown>][] = [
					['leads and persons', () => leadFigures(db, q)],
					['staff classification', () => reclassified(db, q)],
					['反映集中', () => concentration(db, q, 'top')]
				];
				// The same figures counted from the register (what every view did before migration 0026): one run each.
				const direct: [string, () => Promise<unknown>][] = [
					['leads and persons', () => leadFiguresDirect(db, q)],
					['staff classification', () => reclassifiedDirect(db, q)],
					['反映集中', () => concentrationDirect(db, q, 'top')]
				];
				const leadAlone: string[] = [];
				for (const [name, fn] of leadParts)
					leadAlone.push(`${name} ${percentiles(await timed(3, fn)).median.toFixed(0)} ms`);
				console.log(`  stats ${label}${suffix}, lead figures alone (median of 3): ${leadAlone.join(', ')}`);
				if (!suffix && process.env.BENCH_DIRECT !== '0') {
					const once: string[] = [];
					for (const [name, fn] of direct) {
						const t = performance.now();
						await fn();
						once.push(`${name} ${(performance.now() - t).toFixed(0)} ms`);
					}
					console.log(`  stats ${label}, lead figures counted directly (one run each): ${once.join(', ')}`);
				}
				// Each statistics query on its own, to show which one costs what.
				const base = await baseRegion(db, q.organIds);
				// The roll-up path's queries when it applies (migration 0006), else the report-table queries.
				const plan = await rollupPlan(db, q);
				const parts = plan ? rollupSql(q, base, plan) : statsSql(q, base);
				const alone: string[] = [];
				for (const [name, part] of Object.entries(parts) as [string, SQL][]) {
					const pp = percentiles(
						await timed(3, () =>
							db.transaction(async (tx) => {
								await tx.execute(sql.raw(`set local work_mem = '${STATS_WORK_MEM}'`));
								if (plan && name === 'roll-up places') await tx.execute(sql`set local enable_nestloop = off`); // as backofficeStats runs it
								return tx.execute(part);
							})
						)
					);
					alone.push(`${name} ${pp.median.toFixed(0)} ms`);
				}
				console.log(`  stats ${label}${suffix}, each query alone (median of 3): ${alone.join(', ')}`);
				if (p.p95 >= STATS_TARGET && !suffix) explain.push([`stats ${label}${suffix}`, call]);
			}
		}
	};
	if (ONLY === 'inbox') return report(rows, client, capture, explain);
	await statsRound('');
	await leadWrites(client, rows);
	// BENCH_COVER=0 skips the side-by-side round with the covering index (half the statistics time).
	if (process.env.BENCH_COVER === '0') return report(rows, client, capture, explain);
	// Side by side: the covering index proposed for the migration (index-only scans; the heap holds the
	// ciphertext columns, which in production are kilobytes per row, not the 16 bytes generated here).
	const t = performance.now();
	await client.unsafe(PROPOSED_INDEX);
	await client.unsafe(`vacuum analyze report`);
	console.log(
		`\nCreated the proposed covering index (${secs(t)}; ${((await client.unsafe(`select pg_size_pretty(pg_relation_size('bench_report_stats_cover_idx')) as s`)) as unknown as [{ s: string }])[0].s})`
	);
	await statsRound(' +cover idx');
	await client.unsafe(`drop index bench_report_stats_cover_idx`);
	for (const r of rows.filter((x) => x.label.endsWith(' +cover idx'))) {
		const before = rows.find((x) => x.label === r.label.replace(' +cover idx', ''));
		if (before) r.note = `${r.note}; ×${(before.median / r.median).toFixed(2)} faster (median)`;
	}

	await report(rows, client, capture, explain);
}

/** The lead_stats_* triggers of migration 0026 (on lead, lead_person, lead_report, report). */
const LEAD_STATS_TRIGGERS: [string, string][] = [
	['lead', 'lead_stats_insert'],
	['lead', 'lead_stats_update'],
	['lead', 'lead_stats_delete'],
	['lead_person', 'lead_stats_person_insert'],
	['lead_person', 'lead_stats_person_update'],
	['lead_person', 'lead_stats_person_delete'],
	['lead_report', 'lead_stats_link_insert'],
	['lead_report', 'lead_stats_link_update'],
	['lead_report', 'lead_stats_link_delete'],
	['report', 'lead_stats_report_update']
];

/**
 * One lead write of each kind, rolled back: registering a lead (the lead, two persons, a linked report) and
 * concluding a lead (state and outcome), with the summaries' triggers (migration 0026) and without them
 * (disabled for the measurement, enabled again after; the rolled-back writes leave the summaries as they were).
 */
async function leadWrites(client: postgres.Sql, rows: Row[]): Promise<void> {
	const [pick] =
		(await client.unsafe(`select l.id, l.organ_id, lr.report_id from lead l join lead_report lr on lr.lead_id = l.id
		where l.state <> 'merged' order by l.id limit 1`)) as unknown as [{ id: string; organ_id: string; report_id: string }];
	if (!pick) return;
	const writes: [string, (tx: postgres.TransactionSql) => Promise<unknown>][] = [
		[
			'lead write: register (lead, 2 persons, 1 report)',
			async (tx) => {
				const id = randomUUID();
				await tx.unsafe(
					`insert into lead (id, organ_id, source, key_version, details, category)
					values ($1, $2, 'online', 1, '\\x00'::bytea, 'work')`,
					[id, pick.organ_id]
				);
				await tx.unsafe(
					`insert into lead_person (id, lead_id, organ_id, key_version, sealed, blind_name, blind_name_unit)
					select gen_random_uuid(), $1, $2, 1, '\\x00'::bytea, decode(md5('bench' || k), 'hex'), decode(md5('benchu' || k), 'hex')
					from generate_series(1, 2) k`,
					[id, pick.organ_id]
				);
				await tx.unsafe(`insert into lead_report (lead_id, report_id) values ($1, $2)`, [id, pick.report_id]);
			}
		],
		[
			'lead write: conclude (state, outcome)',
			(tx) => tx.unsafe(`update lead set state = 'concluded', outcome = 'handled:form2' where id = $1`, [pick.id])
		]
	];
	const once = (fn: (tx: postgres.TransactionSql) => Promise<unknown>) =>
		client
			.begin(async (tx) => {
				await fn(tx);
				throw new RollBack();
			})
			.catch((e: unknown) => {
				if (!(e instanceof RollBack)) throw e;
			});
	const setTriggers = async (on: boolean) => {
		for (const [table, trigger] of LEAD_STATS_TRIGGERS)
			await client.unsafe(`alter table ${table} ${on ? 'enable' : 'disable'} trigger ${trigger}`);
	};
	for (const [label, fn] of writes) {
		const withTriggers = percentiles(await timed(RUNS, () => once(fn)));
		await setTriggers(false);
		let without: ReturnType<typeof percentiles>;
		try {
			without = percentiles(await timed(RUNS, () => once(fn)));
		} finally {
			await setTriggers(true);
		}
		rows.push({ label: `${label}, no summary triggers`, ...without, target: LEAD_WRITE_TARGET });
		rows.push({
			label,
			...withTriggers,
			target: LEAD_WRITE_TARGET,
			note: `+${(withTriggers.median - without.median).toFixed(1)} ms median for the summaries (migration 0026)`
		});
	}
}

class RollBack extends Error {}

async function report(
	rows: Row[],
	client: postgres.Sql,
	capture: Capture,
	explain: [string, () => Promise<unknown>][]
): Promise<void> {
	console.log(
		`\n${'query'.padEnd(58)}${'median'.padStart(8)}${'p95'.padStart(8)}${'max'.padStart(8)}  target    result`
	);
	for (const r of rows) {
		const ok = r.p95 < r.target;
		console.log(
			`${r.label.padEnd(58)}${f(r.median)}${f(r.p95)}${f(r.max)}  p95<${String(r.target).padEnd(5)}${ok ? 'OK    ' : 'MISSED'}  ${r.note ?? ''}`
		);
	}
	console.log(
		`(milliseconds; inbox ${RUNS} runs, statistics ${STATS_RUNS} runs, each after 3 warm-up runs; server time of the handler functions, no HTTP; load average ${(
			await import('node:os')
		)
			.loadavg()
			.map((x) => x.toFixed(1))
			.join(' ')} on ${(await import('node:os')).cpus().length} cores)`
	);

	for (const [label, run] of explain) await explainLast(client, capture, label, run);
}

await main();
