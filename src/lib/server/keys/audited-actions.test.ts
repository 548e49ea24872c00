/**
 * Issue 16: key actions log what changed by id, and a key's wraps cannot be replaced without
 * re-authentication or audit. `keys.entry_sign` names the entry (id, staff, organ, role, period), not a
 * byte count; the key page's re-wrap needs the current sign-in key (checked under the throttle) and writes
 * `keys.rewrap`; a wrong or missing key changes nothing and logs nothing.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import {
	newEntryId,
	rewrapForPassword,
	signDirectoryEntry,
	toHex,
	TEST_ONLY_CHEAP_KDF,
	createStaffKeys
} from '$lib/crypto';
import { describeDb } from '$support/db';
import { hashAuthKey } from '$lib/server/auth/password';
import { organStaff, staffUser } from '$lib/server/db/schema';
import { rowsOf } from '$lib/server/org/sql';
import { toBase64 } from '$lib/shared/encoding';
import { buildWorld, NOW, type World } from '../../../../tests/support/reporter-world';
import { signAndAuditEntry } from './admin-sign';
import { rewrapWithReauth, type Throttle } from './rewrap-reauth';
import { enrolStaffKey, getStaffKey } from './staff-keys';

type Row = { actor: string; action: string; details: Record<string, unknown> };

describeDb('audited key actions', (get) => {
	let world: World;
	let frank: { id: string; authHash: string };
	let frankKeys: Awaited<ReturnType<typeof createStaffKeys>>;
	const authKey = new Uint8Array(randomBytes(32));
	const audit = async (action: string): Promise<Row[]> =>
		rowsOf<Row>(
			await get().db.execute(sql`select actor, action, details from audit_log where action = ${action} order by seq`)
		);

	beforeAll(async () => {
		const { db } = get();
		world = await buildWorld(db);
		const authHash = await hashAuthKey(authKey);
		const [u] = await db
			.insert(staffUser)
			.values({
				username: 'frank',
				displayName: 'frank',
				authSalt: new Uint8Array(16),
				authParams: { m: 64, t: 1, p: 1 },
				authHash
			})
			.returning({ id: staffUser.id });
		frank = { id: u!.id, authHash };
		await db.insert(organStaff).values({ staffId: u!.id, organId: 'o-city', role: 'head' });
		frankKeys = await createStaffKeys('pw', TEST_ONLY_CHEAP_KDF);
		expect((await enrolStaffKey(db, u!.id, frankKeys.bundle, { allowWeakKdf: true })).ok).toBe(true);
	});

	it('keys.entry_sign logs the entry id, staff, organ, role and period, not a byte count', async () => {
		const entryId = newEntryId();
		const nb = Math.floor(NOW.getTime() / 1000);
		const signed = signDirectoryEntry(
			{
				entryId,
				staffId: frank.id,
				organId: 'o-city',
				role: 'head',
				publicKey: frankKeys.keyPair.publicKey,
				notBefore: nb,
				notAfter: nb + 86_400
			},
			world.root.secretKey
		);
		const admin = { id: '00000000-0000-4000-8000-0000000000ad' };
		expect((await signAndAuditEntry(get().db, admin, signed, NOW)).ok).toBe(true);
		// A refused entry (a duplicate) logs nothing.
		expect((await signAndAuditEntry(get().db, admin, signed, NOW)).ok).toBe(false);
		const rows = await audit('admin.keys.entry_sign');
		expect(rows).toEqual([
			{
				actor: admin.id,
				action: 'admin.keys.entry_sign',
				details: {
					entryId: toHex(entryId),
					staffId: frank.id,
					organId: 'o-city',
					role: 'head',
					notBefore: nb,
					notAfter: nb + 86_400
				}
			}
		]);
		expect(JSON.stringify(rows)).not.toContain('bytes');
	});

	it('a re-wrap needs the current sign-in key (throttled) and is audited; a refused one changes nothing', async () => {
		const { db } = get();
		const calls: string[] = [];
		let waitFor = 0;
		const throttle: Throttle = {
			wait: () => waitFor,
			failed: async () => void calls.push('failed'),
			succeeded: async () => void calls.push('succeeded')
		};
		const newer = await rewrapForPassword(frankKeys.bundle, frankKeys.keyPair, 'new', TEST_ONLY_CHEAP_KDF);
		const form = (key: Uint8Array | null) => {
			const f = new FormData();
			f.set('publicKey', toBase64(newer.publicKey));
			f.set('passwordWrapped', toBase64(newer.passwordWrapped));
			f.set('recoveryWrapped', toBase64(newer.recoveryWrapped));
			if (key) f.set('currentAuthKey', toBase64(key));
			return f;
		};
		const weak = { allowWeakKdf: true };
		const before = (await getStaffKey(db, frank.id))!.passwordWrapped;

		expect(await rewrapWithReauth(db, frank, form(null), throttle, weak)).toMatchObject({ reason: 'malformed' });
		const wrong = new Uint8Array(randomBytes(32));
		expect(await rewrapWithReauth(db, frank, form(wrong), throttle, weak)).toEqual({
			ok: false,
			status: 400,
			reason: 'reauth_failed'
		});
		waitFor = 30;
		expect(await rewrapWithReauth(db, frank, form(authKey), throttle, weak)).toMatchObject({
			status: 429,
			reason: 'throttled'
		});
		expect(calls).toEqual(['failed']);
		expect((await getStaffKey(db, frank.id))!.passwordWrapped).toEqual(before);
		expect(await audit('keys.rewrap')).toEqual([]);

		waitFor = 0;
		expect(await rewrapWithReauth(db, frank, form(authKey), throttle, weak)).toEqual({ ok: true });
		expect(calls).toEqual(['failed', 'succeeded']);
		expect((await getStaffKey(db, frank.id))!.passwordWrapped).toEqual(newer.passwordWrapped);
		expect(await audit('keys.rewrap')).toEqual([
			{
				actor: frank.id,
				action: 'keys.rewrap',
				details: { staffId: frank.id, via: 'recovery', publicKey: toHex(frankKeys.keyPair.publicKey) }
			}
		]);
	});
});
