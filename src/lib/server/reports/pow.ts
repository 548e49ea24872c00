/**
 * Proof of work for submissions and receipt log-ins (docs/reporting.md §1): server-issued, HMAC-tagged,
 * single-use, expiring challenges. The challenge format (layout, purposes, lengths) is src/lib/shared/pow.ts;
 * the tag is HMAC-SHA-256(key("pow"), bytes 0..23)[0..16]. Spent ids are kept in pow_spent until they expire.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { lt } from 'drizzle-orm';
import { fromBase64Url, toBase64Url } from '$lib/shared/encoding';
import {
	CHALLENGE_ID_LENGTH,
	CHALLENGE_LENGTH,
	CHALLENGE_OFFSETS,
	challengeFields,
	leadingZeroBits,
	MAX_BASE_DIFFICULTY,
	MAX_EXTRA_BITS,
	nonceBytes,
	POW_LIFETIME_SECONDS,
	POW_PURPOSES,
	POW_VERSION,
	SIGNED_LENGTH,
	type PowPurpose
} from '$lib/shared/pow';
import type { PowChallenge } from '$lib/shared/wire/reporter';
import type { Db } from '$lib/server/db';
import type { Refusal } from '$lib/server/http/result';
import { powSpent } from '$lib/server/db/schema';
import { mac, serverKey } from './secrets';

export type { PowPurpose };

/**
 * Challenges issued per window (a minute unless config POW_WINDOW_SECONDS says otherwise), in memory. The
 * difficulty rises one bit per doubling of the busier of the current and the previous window above the free
 * rate, and falls back as soon as a quiet window passes.
 */
export class PowLoad {
	private window = -1;
	private current = 0;
	private previous = 0;

	private roll(nowMs: number, windowMs: number): void {
		const w = Math.floor(nowMs / windowMs);
		if (w === this.window) return;
		this.previous = w === this.window + 1 ? this.current : 0;
		this.current = 0;
		this.window = w;
	}

	/** Records one issued challenge. */
	count(nowMs: number, windowMs = 60_000): void {
		this.roll(nowMs, windowMs);
		this.current++;
	}

	/** Extra bits for the current load (`freePerMinute` scaled to the window). */
	extraBits(nowMs: number, freePerMinute: number, windowMs = 60_000): number {
		this.roll(nowMs, windowMs);
		const rate = Math.max(this.current, this.previous);
		const free = (freePerMinute * windowMs) / 60_000;
		if (rate <= free) return 0;
		return Math.min(MAX_EXTRA_BITS, Math.ceil(Math.log2(rate / free)));
	}
}

const load = new PowLoad();

export interface PowSettings {
	/** Base difficulty in bits (config POW_DIFFICULTY). */
	difficulty: number;
	/** Config POW_FREE_PER_MINUTE. */
	freePerMinute: number;
	/** Length of the load window in ms (config POW_WINDOW_SECONDS; default a minute). */
	windowMs?: number;
	/** The load counter (tests pass their own). */
	load?: PowLoad;
}

/** Issues a challenge for `purpose`. */
export async function issueChallenge(
	db: Db,
	purpose: PowPurpose,
	settings: PowSettings,
	now = new Date()
): Promise<PowChallenge> {
	const counter = settings.load ?? load;
	const difficulty = Math.min(
		MAX_BASE_DIFFICULTY,
		settings.difficulty + counter.extraBits(now.getTime(), settings.freePerMinute, settings.windowMs)
	);
	counter.count(now.getTime(), settings.windowMs);
	const expiresAt = Math.floor(now.getTime() / 1000) + POW_LIFETIME_SECONDS;
	const bytes = challengeFields({ purpose, difficulty, expiresAt, id: randomBytes(CHALLENGE_ID_LENGTH) });
	bytes.set(mac(await serverKey(db, 'pow'), bytes.subarray(0, SIGNED_LENGTH)).subarray(0, 16), SIGNED_LENGTH);
	return { challenge: toBase64Url(bytes), difficulty, expiresAt };
}

/** SHA-256(challenge | u64be(nonce)). */
export function powHash(challenge: Uint8Array, nonce: number): Uint8Array {
	return createHash('sha256').update(challenge).update(nonceBytes(nonce)).digest();
}

/** Finds a nonce (tests and tools; browsers have their own solver in a worker). */
export function solvePow(challenge: string, difficulty: number): number {
	const bytes = fromBase64Url(challenge, CHALLENGE_LENGTH);
	if (!bytes) throw new Error('malformed challenge');
	for (let nonce = 0; ; nonce++) if (leadingZeroBits(powHash(bytes, nonce)) >= difficulty) return nonce;
}

/** Why a solution is refused (a replay is found when it is spent: `pow_replayed`). */
export type PowRefusal = 'pow_required' | 'pow_invalid' | 'pow_expired';

/** A checked solution (its id and expiry, to spend it), or the refusal. */
export type PowCheck = { ok: true; id: Uint8Array; expiresAt: Date } | Refusal<PowRefusal>;

/**
 * Checks a solution without recording it: format, tag, purpose, expiry and the work. The caller spends it
 * with {@link spendPow} in the transaction that acts on it.
 */
export async function verifyPow(db: Db, pow: unknown, purpose: PowPurpose, now = new Date()): Promise<PowCheck> {
	if (pow === undefined || pow === null) return { ok: false, code: 'pow_required' };
	if (typeof pow !== 'object') return { ok: false, code: 'pow_invalid' };
	const { challenge, nonce } = pow as { challenge?: unknown; nonce?: unknown };
	const bytes = fromBase64Url(challenge, CHALLENGE_LENGTH);
	if (!bytes || bytes.length !== CHALLENGE_LENGTH || bytes[CHALLENGE_OFFSETS.version] !== POW_VERSION)
		return { ok: false, code: 'pow_invalid' };
	if (typeof nonce !== 'number' || !Number.isSafeInteger(nonce) || nonce < 0) return { ok: false, code: 'pow_invalid' };
	const tag = mac(await serverKey(db, 'pow'), bytes.subarray(0, SIGNED_LENGTH)).subarray(0, 16);
	if (!timingSafeEqual(tag, bytes.subarray(SIGNED_LENGTH))) return { ok: false, code: 'pow_invalid' };
	if (bytes[CHALLENGE_OFFSETS.purpose] !== POW_PURPOSES[purpose]) return { ok: false, code: 'pow_invalid' };
	const expiresAt = new DataView(bytes.buffer, bytes.byteOffset).getUint32(CHALLENGE_OFFSETS.expiresAt);
	if (expiresAt * 1000 <= now.getTime()) return { ok: false, code: 'pow_expired' };
	if (leadingZeroBits(powHash(bytes, nonce)) < bytes[CHALLENGE_OFFSETS.difficulty]!)
		return { ok: false, code: 'pow_invalid' };
	return {
		ok: true,
		id: bytes.slice(CHALLENGE_OFFSETS.id, SIGNED_LENGTH),
		expiresAt: new Date(expiresAt * 1000)
	};
}

/** Records a challenge id as used; false when it already was (a replay). */
export async function spendPow(db: Db, check: { id: Uint8Array; expiresAt: Date }): Promise<boolean> {
	const rows = await db
		.insert(powSpent)
		.values({ id: check.id, expiresAt: check.expiresAt })
		.onConflictDoNothing()
		.returning({ id: powSpent.id });
	return rows.length === 1;
}

/** Deletes spent ids whose challenges have expired; returns how many. */
export async function purgeSpent(db: Db, now: Date): Promise<number> {
	return (await db.delete(powSpent).where(lt(powSpent.expiresAt, now)).returning({ id: powSpent.id })).length;
}
