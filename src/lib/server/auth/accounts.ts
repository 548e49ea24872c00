/**
 * Staff accounts: creation (first admin, invitations), the salt look-up that answers alike for unknown
 * names, per-account failure counting, and disabling (which ends every session of the account).
 */
import { hmac } from '@oslojs/crypto/hmac';
import { sha256, SHA256 } from '@oslojs/crypto/sha2';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import { and, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { staffInvitation, staffUser, type KdfParams } from '$lib/server/db/schema';
import { AUTH_KEY_PARAMS, AUTH_SALT_BYTES, hashAuthKey } from './password';
import { invalidateUserSessions, type StaffUser } from './session';
import { instanceSecret } from './instance-secret';

export const USERNAME_PATTERN = /^[a-z0-9._-]{3,32}$/;

export function normalizeUsername(value: unknown): string | null {
	if (typeof value !== 'string') return null;
	const u = value.trim().toLowerCase();
	return USERNAME_PATTERN.test(u) ? u : null;
}

export function normalizeDisplayName(value: unknown): string | null {
	if (typeof value !== 'string') return null;
	const d = value.trim().replace(/\s+/g, ' ');
	return d.length >= 1 && d.length <= 64 ? d : null;
}

export async function findUserByUsername(db: Db, username: string): Promise<StaffUser | null> {
	const [u] = await db.select().from(staffUser).where(eq(staffUser.username, username));
	return u ?? null;
}

/**
 * The salt and Argon2id parameters for the browser's auth-key derivation. Unknown (or malformed)
 * names get a salt derived from the instance secret, stable across requests and servers, so the
 * answer does not tell whether an account exists.
 */
export async function signinSalt(db: Db, rawUsername: string): Promise<{ salt: Uint8Array; params: KdfParams }> {
	const username = normalizeUsername(rawUsername);
	const user = username ? await findUserByUsername(db, username) : null;
	if (user) return { salt: user.authSalt, params: user.authParams };
	const secret = await instanceSecret(db);
	const fake = hmac(SHA256, secret, new TextEncoder().encode(`signin-salt:${rawUsername.trim().toLowerCase()}`));
	return { salt: fake.slice(0, AUTH_SALT_BYTES), params: AUTH_KEY_PARAMS };
}

export type CreateResult = { ok: true; user: StaffUser } | { ok: false; reason: 'username_taken' };

export async function createStaffUser(
	db: Db,
	input: { username: string; displayName: string; isAdmin: boolean; authSalt: Uint8Array; authKey: Uint8Array }
): Promise<CreateResult> {
	const authHash = await hashAuthKey(input.authKey);
	const rows = await db
		.insert(staffUser)
		.values({
			username: input.username,
			displayName: input.displayName,
			isAdmin: input.isAdmin,
			authSalt: input.authSalt,
			authParams: AUTH_KEY_PARAMS,
			authHash
		})
		.onConflictDoNothing({ target: staffUser.username })
		.returning();
	const user = rows[0];
	return user ? { ok: true, user } : { ok: false, reason: 'username_taken' };
}

export async function recordFailedSignin(db: Db, userId: string, now = new Date()): Promise<void> {
	await db
		.update(staffUser)
		.set({ failedSignins: sql`${staffUser.failedSignins} + 1`, lastFailedAt: now })
		.where(eq(staffUser.id, userId));
}

export async function resetFailedSignins(db: Db, userId: string): Promise<void> {
	await db.update(staffUser).set({ failedSignins: 0, lastFailedAt: null }).where(eq(staffUser.id, userId));
}

/** Disables the account and ends all its sessions at once. */
export async function disableStaffUser(db: Db, userId: string, now = new Date()): Promise<void> {
	await db.update(staffUser).set({ disabledAt: now }).where(eq(staffUser.id, userId));
	await invalidateUserSessions(db, userId);
}

export async function listStaffUsers(db: Db): Promise<StaffUser[]> {
	return db.select().from(staffUser).orderBy(staffUser.username);
}

function hashToken(token: string): Uint8Array {
	return sha256(new TextEncoder().encode(token));
}

export const INVITATION_HOURS = 72;

/** Creates a one-time enrolment link token (only its hash is stored). */
export async function createInvitation(
	db: Db,
	input: { username: string; displayName: string; isAdmin: boolean; createdBy: string },
	now = new Date()
): Promise<{ ok: true; token: string } | { ok: false; reason: 'username_taken' }> {
	if (await findUserByUsername(db, input.username)) return { ok: false, reason: 'username_taken' };
	const bytes = new Uint8Array(24);
	crypto.getRandomValues(bytes);
	const token = encodeBase64urlNoPadding(bytes);
	await db.insert(staffInvitation).values({
		tokenHash: hashToken(token),
		username: input.username,
		displayName: input.displayName,
		isAdmin: input.isAdmin,
		createdBy: input.createdBy,
		expiresAt: new Date(now.getTime() + INVITATION_HOURS * 3_600_000)
	});
	return { ok: true, token };
}

export async function findInvitation(db: Db, token: string | null, now = new Date()) {
	if (!token || token.length > 64) return null;
	const [inv] = await db
		.select()
		.from(staffInvitation)
		.where(and(eq(staffInvitation.tokenHash, hashToken(token)), gt(staffInvitation.expiresAt, now)));
	return inv ?? null;
}

/** Deletes the invitation; true if this call consumed it (so a link works once even under races). */
export async function consumeInvitation(db: Db, token: string): Promise<boolean> {
	const rows = await db
		.delete(staffInvitation)
		.where(eq(staffInvitation.tokenHash, hashToken(token)))
		.returning({ u: staffInvitation.username });
	return rows.length === 1;
}
