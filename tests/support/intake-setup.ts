/**
 * The set-up the intake and commit tests share (src/lib/server/reports/intake-commit, intake-inline and
 * intake-binary .test.ts): a world built once per database, one receipt for every draft (RECEIPT_KDF is
 * slow), the staff a report about u-k1 is sealed to, and helpers that open an intake and upload its parts,
 * build an inline commit body and read a refusal.
 */
import { beforeAll, expect } from 'vitest';
import {
	deriveReceiptKeys,
	encodeBase64,
	encodeKdfSpec,
	generateReceiptSecret,
	newKdfSpec,
	RECEIPT_KDF,
	receiptAuthHash,
	wrapKey
} from '$lib/crypto';
import type { Database } from '$lib/server/db';
import { intakeApi, partApi, powApi, type Ctx } from '$lib/server/http/reporter';
import { PART_SIZE } from '$lib/shared/limits';
import { buildWorld, jsonRequest, partRequest, solved, type Draft, type World } from './reporter-world';

/** The receipt every draft of a test file is wrapped for (see draft() in ./reporter-world). */
export interface TestReceipt {
	kdfSpec: Uint8Array;
	authHash: Uint8Array;
	wrappedFor: (k: Uint8Array) => Uint8Array;
}

/** A solved (or deliberately unsolved) proof of work, as a commit or an intake carries it. */
export interface Pow {
	challenge: string;
	nonce: number;
}

/** A refusal's status with its error: `{ status, code, field?, … }`. */
export const errorOf = (r: { status: number; body: unknown }) => ({
	status: r.status,
	...(r.body as { error: { code: string; field?: string } }).error
});

/** A report body with its files inline and the proof of work `pow`, instead of an intake. */
export function inlineOf(d: Draft, pow: Pow, over: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		...d.body('unused'),
		intake: undefined,
		pow,
		files: d.files.map((f) => encodeBase64(f)),
		...over
	};
}

/** A fresh receipt secret's derived parts (RECEIPT_KDF is slow: derive one per test file, in a beforeAll). */
export async function testReceipt(): Promise<TestReceipt> {
	const spec = newKdfSpec(RECEIPT_KDF);
	const keys = await deriveReceiptKeys(generateReceiptSecret(), spec);
	return {
		kdfSpec: encodeKdfSpec(spec),
		authHash: receiptAuthHash(keys.authKey),
		wrappedFor: (k) => wrapKey(k, keys.unwrapKey)
	};
}

/**
 * Call inside describeDb(): builds the world on `get()`'s database and derives the receipt in a
 * beforeAll, and returns the helpers over them. `world` and `receipt` are ready inside tests.
 */
export function intakeSetup(get: () => Database) {
	let world: World | null = null;
	let receipt: TestReceipt | null = null;

	beforeAll(async () => {
		world = await buildWorld(get().db);
		receipt = await testReceipt();
	});

	const ready = (): { world: World; receipt: TestReceipt } => {
		if (!world || !receipt) throw new Error('intake set-up not ready (use it inside a test)');
		return { world, receipt };
	};
	const ctx = (over: Partial<Ctx> = {}) => ready().world.ctx(over);

	/** Alice and bob of o-city: whom a report about a top leader of u-k1 is sealed to. */
	const recipients = () => {
		const w = ready().world;
		return [
			{ entryId: w.alice.entryId, publicKey: w.alice.keyPair.publicKey },
			{ entryId: w.bob.entryId, publicKey: w.bob.keyPair.publicKey }
		];
	};

	/** Opens an intake for these streams and uploads every part. */
	async function upload(files: Uint8Array[], opts: { skip?: [number, number] } = {}): Promise<string> {
		const pow = await solved(ctx(), 'intake', powApi);
		const r = await intakeApi(
			ctx(),
			jsonRequest('/api/v1/intake', { pow, files: files.map((f) => ({ bytes: f.length })) })
		);
		expect(r.status, JSON.stringify(r.body)).toBe(201);
		const id = (r.body as { intake: string }).intake;
		for (const [n, f] of files.entries()) {
			for (let i = 0; i * PART_SIZE < f.length; i++) {
				if (opts.skip && opts.skip[0] === n && opts.skip[1] === i) continue;
				const p = await partApi(ctx(), partRequest(f.subarray(i * PART_SIZE, (i + 1) * PART_SIZE)), {
					intake: id,
					n: String(n),
					i: String(i)
				});
				expect(p.status, JSON.stringify(p.body)).toBe(204);
			}
		}
		return id;
	}

	/** A report body with its files inline and a freshly solved challenge, instead of an intake. */
	async function inlineBody(d: Draft, over: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
		return inlineOf(d, await solved(ctx(), 'intake', powApi), over);
	}

	return {
		get world(): World {
			return ready().world;
		},
		get receipt(): TestReceipt {
			return ready().receipt;
		},
		ctx,
		recipients,
		upload,
		inlineBody
	};
}
