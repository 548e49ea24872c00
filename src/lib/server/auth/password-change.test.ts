import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { createStaffKeys, rewrapForPassword, TEST_ONLY_CHEAP_KDF, unlockWithPassword } from '$lib/crypto';
import { describeDb } from '$support/db';
import { staffSession } from '$lib/server/db/schema';
import { enrolStaffKey, getStaffKey } from '$lib/server/keys/staff-keys';
import { createStaffUser, findUserByUsername } from './accounts';
import { changePassword } from './password-change';
import { verifyAuthKey } from './password';
import { createSession } from './session';

const weak = { allowWeakKdf: true };
const oldKey = new Uint8Array(32).fill(1);
const newKey = new Uint8Array(32).fill(2);
const newSalt = new Uint8Array(16).fill(7);

describeDb('password change', (get) => {
	it('changes the auth key without a staff key, keeping only the current session', async () => {
		const { db } = get();
		const r = await createStaffUser(db, {
			username: 'nokey',
			displayName: 'N',
			isAdmin: false,
			authSalt: new Uint8Array(16),
			authKey: oldKey
		});
		if (!r.ok) throw new Error('setup');
		const a = await createSession(db, r.user.id, { twoFactorVerified: true });
		const b = await createSession(db, r.user.id, { twoFactorVerified: true });
		expect(
			await changePassword(db, r.user.id, {
				authSalt: newSalt,
				authKey: newKey,
				bundle: null,
				keepSessionId: a.session.id
			})
		).toEqual({ ok: true });
		const u = (await findUserByUsername(db, 'nokey'))!;
		expect(u.authSalt).toEqual(newSalt);
		expect(await verifyAuthKey(newKey, u.authHash)).toBe(true);
		expect(await verifyAuthKey(oldKey, u.authHash)).toBe(false);
		const left = await db.select().from(staffSession).where(eq(staffSession.userId, r.user.id));
		expect(left.map((s) => s.id)).toEqual([a.session.id]);
		expect(left.some((s) => s.id === b.session.id)).toBe(false);
	});

	it('re-wraps an enrolled key in the same transaction, and changes nothing when the re-wrap is refused', async () => {
		const { db } = get();
		const r = await createStaffUser(db, {
			username: 'withkey',
			displayName: 'K',
			isAdmin: false,
			authSalt: new Uint8Array(16),
			authKey: oldKey
		});
		if (!r.ok) throw new Error('setup');
		const id = r.user.id;
		const keys = await createStaffKeys('old pw', TEST_ONLY_CHEAP_KDF);
		expect((await enrolStaffKey(db, id, keys.bundle, weak)).ok).toBe(true);
		const s = await createSession(db, id, { twoFactorVerified: true });
		const other = await createSession(db, id, { twoFactorVerified: true });
		const unchanged = async () => {
			const u = (await findUserByUsername(db, 'withkey'))!;
			expect(await verifyAuthKey(oldKey, u.authHash)).toBe(true);
			expect((await getStaffKey(db, id))!.passwordWrapped).toEqual(keys.bundle.passwordWrapped);
			expect((await db.select().from(staffSession).where(eq(staffSession.userId, id))).length).toBe(2);
		};

		// An enrolled key must be re-wrapped with the change.
		expect(
			await changePassword(
				db,
				id,
				{ authSalt: newSalt, authKey: newKey, bundle: null, keepSessionId: s.session.id },
				weak
			)
		).toEqual({ ok: false, reason: 'key_required' });
		await unchanged();
		// A re-wrap may not swap the key.
		const stranger = await createStaffKeys('new pw', TEST_ONLY_CHEAP_KDF);
		expect(
			await changePassword(
				db,
				id,
				{ authSalt: newSalt, authKey: newKey, bundle: stranger.bundle, keepSessionId: s.session.id },
				weak
			)
		).toEqual({ ok: false, reason: 'different_key' });
		await unchanged();
		// Production refuses the cheap test parameters.
		const rewrapped = await rewrapForPassword(keys.bundle, keys.keyPair, 'new pw', TEST_ONLY_CHEAP_KDF);
		expect(
			await changePassword(db, id, {
				authSalt: newSalt,
				authKey: newKey,
				bundle: rewrapped,
				keepSessionId: s.session.id
			})
		).toEqual({ ok: false, reason: 'weak_kdf' });
		await unchanged();

		expect(
			await changePassword(
				db,
				id,
				{ authSalt: newSalt, authKey: newKey, bundle: rewrapped, keepSessionId: s.session.id },
				weak
			)
		).toEqual({ ok: true });
		const u = (await findUserByUsername(db, 'withkey'))!;
		expect(await verifyAuthKey(newKey, u.authHash)).toBe(true);
		const row = (await getStaffKey(db, id))!;
		expect(row.publicKey).toEqual(keys.bundle.publicKey);
		const pair = await unlockWithPassword(
			{ publicKey: row.publicKey, passwordWrapped: row.passwordWrapped, recoveryWrapped: row.recoveryWrapped },
			'new pw'
		);
		expect(pair.publicKey).toEqual(keys.keyPair.publicKey);
		await expect(
			unlockWithPassword(
				{ publicKey: row.publicKey, passwordWrapped: row.passwordWrapped, recoveryWrapped: row.recoveryWrapped },
				'old pw'
			)
		).rejects.toThrow();
		const left = await db.select().from(staffSession).where(eq(staffSession.userId, id));
		expect(left.map((x) => x.id)).toEqual([s.session.id]);
		expect(other.session.id).not.toBe(s.session.id);
	});
});
