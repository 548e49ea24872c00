/**
 * Test helpers for the reporter's API: a small directory with real staff keys under a real root key, and
 * a reporter's browser in Node (src/lib/crypto) that encrypts, seals and uploads like the client does.
 */
import { sql } from 'drizzle-orm';
import {
	encodeBase64,
	encryptAttachment,
	encryptContent,
	generateLocator,
	generateReportKey,
	sealKey,
	utf8,
	type NewReceipt,
	type RootKeyPair
} from '$lib/crypto';
import type { SuiteId } from '$lib/crypto/suite';
import type { Db } from '$lib/server/db';
import { rowsOf } from '$lib/server/org/sql';
import type { Ctx, Limits, ReportSettings } from '$lib/server/http/reporter';
import { intakeApi, newLimits, partApi, powApi } from '$lib/server/http/reporter';
import { fromBase64Url } from '$lib/shared/encoding';
import { PART_SIZE } from '$lib/shared/limits';
import { CHALLENGE_LENGTH, leadingZeroBits, type PowPurpose } from '$lib/shared/pow';
import { powHash, solvePow } from '$lib/server/reports/pow';
import { insertStaffUsers, keyStaff, NOW, pinTestRoot, storeOrgTree, type Staff } from './org-world';

export const SETTINGS: ReportSettings = {
	powDifficulty: 4,
	powFreePerMinute: 100_000,
	maxFiles: 3,
	maxFileBytes: 3 * 1024 * 1024,
	maxReportBytes: 4 * 1024 * 1024,
	intakePerHour: 1000,
	receiptPer10Min: 1000,
	statsMinCount: 2,
	timezone: 'Asia/Shanghai'
};

export { keyStaff, NOW, type Staff };

export interface World {
	root: RootKeyPair;
	alice: Staff;
	bob: Staff;
	carol: Staff;
	/** Keyed but without a directory entry of its own organ (o-county). */
	dave: string;
	limits: Limits;
	ctx(over?: Partial<Ctx>): Ctx;
}

/**
 * Units: province u-prov > city u-city > counties u-k1, u-k2, each with a commission (o-prov > o-city >
 * o-k1, o-k2). Staff: alice and bob inspect in o-city, carol heads o-prov, dave inspects in o-k1 without a
 * key. Bob has declared a conflict for u-k2. A top leader of u-k1 goes to o-city (alice, bob); of u-k2 to
 * o-city without bob.
 */
export async function buildWorld(db: Db, suite: SuiteId = 'nacl'): Promise<World> {
	const [aliceId, bobId, carolId, daveId] = await insertStaffUsers(db, ['alice', 'bob', 'carol', 'dave']);
	await storeOrgTree(
		db,
		[
			{ id: aliceId, organId: 'o-city', role: 'inspector', hasKey: false },
			{ id: bobId, organId: 'o-city', role: 'inspector', hasKey: false },
			{ id: carolId, organId: 'o-prov', role: 'head', hasKey: false },
			{ id: daveId, organId: 'o-k1', role: 'inspector', hasKey: true }
		],
		[{ staffId: bobId, unitId: 'u-k2', reason: '曾任职' }]
	);
	const root = await pinTestRoot(db, suite);
	const keyed = (id: string, organId: string, role: string) => keyStaff(db, root, id, organId, role);
	const alice = await keyed(aliceId, 'o-city', 'inspector');
	const bob = await keyed(bobId, 'o-city', 'inspector');
	const carol = await keyed(carolId, 'o-prov', 'head');
	const limits = newLimits();
	return {
		root,
		alice,
		bob,
		carol,
		dave: daveId,
		limits,
		ctx: (over = {}) => ({ db, settings: SETTINGS, address: 'addr:192.0.2.1', now: NOW, limits, ...over })
	};
}

/** A JSON request. */
export function jsonRequest(path: string, body: unknown, headers: Record<string, string> = {}): Request {
	return new Request(`http://localhost${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});
}

/** A PUT of raw bytes. */
export function partRequest(data: Uint8Array, headers: Record<string, string> = {}): Request {
	return new Request('http://localhost/part', {
		method: 'PUT',
		headers: { 'content-type': 'application/octet-stream', ...headers },
		body: data.slice()
	});
}

/** A solved challenge for `purpose`, issued through the API. */
export async function solved(
	ctx: Ctx,
	purpose: PowPurpose,
	powApi: (c: Ctx, r: Request) => Promise<{ status: number; body: unknown }>
): Promise<{ challenge: string; nonce: number }> {
	const r = await powApi(ctx, jsonRequest('/api/v1/pow', { purpose }));
	const c = r.body as { challenge: string; difficulty: number };
	return { challenge: c.challenge, nonce: solvePow(c.challenge, c.difficulty) };
}

/** A nonce above `from` that does NOT solve the challenge (a random one would, once in 2^difficulty). */
export function wrongNonce(challenge: string, from: number): number {
	const bytes = fromBase64Url(challenge, CHALLENGE_LENGTH)!;
	const difficulty = bytes[2]!;
	let n = from + 1;
	while (leadingZeroBits(powHash(bytes, n)) >= difficulty) n++;
	return n;
}

/** What the reporter's browser prepares for one report. */
export interface Draft {
	reportKey: Uint8Array;
	files: Uint8Array[];
	body: (intake: string, over?: Record<string, unknown>) => Record<string, unknown>;
	locator: string;
}

/**
 * Encrypts content and files under a fresh report key, seals it to `recipients` and wraps it for the
 * receipt. `receipt` is a receipt made once per test file (RECEIPT_KDF is slow); its key material is
 * re-wrapped for each draft's report key by the caller passing `wrapFor`.
 */
export function draft(opts: {
	recipients: { entryId: Uint8Array; publicKey: Uint8Array }[];
	receipt: Pick<NewReceipt, 'kdfSpec' | 'authHash'> & { wrappedFor: (reportKey: Uint8Array) => Uint8Array };
	files?: Uint8Array[];
	unit?: string;
	position?: string;
	realName?: boolean;
	category?: string;
	text?: string;
}): Draft {
	const reportKey = generateReportKey();
	const content = encryptContent(
		reportKey,
		utf8(JSON.stringify({ v: 1, description: opts.text ?? 'canary-7f3a 清风' }))
	);
	const files = (opts.files ?? []).map((data, i) =>
		encryptAttachment(reportKey, data, { name: `evidence-${i}.bin`, type: 'application/octet-stream' })
	);
	const locator = generateLocator();
	const wrappedKey = opts.receipt.wrappedFor(reportKey);
	return {
		reportKey,
		files,
		locator,
		body: (intake, over = {}) => ({
			v: 1,
			intake,
			routing: {
				unit: opts.unit ?? 'u-k1',
				position: opts.position ?? 'top_leader',
				category: opts.category ?? 'integrity',
				escalate: false,
				realName: opts.realName ?? false
			},
			organ: 'o-city',
			content: encodeBase64(content),
			wraps: opts.recipients.map((r) => ({
				entryId: encodeBase64(r.entryId),
				sealed: encodeBase64(sealKey(reportKey, r.publicKey))
			})),
			receipt: {
				locator,
				kdfSpec: encodeBase64(opts.receipt.kdfSpec),
				authHash: encodeBase64(opts.receipt.authHash),
				wrappedKey: encodeBase64(wrappedKey)
			},
			...over
		})
	};
}

/** Row counts of every report table. */
export async function counts(db: Db): Promise<Record<string, number>> {
	const [row] = rowsOf<Record<string, number>>(
		await db.execute(sql`select
			(select count(*)::int from report) as report,
			(select count(*)::int from report_key_wrap) as wraps,
			(select count(*)::int from report_message) as messages,
			(select count(*)::int from intake) as intakes,
			(select count(*)::int from attachment) as attachments,
			(select count(*)::int from attachment_part) as parts,
			(select count(*)::int from pow_spent) as pow`)
	);
	return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
}

/** Opens an intake (with a solved challenge, or with a follow-up token) and uploads every part of `files`. */
export async function uploadAll(ctx: Ctx, files: Uint8Array[], token?: string): Promise<string> {
	const body = token
		? { files: files.map((f) => ({ bytes: f.length })) }
		: { pow: await solved(ctx, 'intake', powApi), files: files.map((f) => ({ bytes: f.length })) };
	const r = await intakeApi(
		ctx,
		jsonRequest('/api/v1/intake', body, token ? { authorization: `Bearer ${token}` } : {})
	);
	if (r.status !== 201) throw new Error(`intake: ${JSON.stringify(r.body)}`);
	const id = (r.body as { intake: string }).intake;
	for (const [n, f] of files.entries()) {
		for (let i = 0; i * PART_SIZE < f.length; i++) {
			const p = await partApi(ctx, partRequest(f.subarray(i * PART_SIZE, (i + 1) * PART_SIZE)), {
				intake: id,
				n: String(n),
				i: String(i)
			});
			if (p.status !== 204) throw new Error(`part: ${JSON.stringify(p.body)}`);
		}
	}
	return id;
}
