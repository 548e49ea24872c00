/**
 * `npm run bench:org`: unit search and routing over a 100,000-unit directory (the demo generator's rules:
 * villages, SOEs, institutions, managed_by overrides). Measures the server-side handler time per request
 * of the POST endpoints (body parsing, validation, database queries, routing by managing committee, the
 * explanation) on in-memory PGlite, or on
 * PostgreSQL when BENCH_DATABASE_URL is set (that database is overwritten). Targets: p95 < 20 ms for
 * search, < 5 ms for routing.
 *   BENCH_UNITS (default 100000), BENCH_REQUESTS (default 1000)
 */
import { openDatabase } from '../../src/lib/server/db/index';
import { loadavg } from 'node:os';
import { routingPost, unitsPost } from '../../src/lib/server/org/api';
import { generateDemo, mulberry32 } from '../../src/lib/server/demo/province';
import { pinyinFields } from '../../src/lib/server/org/search';
import { loadDemo } from '../../src/lib/server/org/store';
import { POSITION_KINDS, REPORT_KINDS } from '../../src/lib/server/org/types';

const UNITS = Number(process.env.BENCH_UNITS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const WARMUP = 50;

function stats(ms: number[]): { median: number; p95: number; max: number } {
	const s = [...ms].sort((a, b) => a - b);
	const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
	return { median: at(0.5), p95: at(0.95), max: s[s.length - 1] ?? NaN };
}

const fmt = (n: number) => n.toFixed(2).padStart(7);

/** A POST request with a JSON body, as the reporter's browser sends it (issue 14: no target in the URL). */
const post = (path: string, body: unknown) =>
	new Request(`http://bench${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});
const load = () =>
	loadavg()
		.map((x) => x.toFixed(2))
		.join(' ');

async function main(): Promise<void> {
	const url = process.env.BENCH_DATABASE_URL ?? null;
	const database = await openDatabase({ databaseUrl: url, dataDir: 'memory://', poolMax: 4 });
	const t0 = performance.now();
	const data = generateDemo({ units: UNITS });
	const t1 = performance.now();
	await loadDemo(database.db, data, { force: true });
	const t2 = performance.now();
	console.log(
		`Directory: ${data.units.length} units, ${data.organs.length} organs, ${data.staff.length} staff on ${database.kind}` +
			` (generated in ${((t1 - t0) / 1000).toFixed(1)} s, loaded in ${((t2 - t1) / 1000).toFixed(1)} s)`
	);

	const rand = mulberry32(7);
	const pickUnit = () => data.units[Math.floor(rand() * data.units.length)]!;
	// Search queries like a reporter types them: initials, pinyin prefixes, Chinese substrings, common words.
	const queries: string[] = [];
	for (let i = 0; i < REQUESTS + WARMUP; i++) {
		const u = pickUnit();
		const chars = Array.from(u.name);
		const py = pinyinFields(u.name);
		const start = Math.floor(rand() * Math.max(1, chars.length - 1));
		const len = 2 + Math.floor(rand() * 3);
		switch (i % 5) {
			case 0:
				queries.push(py.pinyinInitials.slice(start, start + len + 1));
				break;
			case 1:
				queries.push(
					py.pinyinFull
						.split(' ')
						.slice(start, start + len)
						.join('')
				);
				break;
			case 2:
				queries.push(chars.slice(start, start + len).join(''));
				break;
			case 3:
				queries.push(['财政局', 'gxq', '教育', 'wsy', '纪委', 'zhongxinxuexiao'][i % 6]!);
				break;
			default:
				queries.push(u.name);
		}
	}
	const searchMs: number[] = [];
	let hits = 0;
	for (const [i, q] of queries.entries()) {
		const s = performance.now();
		const r = await unitsPost(database.db, post('/api/v1/units', { q }));
		const e = performance.now() - s;
		if (r.status !== 200) throw new Error(`search ${q}: ${r.status}`);
		hits += (r.body as unknown[]).length;
		if (i >= WARMUP) searchMs.push(e);
	}

	const routeMs: number[] = [];
	for (let i = 0; i < REQUESTS + WARMUP; i++) {
		const params = {
			unit: pickUnit().id,
			position: POSITION_KINDS[i % 3]!,
			kind: REPORT_KINDS[Math.floor(rand() * REPORT_KINDS.length)]!,
			escalate: rand() < 0.2
		};
		const s = performance.now();
		const r = await routingPost(database.db, post('/api/v1/routing', params));
		const e = performance.now() - s;
		if (r.status !== 200) throw new Error(`routing ${JSON.stringify(params)}: ${r.status}`);
		if (i >= WARMUP) routeMs.push(e);
	}

	console.log(`Load average (1, 5, 15 min): ${load()}`);
	const s = stats(searchMs);
	const r = stats(routeMs);
	console.log(
		`Unit search  (${searchMs.length} requests, ${(hits / queries.length).toFixed(1)} hits avg): median ${fmt(s.median)} ms  p95 ${fmt(s.p95)} ms  max ${fmt(s.max)} ms  (target p95 < 20 ms) ${s.p95 < 20 ? 'OK' : 'MISSED'}`
	);
	console.log(
		`Routing      (${routeMs.length} requests):               median ${fmt(r.median)} ms  p95 ${fmt(r.p95)} ms  max ${fmt(r.max)} ms  (target p95 < 5 ms) ${r.p95 < 5 ? 'OK' : 'MISSED'}`
	);
	await database.close();
}

await main();
