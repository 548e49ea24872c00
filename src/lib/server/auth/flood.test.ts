/**
 * Issue 16, "one client can stall the service": /staff/reset ran Argon2id on the event loop before it looked
 * at the token, so about ten requests a second froze intake. Now the throttle and the token's format are
 * checked in memory, the token is looked up before any hashing, and the hashing runs in worker threads.
 * These tests flood reset (and sign-in's Argon2) while reports are submitted, and compare intake latency
 * with idle.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import { describeDb } from '$support/db';
import { intakeApi, powApi, type Ctx } from '$lib/server/http/reporter';
import { WindowLimiter } from '$lib/server/reports/limits';
import { buildWorld, jsonRequest, solved, type World } from '../../../../tests/support/reporter-world';
import { createPasswordReset, createStaffUser } from './accounts';
import { argon2Pool } from './argon2-pool';
import { TOKEN_POSTS_PER_10MIN } from './gate';
import { hashAuthKey, verifyAuthKey } from './password';
import { resetPassword } from './reset';

const b64 = (n: number, fill?: number) =>
	Buffer.from(fill === undefined ? randomBytes(n) : new Uint8Array(n).fill(fill)).toString('base64');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

describeDb('a reset flood does not stall intake', (get) => {
	let world: World;
	const ctx = (over: Partial<Ctx> = {}) => world.ctx(over);

	beforeAll(async () => {
		world = await buildWorld(get().db);
	});
	afterAll(async () => {
		await argon2Pool().close();
	});

	let reporters = 0;
	/** Submits intakes one after the other (at least `n`, for at least `ms`); the time of each intake request alone (its work solved before). */
	async function intakeTimes(n: number, ms = 0): Promise<number[]> {
		const times: number[] = [];
		const until = performance.now() + ms;
		for (let i = 0; i < n || performance.now() < until; i++) {
			// Each intake from its own address: a fast machine fits more intakes in `ms` than one address may
			// send (the intake's own rate limit would answer 429); the flood is what this test measures.
			const reporter = ctx({ address: `addr:reporter-${++reporters}` });
			const pow = await solved(reporter, 'intake', powApi);
			const t0 = performance.now();
			const r = await intakeApi(reporter, jsonRequest('/api/v1/intake', { pow, files: [] }));
			times.push(performance.now() - t0);
			expect(r.status).toBe(201);
			// Requests arrive from the network, as macrotasks: let timers (the flood) run in between.
			await new Promise((resolve) => setImmediate(resolve));
		}
		return times;
	}

	it('refuses a wrong or malformed token without Argon2, and throttles per address before the database', async () => {
		const db = get().db;
		const limiter = new WindowLimiter(600_000);
		const input = { token: encodeBase64urlNoPadding(randomBytes(24)), salt: b64(16), authKey: b64(32) };
		let answers = 0;
		for (let i = 0; i < TOKEN_POSTS_PER_10MIN; i++) {
			const r = await resetPassword(db, 'addr:one', input, { limiter });
			expect(r).toEqual({ ok: false, reason: 'invalid' });
			answers++;
		}
		expect(answers).toBe(TOKEN_POSTS_PER_10MIN);
		// Over the limit: refused before the database (a closed handle would throw if it were used).
		const noDb = new Proxy({} as typeof db, {
			get() {
				throw new Error('database used');
			}
		});
		expect(await resetPassword(noDb, 'addr:one', input, { limiter })).toMatchObject({ ok: false, reason: 'throttled' });
		// Another address is not throttled, and a token of the wrong format is refused without the database.
		for (const token of ['', 'short', 'x'.repeat(65), '../../etc/passwd-xxxxxxxxxxxxxxxxxxxx', 42, null])
			expect(await resetPassword(noDb, 'addr:two', { ...input, token }, { limiter })).toEqual({
				ok: false,
				reason: 'invalid'
			});
		// Argon2 runs only for a live token: a pool that fails every job would make the live reset fail.
		const user = await createStaffUser(db, {
			username: 'flood-bob',
			displayName: 'Bob',
			isAdmin: false,
			authSalt: new Uint8Array(16),
			authKey: new Uint8Array(32).fill(1)
		});
		if (!user.ok) throw new Error('setup');
		const made = await createPasswordReset(db, { userId: user.user.id, createdBy: user.user.id });
		if (!made.ok) throw new Error('setup');
		const newKey = new Uint8Array(32).fill(2);
		const done = await resetPassword(db, 'addr:three', { token: made.token, salt: b64(16, 7), authKey: b64(32, 2) });
		expect(done.ok).toBe(true);
		if (done.ok) expect(await verifyAuthKey(newKey, done.user.authHash)).toBe(true);
	});

	it('the server Argon2 runs off the event loop: the loop keeps ticking during a burst of hashes', async () => {
		const gaps: number[] = [];
		let last = performance.now();
		const timer = setInterval(() => {
			const t = performance.now();
			gaps.push(t - last);
			last = t;
		}, 5);
		const started = performance.now();
		await Promise.all(Array.from({ length: 6 }, () => hashAuthKey(randomBytes(32))));
		const took = performance.now() - started;
		clearInterval(timer);
		const worst = Math.max(...gaps);
		console.log(`6 server hashes: ${took.toFixed(0)} ms in all; longest event-loop gap ${worst.toFixed(1)} ms`);
		// On the event loop each hash (19 MiB, t=2) would block it for its whole time, about took / 6 (the
		// hashes run one after another there); in the pool the loop's longest gap is a fraction of that.
		expect(worst).toBeLessThan(took / 12);
	});

	it('intake latency during a reset flood stays within 2× of idle', async () => {
		const db = get().db;
		await intakeTimes(10); // warm-up
		// The flood: 20 resets a second (twice what froze the old server), each with a fresh well-formed token
		// from one of 40 addresses (so the per-address limit alone does not stop it). Idle and flooded phases
		// alternate, so a change in the machine's load hits both alike.
		let flooding = false;
		let stop = false;
		const inflight: Promise<unknown>[] = [];
		const refused: Record<string, number> = {};
		const flood = (async () => {
			for (let i = 0; !stop; i++) {
				if (flooding) {
					const input = { token: encodeBase64urlNoPadding(randomBytes(24)), salt: b64(16), authKey: b64(32) };
					inflight.push(
						resetPassword(db, `addr:flood-${i % 40}`, input).then((r) => {
							const k = r.ok ? 'ok' : r.reason;
							refused[k] = (refused[k] ?? 0) + 1;
						})
					);
				}
				await new Promise((r) => setTimeout(r, 50));
			}
		})();
		const idle: number[] = [];
		const flooded: number[] = [];
		for (let round = 0; round < 3; round++) {
			flooding = false;
			idle.push(...(await intakeTimes(8, 800)));
			flooding = true;
			await new Promise((r) => setTimeout(r, 100));
			flooded.push(...(await intakeTimes(8, 800)));
		}
		stop = true;
		await flood;
		await Promise.all(inflight);
		const [a, b] = [median(idle), median(flooded)];
		console.log(
			`intake median idle ${a.toFixed(2)} ms (n=${idle.length}), during the flood ${b.toFixed(2)} ms ` +
				`(n=${flooded.length}, ×${(b / a).toFixed(2)}); flood answers ${JSON.stringify(refused)}`
		);
		expect((refused.invalid ?? 0) + (refused.throttled ?? 0)).toBeGreaterThanOrEqual(20);
		expect(refused.ok ?? 0).toBe(0);
		expect(b).toBeLessThanOrEqual(2 * a);
	}, 120_000);
});
