import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeDb } from '$support/db';
import { staffSession, staffUser } from '$lib/server/db/schema';
import {
	acceptPasswordReset,
	consumeInvitation,
	createPasswordReset,
	createStaffUser,
	disableStaffUser,
	findInvitation,
	findPasswordReset
} from './accounts';
import { verifyAuthKey } from './password';
import { createSession } from './session';

const oldKey = new Uint8Array(32).fill(1);
const newKey = new Uint8Array(32).fill(2);
const newSalt = new Uint8Array(16).fill(7);

describeDb('admin-issued password reset links', (get) => {
	let adminId = '';
	let bobId = '';

	it('sets up two accounts', async () => {
		const a = await createStaffUser(get().db, {
			username: 'admin',
			displayName: 'A',
			isAdmin: true,
			authSalt: new Uint8Array(16),
			authKey: oldKey
		});
		const b = await createStaffUser(get().db, {
			username: 'bob',
			displayName: 'Bob',
			isAdmin: false,
			authSalt: new Uint8Array(16).fill(3),
			authKey: oldKey
		});
		if (!a.ok || !b.ok) throw new Error('setup');
		adminId = a.user.id;
		bobId = b.user.id;
	});

	it('works once, sets the new hash, clears failures and ends every session; TOTP stays', async () => {
		const db = get().db;
		await db
			.update(staffUser)
			.set({ failedSignins: 4, lastFailedAt: new Date(), totpKey: new Uint8Array(20).fill(5) })
			.where(eq(staffUser.id, bobId));
		await createSession(db, bobId, { twoFactorVerified: true });
		await createSession(db, bobId, { twoFactorVerified: false });
		await createSession(db, adminId, { twoFactorVerified: true });
		const made = await createPasswordReset(db, { userId: bobId, createdBy: adminId });
		expect(made.ok).toBe(true);
		if (!made.ok) return;
		expect((await findPasswordReset(db, made.token))?.id).toBe(bobId);
		// A reset link is not an invitation, and cannot be consumed as one.
		expect(await findInvitation(db, made.token)).toBeNull();
		expect(await consumeInvitation(db, made.token)).toBe(false);

		const r = await acceptPasswordReset(db, made.token, { authSalt: newSalt, authKey: newKey });
		expect(r.ok).toBe(true);
		const [bob] = await db.select().from(staffUser).where(eq(staffUser.id, bobId));
		expect(Array.from(bob!.authSalt)).toEqual(Array.from(newSalt));
		expect(await verifyAuthKey(newKey, bob!.authHash)).toBe(true);
		expect(await verifyAuthKey(oldKey, bob!.authHash)).toBe(false);
		expect(bob!.failedSignins).toBe(0);
		expect(bob!.lastFailedAt).toBeNull();
		expect(Array.from(bob!.totpKey!)).toEqual(Array.from(new Uint8Array(20).fill(5)));
		expect(await db.select().from(staffSession).where(eq(staffSession.userId, bobId))).toHaveLength(0);
		expect(await db.select().from(staffSession).where(eq(staffSession.userId, adminId))).toHaveLength(1);

		// Only once.
		expect(await findPasswordReset(db, made.token)).toBeNull();
		expect((await acceptPasswordReset(db, made.token, { authSalt: newSalt, authKey: oldKey })).ok).toBe(false);
		const [again] = await db.select().from(staffUser).where(eq(staffUser.id, bobId));
		expect(await verifyAuthKey(newKey, again!.authHash)).toBe(true);
	});

	it('refuses wrong and expired tokens, and unknown or disabled accounts', async () => {
		const db = get().db;
		const made = await createPasswordReset(db, { userId: bobId, createdBy: adminId });
		if (!made.ok) throw new Error('reset');
		expect(await findPasswordReset(db, 'wrong-token')).toBeNull();
		expect((await acceptPasswordReset(db, 'wrong-token', { authSalt: newSalt, authKey: oldKey })).ok).toBe(false);
		const later = new Date(Date.now() + 73 * 3_600_000);
		expect(await findPasswordReset(db, made.token, later)).toBeNull();
		expect((await acceptPasswordReset(db, made.token, { authSalt: newSalt, authKey: oldKey }, later)).ok).toBe(false);
		const [bob] = await db.select().from(staffUser).where(eq(staffUser.id, bobId));
		expect(await verifyAuthKey(newKey, bob!.authHash)).toBe(true);

		expect(
			await createPasswordReset(db, { userId: '00000000-0000-0000-0000-000000000000', createdBy: adminId })
		).toEqual({ ok: false, reason: 'unknown_user' });
		await disableStaffUser(db, bobId);
		expect(await createPasswordReset(db, { userId: bobId, createdBy: adminId })).toEqual({
			ok: false,
			reason: 'unknown_user'
		});
		// A link issued before the account was disabled no longer works.
		expect(await findPasswordReset(db, made.token)).toBeNull();
		expect((await acceptPasswordReset(db, made.token, { authSalt: newSalt, authKey: oldKey })).ok).toBe(false);
	});
});
