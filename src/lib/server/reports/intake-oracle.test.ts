/**
 * Issue 16: the report existence oracle and the inline commit's order of checks.
 * - With one intake a client could probe 查询码: 409 `locator_taken` for a taken one, 409
 *   `incomplete_upload` for any other. Now the intake is checked before the locator, and a refusal for a
 *   taken locator spends the intake, so each probe costs an intake and its proof of work, like a report.
 * - An inline commit checks its proof of work before it reads the database.
 */
import { beforeAll, expect, it } from 'vitest';
import { encodeBase64, utf8 } from '$lib/crypto';
import { testReceipt } from '$support/intake-setup';
import { describeDb } from '$support/db';
import type { Db } from '$lib/server/db';
import { intakeApi, parseReportBody, powApi, reportsApi, type Ctx } from '$lib/server/http/reporter';
import { commitReport } from './intake';
import {
	buildWorld,
	counts,
	draft,
	jsonRequest,
	solved,
	uploadAll,
	type World
} from '../../../../tests/support/reporter-world';

describeDb('existence oracle and inline proof of work', (get) => {
	let world: World;
	let receipt: { kdfSpec: Uint8Array; authHash: Uint8Array; wrappedFor: (k: Uint8Array) => Uint8Array };
	const ctx = (over: Partial<Ctx> = {}) => world.ctx(over);
	const recipients = () => [
		{ entryId: world.alice.entryId, publicKey: world.alice.keyPair.publicKey },
		{ entryId: world.bob.entryId, publicKey: world.bob.keyPair.publicKey }
	];
	const commit = (body: unknown) => reportsApi(ctx(), jsonRequest('/api/v1/reports', body));
	let takenLocator = '';

	beforeAll(async () => {
		world = await buildWorld(get().db);
		receipt = await testReceipt();
		const first = draft({ recipients: recipients(), receipt });
		expect((await commit(first.body(await uploadAll(ctx(), [])))).status).toBe(201);
		takenLocator = first.locator;
	});

	/** The same draft's body with another locator (and a receipt that is not the taken report's). */
	const withLocator = (body: Record<string, unknown>, locator: string) => ({
		...body,
		receipt: {
			...(body.receipt as Record<string, unknown>),
			locator,
			authHash: Buffer.alloc(32, 9).toString('base64')
		}
	});

	it('answers an incomplete intake identically for a taken and a free locator (status, body, timing)', async () => {
		const d = draft({ recipients: recipients(), receipt, files: [utf8('evidence')] });
		// The intake is opened for one file, but its one part never arrives.
		const probeIntake = await openWithoutParts(d.files[0]!.length);
		const body = d.body(probeIntake);
		const before = await counts(get().db);
		const times: Record<'taken' | 'free', number[]> = { taken: [], free: [] };
		const answers = new Set<string>();
		for (let i = 0; i < 16; i++) {
			for (const which of i % 2 ? (['taken', 'free'] as const) : (['free', 'taken'] as const)) {
				const locator = which === 'taken' ? takenLocator : draft({ recipients: [], receipt }).locator;
				const t0 = performance.now();
				const r = await commit(withLocator(body, locator));
				times[which].push(performance.now() - t0);
				answers.add(JSON.stringify({ status: r.status, body: r.body }));
			}
		}
		expect([...answers]).toHaveLength(1);
		expect(JSON.parse([...answers][0]!)).toMatchObject({ status: 409, body: { error: { code: 'incomplete_upload' } } });
		// Nothing written, the intake still open for the honest reporter.
		expect(await counts(get().db)).toEqual(before);
		const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
		const [taken, free] = [median(times.taken), median(times.free)];
		console.log(`incomplete intake, median answer: taken ${taken.toFixed(2)} ms, free ${free.toFixed(2)} ms`);
		expect(taken / free).toBeGreaterThan(0.5);
		expect(taken / free).toBeLessThan(2);
	});

	/** Opens an intake with a solved challenge for one file of `bytes`, and uploads nothing. */
	async function openWithoutParts(bytes: number): Promise<string> {
		const r = await intakeApi(
			ctx(),
			jsonRequest('/api/v1/intake', { pow: await solved(ctx(), 'intake', powApi), files: [{ bytes }] })
		);
		expect(r.status).toBe(201);
		return (r.body as { intake: string }).intake;
	}

	it('spends a complete intake on a taken locator: one probe per intake and proof of work', async () => {
		const d = draft({ recipients: recipients(), receipt });
		const id = await uploadAll(ctx(), []);
		const r = await commit(withLocator(d.body(id), takenLocator));
		expect(r).toMatchObject({ status: 409, body: { error: { code: 'locator_taken' } } });
		// The same intake cannot probe again, with any locator.
		for (const locator of [takenLocator, d.locator])
			expect(await commit(withLocator(d.body(id), locator))).toMatchObject({
				status: 404,
				body: { error: { code: 'unknown_intake' } }
			});
		// An honest reporter's retry after a lost answer still succeeds (same locator, same receipt).
		const honest = draft({ recipients: recipients(), receipt });
		const hid = await uploadAll(ctx(), []);
		expect((await commit(honest.body(hid))).status).toBe(201);
		expect(await commit(honest.body(hid))).toMatchObject({ status: 201, body: { locator: honest.locator } });
	});

	it('an inline commit checks its proof of work before it reads the database', async () => {
		const d = draft({ recipients: recipients(), receipt, files: [utf8('x')] });
		const inline = { ...d.body('unused'), intake: undefined, files: d.files.map((f) => encodeBase64(f)) };
		// A database that fails the test on any use.
		const touched: string[] = [];
		const noDb = new Proxy({} as Db, {
			get(_t, p) {
				touched.push(String(p));
				throw new Error(`database used: ${String(p)}`);
			}
		});
		const settings = { maxFiles: 3, maxFileBytes: 1 << 22, maxReportBytes: 1 << 23, timezone: 'Asia/Shanghai' };
		for (const [pow, code] of [
			[undefined, 'pow_required'],
			[{ challenge: 'AAAA', nonce: 1 }, 'pow_invalid'],
			[{ challenge: 'A'.repeat(43), nonce: -1 }, 'pow_invalid']
		] as const) {
			const body = parseReportBody({ ...inline, pow });
			expect(body.ok, JSON.stringify(body)).toBe(true);
			if (!body.ok) continue;
			const r = await commitReport(noDb, body.value, settings);
			expect(r).toMatchObject({ ok: false, code });
		}
		expect(touched).toEqual([]);
		// The same body with a solved challenge does reach the database and commits.
		const solvedPow = await solved(ctx(), 'intake', powApi);
		expect((await commit({ ...inline, pow: solvedPow })).status).toBe(201);
	});
});
