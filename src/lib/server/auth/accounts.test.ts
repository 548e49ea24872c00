import { expect, it } from 'vitest';
import { describeDb } from '$support/db';
import {
	consumeInvitation,
	createInvitation,
	createStaffUser,
	findInvitation,
	normalizeUsername,
	signinSalt
} from './accounts';
import { AUTH_KEY_PARAMS, verifyAuthKey } from './password';
import { issueRecoveryCodes, useRecoveryCode } from './recovery-codes';

const key = new Uint8Array(32).fill(9);

describeDb('staff accounts', (get) => {
	it('stores only a slow hash of the auth key and verifies it', async () => {
		const r = await createStaffUser(get().db, {
			username: 'alice',
			displayName: 'Alice',
			isAdmin: true,
			authSalt: new Uint8Array(16).fill(2),
			authKey: key
		});
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.user.authHash.startsWith('$argon2id$')).toBe(true);
		expect(r.user.authHash).not.toContain(Buffer.from(key).toString('base64'));
		expect(await verifyAuthKey(key, r.user.authHash)).toBe(true);
		expect(await verifyAuthKey(new Uint8Array(32).fill(8), r.user.authHash)).toBe(false);
		expect(await verifyAuthKey(key, null)).toBe(false);
	});

	it('refuses a second account with the same user name', async () => {
		const again = await createStaffUser(get().db, {
			username: 'alice',
			displayName: 'Other',
			isAdmin: false,
			authSalt: new Uint8Array(16),
			authKey: key
		});
		expect(again).toEqual({ ok: false, reason: 'username_taken' });
	});

	it('answers the salt request alike for known and unknown names, stably', async () => {
		const known = await signinSalt(get().db, 'alice');
		expect(Array.from(known.salt)).toEqual(Array.from(new Uint8Array(16).fill(2)));
		const u1 = await signinSalt(get().db, 'nobody');
		const u2 = await signinSalt(get().db, 'NoBody ');
		expect(u1.salt.length).toBe(16);
		expect(Array.from(u1.salt)).toEqual(Array.from(u2.salt));
		expect(u1.params).toEqual(AUTH_KEY_PARAMS);
		expect(known.params).toEqual(AUTH_KEY_PARAMS);
		const other = await signinSalt(get().db, 'somebody-else');
		expect(Array.from(other.salt)).not.toEqual(Array.from(u1.salt));
	});

	it('makes invitation links that work once and expire', async () => {
		const admin = (await signinSalt(get().db, 'alice')) && (await get().db.query.staffUser.findFirst())!;
		const made = await createInvitation(get().db, {
			username: 'bob',
			displayName: 'Bob',
			isAdmin: false,
			createdBy: admin.id
		});
		expect(made.ok).toBe(true);
		if (!made.ok) return;
		expect(await findInvitation(get().db, made.token)).not.toBeNull();
		expect(await findInvitation(get().db, made.token, new Date(Date.now() + 73 * 3_600_000))).toBeNull();
		expect(await findInvitation(get().db, 'wrong-token')).toBeNull();
		expect(await consumeInvitation(get().db, made.token)).toBe(true);
		expect(await consumeInvitation(get().db, made.token)).toBe(false);
		expect(await findInvitation(get().db, made.token)).toBeNull();
		const taken = await createInvitation(get().db, {
			username: 'alice',
			displayName: 'A',
			isAdmin: false,
			createdBy: admin.id
		});
		expect(taken).toEqual({ ok: false, reason: 'username_taken' });
	});

	it('accepts each recovery code once, ignoring case, spaces and dashes', async () => {
		const alice = (await get().db.query.staffUser.findFirst())!;
		const codes = await issueRecoveryCodes(get().db, alice.id);
		expect(codes).toHaveLength(10);
		expect(new Set(codes).size).toBe(10);
		const first = codes[0]!;
		expect(await useRecoveryCode(get().db, alice.id, first.toUpperCase().replace(/-/g, ' '))).toBe(true);
		expect(await useRecoveryCode(get().db, alice.id, first)).toBe(false);
		expect(await useRecoveryCode(get().db, alice.id, 'aaaa-bbbb-cccc-dddd')).toBe(false);
		expect(await useRecoveryCode(get().db, alice.id, codes[1]!)).toBe(true);
	});
});

it('normalizes user names and rejects bad ones', () => {
	expect(normalizeUsername(' Alice.W ')).toBe('alice.w');
	expect(normalizeUsername('ab')).toBeNull();
	expect(normalizeUsername('名字')).toBeNull();
	expect(normalizeUsername(42)).toBeNull();
	expect(normalizeUsername('x'.repeat(33))).toBeNull();
});
