/**
 * Helpers shared by the abuse tests (tests/e2e/fuzz.e2e.ts, tests/e2e/abuse.e2e.ts), the receipt-guessing
 * benchmark (tests/bench/receipt-guessing.ts) and the sqlmap script (tests/security/sqlmap.sh): direct access
 * to a test server's storage, row counts, staff sessions made in the database, a proof-of-work solver,
 * a request pool, the server's CPU time from /proc, and small statistics.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from '../e2e/harness';
import { leadingZeroBits, nonceBytes } from '../../src/lib/shared/pow';

/* ------------------------------------------------------------------ storage */

export interface Storage {
	query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
	close(): Promise<void>;
}

/**
 * Opens the storage of `server`: its PostgreSQL database (any time), or its PGlite data folder (only while
 * the server is stopped: PGlite is single-process).
 */
export async function openStorage(server: Pick<Server, 'databaseUrl' | 'dataDir'>): Promise<Storage> {
	if (server.databaseUrl) {
		const { default: postgres } = await import('postgres');
		const sql = postgres(server.databaseUrl, { max: 1, onnotice: () => {} });
		return {
			query: async <T>(text: string, params: unknown[] = []) =>
				(await sql.unsafe(text, params as never[])) as unknown as T[],
			close: () => sql.end({ timeout: 5 })
		};
	}
	const { PGlite } = await import('@electric-sql/pglite');
	const db = await PGlite.create({ dataDir: server.dataDir! });
	return {
		query: async <T>(text: string, params: unknown[] = []) => (await db.query<T>(text, params)).rows,
		close: () => db.close()
	};
}

export async function withStorage<T>(
	server: Pick<Server, 'databaseUrl' | 'dataDir'>,
	fn: (s: Storage) => Promise<T>
): Promise<T> {
	const s = await openStorage(server);
	try {
		return await fn(s);
	} finally {
		await s.close();
	}
}

/** Row counts of every table of the app's schema (`public`), by table name. */
export async function countRows(s: Storage): Promise<Record<string, number>> {
	const tables = await s.query<{ name: string }>(
		"select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r','p') and n.nspname = 'public' order by 1"
	);
	const out: Record<string, number> = {};
	for (const t of tables) {
		const [row] = await s.query<{ n: string | number }>(
			`select count(*)::int as n from "public"."${t.name.replaceAll('"', '""')}"`
		);
		out[t.name] = Number(row!.n);
	}
	return out;
}

/** Tables whose counts differ, as `table: before → after`. */
export function rowDiff(before: Record<string, number>, after: Record<string, number>): string[] {
	const names = new Set([...Object.keys(before), ...Object.keys(after)]);
	return [...names].filter((n) => before[n] !== after[n]).map((n) => `${n}: ${before[n]} → ${after[n]}`);
}

/* ------------------------------------------------------------------ staff sessions */

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
function base32(bytes: Uint8Array): string {
	let bits = 0;
	let value = 0;
	let out = '';
	for (const b of bytes) {
		value = (value << 8) | b;
		bits += 8;
		while (bits >= 5) {
			out += BASE32[(value >>> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
	return out;
}

/**
 * Inserts a staff session the way src/lib/server/auth/session.ts makes one (id, SHA-256 of the secret) and
 * returns its cookie value `id.secret`. For tests only: it stands for a completed sign-in.
 */
export async function insertSession(s: Storage, userId: string, twoFactorVerified: boolean): Promise<string> {
	const id = base32(randomBytes(15));
	const secret = base32(randomBytes(20));
	const hash = createHash('sha256').update(secret, 'utf8').digest();
	await s.query('insert into staff_session (id, user_id, secret_hash, two_factor_verified) values ($1, $2, $3, $4)', [
		id,
		userId,
		hash,
		twoFactorVerified
	]);
	return `${id}.${secret}`;
}

/* ------------------------------------------------------------------ proof of work */

/** SHA-256(challenge ‖ u64be(nonce)) starting with `difficulty` zero bits (docs/reporting.md §1; src/lib/shared/pow.ts). */
export function solvePow(challenge: string, difficulty: number): number {
	const bytes = Buffer.from(challenge, 'base64url');
	for (let nonce = 0; ; nonce++) {
		const h = createHash('sha256').update(bytes).update(nonceBytes(nonce)).digest();
		if (leadingZeroBits(h) >= difficulty) return nonce;
	}
}

export async function postJson(
	url: string,
	body: unknown,
	headers: Record<string, string> = {}
): Promise<{ status: number; text: string; headers: Headers }> {
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify(body)
	});
	return { status: res.status, text: await res.text(), headers: res.headers };
}

/** A fresh challenge for `purpose`, solved. */
export async function solvedPow(
	base: string,
	purpose: 'intake' | 'receipt'
): Promise<{ pow: { challenge: string; nonce: number }; difficulty: number }> {
	const r = await postJson(`${base}/api/v1/pow`, { purpose });
	if (r.status !== 200) throw new Error(`POST /api/v1/pow answered ${r.status}: ${r.text}`);
	const c = JSON.parse(r.text) as { challenge: string; difficulty: number };
	return { pow: { challenge: c.challenge, nonce: solvePow(c.challenge, c.difficulty) }, difficulty: c.difficulty };
}

/* ------------------------------------------------------------------ load */

/** Runs `fn` over `items` with at most `concurrency` in flight; results in input order. */
export async function pool<T, R>(
	items: readonly T[],
	concurrency: number,
	fn: (item: T, index: number) => Promise<R>
): Promise<R[]> {
	const out = new Array<R>(items.length);
	let next = 0;
	const worker = async () => {
		for (;;) {
			const i = next++;
			if (i >= items.length) return;
			out[i] = await fn(items[i]!, i);
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
	return out;
}

/** User + system CPU time of a process in milliseconds, from /proc/<pid>/stat (Linux). */
export function cpuMs(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	// Fields after the command name (which may contain spaces) start after the last ')'.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const utime = Number(fields[11]);
	const stime = Number(fields[12]);
	const ticksPerSecond = 100; // USER_HZ on Linux
	return ((utime + stime) * 1000) / ticksPerSecond;
}

/* ------------------------------------------------------------------ statistics */

export function quantile(sorted: readonly number[], q: number): number {
	if (sorted.length === 0) return NaN;
	const pos = (sorted.length - 1) * q;
	const lo = Math.floor(pos);
	const hi = Math.ceil(pos);
	return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summary(xs: readonly number[]): { n: number; p10: number; median: number; p90: number; mean: number } {
	const s = [...xs].sort((a, b) => a - b);
	return {
		n: s.length,
		p10: quantile(s, 0.1),
		median: quantile(s, 0.5),
		p90: quantile(s, 0.9),
		mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)
	};
}

/** Two-sample Kolmogorov–Smirnov statistic D and its asymptotic p-value. */
export function ksTest(a: readonly number[], b: readonly number[]): { d: number; p: number } {
	const x = [...a].sort((p, q) => p - q);
	const y = [...b].sort((p, q) => p - q);
	let i = 0;
	let j = 0;
	let d = 0;
	while (i < x.length && j < y.length) {
		const v = Math.min(x[i]!, y[j]!);
		while (i < x.length && x[i]! <= v) i++;
		while (j < y.length && y[j]! <= v) j++;
		d = Math.max(d, Math.abs(i / x.length - j / y.length));
	}
	const ne = (x.length * y.length) / (x.length + y.length);
	const lambda = (Math.sqrt(ne) + 0.12 + 0.11 / Math.sqrt(ne)) * d;
	let p = 0;
	for (let k = 1; k <= 100; k++) p += 2 * (-1) ** (k - 1) * Math.exp(-2 * k * k * lambda * lambda);
	return { d, p: Math.min(1, Math.max(0, p)) };
}

/** Mann–Whitney U with the normal approximation (ties averaged): U, z and a two-sided p-value. */
export function mannWhitney(a: readonly number[], b: readonly number[]): { u: number; z: number; p: number } {
	const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((p, q) => p.v - q.v);
	const ranks = new Array<number>(all.length);
	let tieTerm = 0;
	for (let i = 0; i < all.length;) {
		let j = i;
		while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
		const r = (i + j) / 2 + 1;
		for (let k = i; k <= j; k++) ranks[k] = r;
		const t = j - i + 1;
		tieTerm += t ** 3 - t;
		i = j + 1;
	}
	let r1 = 0;
	all.forEach((e, k) => {
		if (e.g === 0) r1 += ranks[k]!;
	});
	const n1 = a.length;
	const n2 = b.length;
	const u = r1 - (n1 * (n1 + 1)) / 2;
	const n = n1 + n2;
	const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
	const z = sigma === 0 ? 0 : (u - (n1 * n2) / 2) / sigma;
	return { u, z, p: erfc(Math.abs(z) / Math.SQRT2) };
}

function erfc(x: number): number {
	// Numerical Recipes' erfc approximation (relative error < 1.2e-7).
	const t = 1 / (1 + 0.5 * x);
	const y =
		t *
		Math.exp(
			-x * x -
				1.26551223 +
				t *
					(1.00002368 +
						t *
							(0.37409196 +
								t *
									(0.09678418 +
										t *
											(-0.18628806 +
												t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
		);
	return x >= 0 ? y : 2 - y;
}

export const fmt = (ms: number): string => `${ms.toFixed(3)} ms`;
