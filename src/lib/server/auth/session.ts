/**
 * Staff sessions after Lucia's session design, in our own small module (the npm `lucia` package is
 * deprecated by its author, who recommends exactly this). A token is `id.secret`; the database keeps
 * the id and a SHA-256 of the secret, compared in constant time. Sessions end after inactivity and
 * after an absolute lifetime.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { staffSession, staffUser } from '$lib/server/db/schema';

export interface SessionPolicy {
	idleMinutes: number;
	maxHours: number;
}

export type Session = typeof staffSession.$inferSelect;
export type StaffUser = typeof staffUser.$inferSelect;

export interface ValidatedSession {
	session: Session;
	user: StaffUser;
}

/** Re-write last_seen_at at most this often, so reads don't all become writes. */
const TOUCH_INTERVAL_MS = 60_000;

function randomString(bytes: number): string {
	const b = new Uint8Array(bytes);
	crypto.getRandomValues(b);
	return encodeBase32LowerCaseNoPadding(b);
}

function hashSecret(secret: string): Uint8Array {
	return sha256(new TextEncoder().encode(secret));
}

/** Creates a session and returns its token (shown to the browser once, in a cookie). */
export async function createSession(
	db: Db,
	userId: string,
	opts: { twoFactorVerified: boolean; now?: Date }
): Promise<{ token: string; session: Session }> {
	const id = randomString(15);
	const secret = randomString(20);
	const now = opts.now ?? new Date();
	const [session] = await db
		.insert(staffSession)
		.values({
			id,
			userId,
			secretHash: hashSecret(secret),
			twoFactorVerified: opts.twoFactorVerified,
			createdAt: now,
			lastSeenAt: now
		})
		.returning();
	return { token: `${id}.${secret}`, session: session! };
}

/** When the session's cookie should expire at the latest (its absolute end). */
export function sessionExpiresAt(session: Session, policy: SessionPolicy): Date {
	return new Date(session.createdAt.getTime() + policy.maxHours * 3_600_000);
}

/**
 * Returns the session and its user when the token is valid, the session neither idle nor too old,
 * and the account not disabled; deletes the session otherwise.
 */
export async function validateSessionToken(
	db: Db,
	token: string,
	policy: SessionPolicy,
	now = new Date()
): Promise<ValidatedSession | null> {
	const parts = token.split('.');
	if (parts.length !== 2 || !parts[0] || !parts[1] || parts[0].length > 64 || parts[1].length > 64) return null;
	const [id, secret] = parts as [string, string];
	const rows = await db
		.select({ session: staffSession, user: staffUser })
		.from(staffSession)
		.innerJoin(staffUser, eq(staffSession.userId, staffUser.id))
		.where(eq(staffSession.id, id));
	const row = rows[0];
	if (!row) return null;
	if (!constantTimeEqual(hashSecret(secret), row.session.secretHash)) return null;
	const idle = now.getTime() - row.session.lastSeenAt.getTime() > policy.idleMinutes * 60_000;
	const old = now.getTime() >= sessionExpiresAt(row.session, policy).getTime();
	if (idle || old || row.user.disabledAt) {
		await invalidateSession(db, id);
		return null;
	}
	if (now.getTime() - row.session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
		await db.update(staffSession).set({ lastSeenAt: now }).where(eq(staffSession.id, id));
		row.session.lastSeenAt = now;
	}
	return row;
}

export async function invalidateSession(db: Db, sessionId: string): Promise<void> {
	await db.delete(staffSession).where(eq(staffSession.id, sessionId));
}

export async function invalidateUserSessions(db: Db, userId: string): Promise<void> {
	await db.delete(staffSession).where(eq(staffSession.userId, userId));
}
