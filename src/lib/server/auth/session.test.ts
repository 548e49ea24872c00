import { expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { describeDb } from '$support/db';
import { staffSession } from '$lib/server/db/schema';
import { createStaffUser, disableStaffUser } from './accounts';
import { createSession, invalidateSession, validateSessionToken } from './session';

const policy = { idleMinutes: 30, maxHours: 12 };
const key = new Uint8Array(32).fill(7);
const salt = new Uint8Array(16).fill(1);

describeDb('staff sessions', (get) => {
	let n = 0;
	async function user() {
		const r = await createStaffUser(get().db, {
			username: `user${++n}`,
			displayName: 'Test User',
			isAdmin: false,
			authSalt: salt,
			authKey: key
		});
		if (!r.ok) throw new Error('user not created');
		return r.user;
	}

	it('issues an id.secret token and stores only a hash of the secret', async () => {
		const u = await user();
		const { token, session } = await createSession(get().db, u.id, { twoFactorVerified: true });
		const [id, secret] = token.split('.');
		expect(id).toBe(session.id);
		expect(secret!.length).toBeGreaterThanOrEqual(32);
		const [row] = await get().db.select().from(staffSession).where(eq(staffSession.id, id!));
		expect(row!.secretHash.length).toBe(32);
		expect(Buffer.from(row!.secretHash).toString('latin1')).not.toContain(secret);
		const valid = await validateSessionToken(get().db, token, policy);
		expect(valid?.user.id).toBe(u.id);
	});

	it('refuses a token with a wrong secret, a malformed token and an unknown id', async () => {
		const u = await user();
		const { token } = await createSession(get().db, u.id, { twoFactorVerified: true });
		const [id] = token.split('.');
		expect(await validateSessionToken(get().db, `${id}.wrongsecretwrongsecretwrongsecret`, policy)).toBeNull();
		expect(await validateSessionToken(get().db, 'no-dot-here', policy)).toBeNull();
		expect(await validateSessionToken(get().db, 'a.b.c', policy)).toBeNull();
		expect(await validateSessionToken(get().db, 'unknownid.unknownsecret', policy)).toBeNull();
		// The right token still works after the failures.
		expect(await validateSessionToken(get().db, token, policy)).not.toBeNull();
	});

	it('ends a session after the inactivity timeout and deletes it', async () => {
		const u = await user();
		const start = new Date('2026-01-01T08:00:00Z');
		const { token, session } = await createSession(get().db, u.id, { twoFactorVerified: true, now: start });
		const at29 = new Date(start.getTime() + 29 * 60_000);
		expect(await validateSessionToken(get().db, token, policy, at29)).not.toBeNull();
		// Activity at 29 min renewed last-seen; 31 min after that it is idle.
		const later = new Date(at29.getTime() + 31 * 60_000);
		expect(await validateSessionToken(get().db, token, policy, later)).toBeNull();
		const rows = await get().db.select().from(staffSession).where(eq(staffSession.id, session.id));
		expect(rows).toHaveLength(0);
	});

	it('ends a session at its absolute lifetime even when active', async () => {
		const u = await user();
		const start = new Date('2026-01-01T08:00:00Z');
		const { token } = await createSession(get().db, u.id, { twoFactorVerified: true, now: start });
		let t = start.getTime();
		// Active every 20 minutes for just under 12 hours.
		while (t + 20 * 60_000 < start.getTime() + 12 * 3_600_000) {
			t += 20 * 60_000;
			expect(await validateSessionToken(get().db, token, policy, new Date(t))).not.toBeNull();
		}
		expect(await validateSessionToken(get().db, token, policy, new Date(start.getTime() + 12 * 3_600_000))).toBeNull();
	});

	it('invalidates one session on sign-out, leaving others', async () => {
		const u = await user();
		const a = await createSession(get().db, u.id, { twoFactorVerified: true });
		const b = await createSession(get().db, u.id, { twoFactorVerified: true });
		await invalidateSession(get().db, a.session.id);
		expect(await validateSessionToken(get().db, a.token, policy)).toBeNull();
		expect(await validateSessionToken(get().db, b.token, policy)).not.toBeNull();
	});

	it('ends every session of a disabled account', async () => {
		const u = await user();
		const a = await createSession(get().db, u.id, { twoFactorVerified: true });
		const b = await createSession(get().db, u.id, { twoFactorVerified: false });
		await disableStaffUser(get().db, u.id);
		expect(await validateSessionToken(get().db, a.token, policy)).toBeNull();
		expect(await validateSessionToken(get().db, b.token, policy)).toBeNull();
		const rows = await get().db.select().from(staffSession).where(eq(staffSession.userId, u.id));
		expect(rows).toHaveLength(0);
	});
});
