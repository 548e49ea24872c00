/**
 * The key stay on the server (issue 18; docs/security.md, "The key stays unlocked across page loads"): one
 * opaque blob per staff session, the member's secret key sealed by their browser under a non-extractable
 * AES-GCM key the server never sees. The server keeps it for the key's idle time, pushed forward while the
 * member is active (GET and PATCH), and forgets it on Lock (DELETE), sign-out and session end (the row cascades
 * with its session), password change (`dropUserKeyStays`) and expiry (checked on every read; the
 * `key-stay-sweep` job deletes what nobody came back for).
 */
import { and, eq, gt, inArray, lte } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { staffKeyStay, staffSession } from '$lib/server/db/schema';
import { registerJob } from '$lib/server/jobs/registry';
import { fromBase64, toBase64 } from '$lib/shared/encoding';
import { KEY_STAY_BYTES, KEY_STAY_VERSION, type KeyStayAnswer } from '$lib/shared/key-stay';
import { ok, refuse, type Result } from '$lib/server/http/result';

const expiry = (now: Date, idleSeconds: number) => new Date(now.getTime() + idleSeconds * 1000);

/** Stores (or replaces) the session's blob, valid for `idleSeconds` from `now`. */
export async function storeKeyStay(
	db: Db,
	sessionId: string,
	wrapped: Uint8Array,
	now: Date,
	idleSeconds: number
): Promise<void> {
	const expiresAt = expiry(now, idleSeconds);
	await db
		.insert(staffKeyStay)
		.values({ sessionId, wrapped, createdAt: now, expiresAt })
		.onConflictDoUpdate({ target: staffKeyStay.sessionId, set: { wrapped, createdAt: now, expiresAt } });
}

/**
 * The session's blob if it has not expired, its expiry pushed to `now + idleSeconds`; null otherwise (an
 * expired blob is deleted here).
 */
export async function readKeyStay(
	db: Db,
	sessionId: string,
	now: Date,
	idleSeconds: number
): Promise<Uint8Array | null> {
	const rows = await db
		.update(staffKeyStay)
		.set({ expiresAt: expiry(now, idleSeconds) })
		.where(and(eq(staffKeyStay.sessionId, sessionId), gt(staffKeyStay.expiresAt, now)))
		.returning({ wrapped: staffKeyStay.wrapped });
	if (rows[0]) return rows[0].wrapped;
	// Only an expired row: a store racing this read (another tab unlocking) must survive it.
	await db.delete(staffKeyStay).where(and(eq(staffKeyStay.sessionId, sessionId), lte(staffKeyStay.expiresAt, now)));
	return null;
}

/** Pushes the expiry of a live blob forward (the member is active); false when there is none. */
export async function touchKeyStay(db: Db, sessionId: string, now: Date, idleSeconds: number): Promise<boolean> {
	const rows = await db
		.update(staffKeyStay)
		.set({ expiresAt: expiry(now, idleSeconds) })
		.where(and(eq(staffKeyStay.sessionId, sessionId), gt(staffKeyStay.expiresAt, now)))
		.returning({ id: staffKeyStay.sessionId });
	return rows.length > 0;
}

export async function dropKeyStay(db: Db, sessionId: string): Promise<void> {
	await db.delete(staffKeyStay).where(eq(staffKeyStay.sessionId, sessionId));
}

/** Every blob of a member's sessions (password change). */
export async function dropUserKeyStays(db: Db, userId: string): Promise<void> {
	const sessions = db.select({ id: staffSession.id }).from(staffSession).where(eq(staffSession.userId, userId));
	await db.delete(staffKeyStay).where(inArray(staffKeyStay.sessionId, sessions));
}

/** Deletes every expired blob; returns how many. */
export async function sweepKeyStays(db: Db, now: Date): Promise<{ deleted: number }> {
	const rows = await db
		.delete(staffKeyStay)
		.where(lte(staffKeyStay.expiresAt, now))
		.returning({ id: staffKeyStay.sessionId });
	return { deleted: rows.length };
}

/** Every minute: expired key stays are deleted even when their session never comes back. */
registerJob('key-stay-sweep', '* * * * *', (db, now) => sweepKeyStays(db, now));

/* ------------------------------------------------------------------ the staff API's answers */

/** The blob of a PUT body `{ wrapped }`: base64 of exactly KEY_STAY_BYTES bytes in format KEY_STAY_VERSION. */
export function parseKeyStayBody(body: unknown): Result<Uint8Array, 'invalid_field' | 'unsupported_version'> {
	const raw = typeof body === 'object' && body !== null ? (body as { wrapped?: unknown }).wrapped : undefined;
	const bytes = fromBase64(raw, KEY_STAY_BYTES);
	if (!bytes || bytes.length !== KEY_STAY_BYTES) return refuse('invalid_field', { field: 'wrapped' });
	if (bytes[0] !== KEY_STAY_VERSION) return refuse('unsupported_version', { field: 'wrapped' });
	return ok(bytes);
}

/** GET's answer: the blob as base64, or null. */
export function keyStayAnswer(wrapped: Uint8Array | null): KeyStayAnswer {
	return { wrapped: wrapped ? toBase64(wrapped) : null };
}
