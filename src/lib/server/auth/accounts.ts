/**
 * Staff accounts: creation (first admin, invitations), the salt look-up that answers alike for unknown
 * names, per-account failure counting, and disabling (which ends every session of the account).
 */
import { hmac } from '@oslojs/crypto/hmac';
import { sha256, SHA256 } from '@oslojs/crypto/sha2';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import { and, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { staffInvitation, staffSession, staffUser, type KdfParams } from '$lib/server/db/schema';
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
		.where(
			and(
				eq(staffInvitation.tokenHash, hashToken(token)),
				gt(staffInvitation.expiresAt, now),
				isNull(staffInvitation.resetUserId)
			)
		);
	return inv ?? null;
}

/** Deletes the invitation; true if this call consumed it (so a link works once even under races). */
export async function consumeInvitation(db: Db, token: string): Promise<boolean> {
	const rows = await db
		.delete(staffInvitation)
		.where(and(eq(staffInvitation.tokenHash, hashToken(token)), isNull(staffInvitation.resetUserId)))
		.returning({ u: staffInvitation.username });
	return rows.length === 1;
}

function newToken(): string {
	const bytes = new Uint8Array(24);
	crypto.getRandomValues(bytes);
	return encodeBase64urlNoPadding(bytes);
}

/**
 * Creates a one-time password-reset link for an existing, active account (only the token's hash is
 * stored, in staff_invitation with reset_user_id set). Disabled or unknown accounts get none.
 */
export async function createPasswordReset(
	db: Db,
	input: { userId: string; createdBy: string },
	now = new Date()
): Promise<{ ok: true; token: string } | { ok: false; reason: 'unknown_user' }> {
	const [user] = await db.select().from(staffUser).where(eq(staffUser.id, input.userId));
	if (!user || user.disabledAt) return { ok: false, reason: 'unknown_user' };
	const token = newToken();
	await db.insert(staffInvitation).values({
		tokenHash: hashToken(token),
		username: user.username,
		displayName: user.displayName,
		isAdmin: user.isAdmin,
		createdBy: input.createdBy,
		resetUserId: user.id,
		expiresAt: new Date(now.getTime() + INVITATION_HOURS * 3_600_000)
	});
	return { ok: true, token };
}

/** The account a live reset link is for (disabled accounts' links do not work). */
export async function findPasswordReset(db: Db, token: string | null, now = new Date()): Promise<StaffUser | null> {
	if (!token || token.length > 64) return null;
	const [row] = await db
		.select({ user: staffUser })
		.from(staffInvitation)
		.innerJoin(staffUser, eq(staffUser.id, staffInvitation.resetUserId))
		.where(
			and(
				eq(staffInvitation.tokenHash, hashToken(token)),
				gt(staffInvitation.expiresAt, now),
				isNotNull(staffInvitation.resetUserId)
			)
		);
	return row && !row.user.disabledAt ? row.user : null;
}

/**
 * Accepts a reset link: in one transaction consumes the token and sets the account's new sign-in
 * salt, parameters and auth-key hash, clears its failed sign-ins and ends all its sessions. TOTP,
 * recovery codes and the staff key (still wrapped under the old password) are left as they are.
 */
export async function acceptPasswordReset(
	db: Db,
	token: string,
	input: { authSalt: Uint8Array; authKey: Uint8Array },
	now = new Date()
): Promise<{ ok: true; user: StaffUser } | { ok: false }> {
	if (!token || token.length > 64) return { ok: false };
	// The token is looked up before the slow hash: a wrong token costs one indexed query, no Argon2.
	if (!(await findPasswordReset(db, token, now))) return { ok: false };
	const authHash = await hashAuthKey(input.authKey);
	const refused = new Error('reset refused');
	try {
		return await db.transaction(async (tx) => {
			const rows = await tx
				.delete(staffInvitation)
				.where(
					and(
						eq(staffInvitation.tokenHash, hashToken(token)),
						gt(staffInvitation.expiresAt, now),
						isNotNull(staffInvitation.resetUserId)
					)
				)
				.returning({ userId: staffInvitation.resetUserId });
			const userId = rows[0]?.userId;
			if (rows.length !== 1 || !userId) return { ok: false as const };
			const updated = await tx
				.update(staffUser)
				.set({ authSalt: input.authSalt, authParams: AUTH_KEY_PARAMS, authHash, failedSignins: 0, lastFailedAt: null })
				.where(and(eq(staffUser.id, userId), isNull(staffUser.disabledAt)))
				.returning();
			const user = updated[0];
			if (!user) throw refused; // disabled meanwhile: undo the consumption too
			await tx.delete(staffSession).where(eq(staffSession.userId, userId));
			return { ok: true as const, user };
		});
	} catch (e) {
		if (e === refused) return { ok: false };
		throw e;
	}
}
