/**
 * Receipt guessing, shared by tests/e2e/abuse.e2e.ts (CI-sized) and tests/bench/receipt-guessing.ts (10,000
 * attempts): a real report submitted through the reporter's client code, wrong guesses against it and against
 * locators that do not exist (each guess paying a fresh proof of work), and what the server answers and how
 * long it takes.
 */
import { randomBytes } from 'node:crypto';
import { submitReport } from '../../src/lib/client/report/submit';
import { syncSolver } from '../../src/lib/client/report/pow';
import { inProcessCrypto } from '../support/in-process';
import { decodeKdfSpec } from '../../src/lib/crypto/kdf-spec';
import { deriveReceiptKeys } from '../../src/lib/crypto/receipt';
import { KEYED_UNITS } from '../e2e/keyed-demo';
import { ksTest, mannWhitney, postJson, solvedPow, summary } from './lib';

export interface RealReceipt {
	locator: string;
	secret: string;
	authKey: Uint8Array;
}

/** Submits a report through the reporter's own client code (in Node, in-process crypto) and derives its auth key. */
export async function submitRealReport(base: string): Promise<RealReceipt> {
	const { crypto } = inProcessCrypto();
	const unit = KEYED_UNITS.countyDepartment;
	const result = await submitReport(
		{
			routing: {
				unit: unit.unitId,
				position: 'top_leader',
				category: 'integrity',
				escalate: false,
				realName: false
			},
			details: { person: { name: '测试', post: '局长' }, description: 'receipt-guessing test report' },
			files: []
		},
		{
			fetch: (url: string, init?: RequestInit) => fetch(`${base}${url}`, init),
			crypto,
			powSolver: syncSolver,
			retry: { wait: async () => {} }
		}
	);
	const locator = result.locator.replace(/-/g, '');
	const spec = await postJson(`${base}/api/v1/receipt/spec`, { locator });
	if (spec.status !== 200) throw new Error(`spec answered ${spec.status}: ${spec.text}`);
	const keys = await deriveReceiptKeys(
		result.secret,
		decodeKdfSpec(new Uint8Array(Buffer.from((JSON.parse(spec.text) as { kdfSpec: string }).kdfSpec, 'base64')))
	);
	return { locator, secret: result.secret, authKey: keys.authKey };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A well-formed locator (10 Crockford characters) that is not `except`. */
export function randomLocator(except: string): string {
	for (;;) {
		const b = randomBytes(10);
		const l = [...b].map((x) => CROCKFORD[x & 31]).join('');
		if (l !== except) return l;
	}
}

export interface Attempt {
	status: number;
	body: string;
	retryAfter: string | null;
	ms: number;
	/** For guesses at the real locator: sent right after a right-key opening. */
	afterReset?: boolean;
}

/** One receipt log-in: a fresh challenge, solved, then the open request; only the open request is timed. */
export async function openAttempt(base: string, locator: string, authKey: Uint8Array): Promise<Attempt> {
	const { pow } = await solvedPow(base, 'receipt');
	const body = JSON.stringify({ locator, authKey: Buffer.from(authKey).toString('base64'), pow });
	const t0 = performance.now();
	const res = await fetch(`${base}/api/v1/receipt/open`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body
	});
	const text = await res.text();
	const ms = performance.now() - t0;
	return { status: res.status, body: text, retryAfter: res.headers.get('retry-after'), ms };
}

export interface GuessingResult {
	existing: Attempt[];
	missing: Attempt[];
	resets: number;
	spec: { existing: number[]; missing: number[] };
}

/**
 * `attempts` wrong guesses against the real locator and as many against locators that do not exist, in a
 * random interleaving, one request at a time. The per-locator backoff (5 free failures) would turn the real
 * locator's guesses into 429s after five, so to time the full check every `resetEvery` wrong guesses the
 * right auth key opens the report once (the only thing that clears a locator's backoff; untimed). Guesses
 * against missing locators use a fresh locator each time, so they are never in backoff either.
 */
export async function timeGuesses(
	base: string,
	real: RealReceipt,
	attempts: number,
	opts: { resetEvery?: number; onProgress?: (done: number) => void } = {}
): Promise<GuessingResult> {
	const resetEvery = opts.resetEvery ?? 4;
	const order = [...Array(attempts).fill(true), ...Array(attempts).fill(false)] as boolean[];
	for (let i = order.length - 1; i > 0; i--) {
		const j = randomBytes(4).readUInt32BE() % (i + 1);
		[order[i], order[j]] = [order[j]!, order[i]!];
	}
	const out: GuessingResult = { existing: [], missing: [], resets: 0, spec: { existing: [], missing: [] } };
	let sinceReset = resetEvery; // open with the right key first: the locator may carry failures from before
	for (const [k, existing] of order.entries()) {
		if (existing) {
			if (sinceReset === resetEvery) {
				const ok = await openAttempt(base, real.locator, real.authKey);
				if (ok.status !== 200) throw new Error(`the right auth key was refused: ${ok.status} ${ok.body}`);
				out.resets++;
				sinceReset = 0;
			}
			out.existing.push({ ...(await openAttempt(base, real.locator, randomBytes(32))), afterReset: sinceReset === 0 });
			sinceReset++;
		} else {
			out.missing.push(await openAttempt(base, randomLocator(real.locator), randomBytes(32)));
		}
		// The KDF spec look-up (first step of a log-in) is timed too, real vs made-up.
		if (k % 4 === 0) {
			const loc = existing ? real.locator : randomLocator(real.locator);
			const t0 = performance.now();
			const r = await postJson(`${base}/api/v1/receipt/spec`, { locator: loc });
			(existing ? out.spec.existing : out.spec.missing).push(performance.now() - t0);
			if (r.status !== 200) throw new Error(`spec answered ${r.status}`);
		}
		opts.onProgress?.(k + 1);
	}
	return out;
}

/** Wrong guesses against one real and one missing locator, alternating, with no reset: where the limits bite. */
export async function limitSequence(
	base: string,
	real: RealReceipt,
	attempts: number
): Promise<{ existing: Attempt[]; missing: Attempt[] }> {
	const missingLocator = randomLocator(real.locator);
	const out = { existing: [] as Attempt[], missing: [] as Attempt[] };
	for (let i = 0; i < attempts; i++) {
		out.existing.push(await openAttempt(base, real.locator, randomBytes(32)));
		out.missing.push(await openAttempt(base, missingLocator, randomBytes(32)));
	}
	return out;
}

/** A compact run-length listing of statuses, e.g. `403×5 429×7`. */
export function statusRuns(xs: Attempt[]): string {
	const runs: string[] = [];
	let prev = -1;
	let n = 0;
	for (const a of xs) {
		if (a.status === prev) n++;
		else {
			if (n > 0) runs.push(`${prev}×${n}`);
			prev = a.status;
			n = 1;
		}
	}
	if (n > 0) runs.push(`${prev}×${n}`);
	return runs.join(' ');
}

export function timingReport(
	label: string,
	a: number[],
	b: number[]
): { text: string; ks: { d: number; p: number }; mw: { u: number; z: number; p: number } } {
	const sa = summary(a);
	const sb = summary(b);
	const ks = ksTest(a, b);
	const mw = mannWhitney(a, b);
	const f = (s: ReturnType<typeof summary>) =>
		`n=${s.n} p10=${s.p10.toFixed(3)} median=${s.median.toFixed(3)} p90=${s.p90.toFixed(3)} mean=${s.mean.toFixed(3)} ms`;
	const text = [
		`${label}:`,
		`  existing locator: ${f(sa)}`,
		`  missing locator:  ${f(sb)}`,
		`  median difference ${(sa.median - sb.median).toFixed(3)} ms; KS D=${ks.d.toFixed(4)} (p=${ks.p.toFixed(3)}); Mann-Whitney U=${mw.u.toFixed(0)} z=${mw.z.toFixed(2)} (p=${mw.p.toFixed(3)})`
	].join('\n');
	return { text, ks, mw };
}
