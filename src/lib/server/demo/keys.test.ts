import { expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { rootKeyFromSeed, TEST_ONLY_CHEAP_KDF, unlockWithPassword, verifyDirectoryEntries } from '$lib/crypto';
import { describeDb } from '$support/db';
import { disciplineOrgan } from '$lib/server/db/schema';
import { getActiveRootKey, storedRootKey } from '$lib/server/keys/root-key';
import { getStaffKey } from '$lib/server/keys/staff-keys';
import { signedEntriesForOrgan } from '$lib/server/keys/directory';
import { generateDemo } from './province';
import { allDemoOrganIds, base32, DemoKeysError, keyDemoOrgans } from './keys';
import { DEMO_AUTH_HASH, loadDemo, loadRoutingSnapshot } from '../org/store';
import { routeReport } from '../org/routing';
import { makeSnapshot, POSITION_KINDS } from '../org/types';
import { eq } from 'drizzle-orm';
import { generateHOTP } from '@oslojs/otp';
import { deriveKey } from '$lib/crypto/kdf';
import { staffUser } from '$lib/server/db/schema';
import { signinSalt } from '$lib/server/auth/accounts';
import { AUTH_KEY_BYTES, verifyAuthKey } from '$lib/server/auth/password';
import { verifyTotp } from '$lib/server/auth/totp';

const NOW = new Date('2026-11-27T10:00:00Z');
const cheap = { kdfParams: TEST_ONLY_CHEAP_KDF, now: NOW };

describeDb('keyed demo', (get) => {
	const demo = generateDemo();
	let rootSeed: Uint8Array = new Uint8Array(0);
	const receivers = (organId: string) =>
		demo.staff.filter((s) => s.organId === organId && (s.role === 'inspector' || s.role === 'head'));

	it('refuses before the demo is loaded, or for organs that do not exist', async () => {
		const { db } = get();
		await expect(keyDemoOrgans(db, { organIds: ['o-sf-c01'], ...cheap })).rejects.toMatchObject({
			code: 'unknown_organ'
		});
		await loadDemo(db, demo);
		await expect(keyDemoOrgans(db, { organIds: ['o-nowhere'], ...cheap })).rejects.toBeInstanceOf(DemoKeysError);
		expect(await getActiveRootKey(db)).toBeNull();
	});

	it('creates a root key and real key bundles and signed entries for the demo inspectors and heads', async () => {
		const { db } = get();
		const organIds = ['o-sf-c01', 'o-sf-c01-k02'];
		const keyed = await keyDemoOrgans(db, { organIds, password: 'pw', ...cheap });
		expect(keyed.created).toEqual({ rootKey: true, bundles: keyed.staff.length, entries: keyed.staff.length });
		rootSeed = keyed.rootSeed;

		const root = (await getActiveRootKey(db))!;
		expect(root.publicKey).toEqual(keyed.rootPublicKey);
		expect(rootKeyFromSeed(keyed.rootSeed).publicKey).toEqual(root.publicKey);
		// Only the public key is stored: the seed (the ceremony's secret) never reaches the database.
		expect(Object.keys(root).sort()).toEqual(['active', 'createdAt', 'createdBy', 'id', 'publicKey', 'retiredAt']);

		const expected = organIds.flatMap(receivers);
		expect(expected.length).toBeGreaterThanOrEqual(4);
		expect(keyed.staff.map((s) => `${s.organId}/${s.staffId}/${s.role}`).sort()).toEqual(
			expected.map((s) => `${s.organId}/${s.id}/${s.role}`).sort()
		);
		for (const s of keyed.staff) {
			expect(demo.users.find((u) => u.id === s.staffId)?.username).toBe(s.username);
			expect(nacl.box.keyPair.fromSecretKey(s.secretKey).publicKey).toEqual(s.publicKey);
			const bundle = (await getStaffKey(db, s.staffId))!;
			expect(bundle.publicKey).toEqual(s.publicKey);
			expect((await unlockWithPassword(bundle, 'pw')).secretKey).toEqual(s.secretKey);
		}
		for (const organId of organIds) {
			const signed = await signedEntriesForOrgan(db, organId, NOW);
			const { valid, rejected } = verifyDirectoryEntries(signed, root.publicKey, { now: NOW, organId });
			expect(rejected).toEqual([]);
			expect(valid.map((e) => e.staffId).sort()).toEqual(
				receivers(organId)
					.map((s) => s.id)
					.sort()
			);
			for (const e of valid) expect(e.notAfter - e.notBefore).toBe(365 * 86_400 + 300);
		}
		// Other organs get nothing.
		expect(await signedEntriesForOrgan(db, 'o-sf-c02', NOW)).toEqual([]);
	});

	it('is repeatable with the same password and adds organs under the same root', async () => {
		const { db } = get();
		const before = await keyDemoOrgans(db, { organIds: ['o-sf-c01'], password: 'pw', rootSeed, ...cheap });
		expect(before.created).toEqual({ rootKey: false, bundles: 0, entries: 0 });
		const more = await keyDemoOrgans(db, {
			organIds: ['o-sf-c01', 'o-sf-c01-k03'],
			password: 'pw',
			rootSeed,
			...cheap
		});
		expect(more.rootSeed).toEqual(before.rootSeed);
		expect(more.created).toMatchObject({ rootKey: false, entries: receivers('o-sf-c01-k03').length });
		const same = more.staff.find((s) => s.staffId === before.staff[0]!.staffId)!;
		expect(same.secretKey).toEqual(before.staff[0]!.secretKey);
		expect(await signedEntriesForOrgan(db, 'o-sf-c01', NOW)).toHaveLength(receivers('o-sf-c01').length);
	});

	it('refuses a missing or wrong root seed, a wrong password and a database with non-demo organization data', async () => {
		const { db } = get();
		await expect(keyDemoOrgans(db, { organIds: ['o-sf-c01'], password: 'pw', ...cheap })).rejects.toMatchObject({
			code: 'root_seed'
		});
		await expect(
			keyDemoOrgans(db, { organIds: ['o-sf-c01'], password: 'pw', rootSeed: new Uint8Array(32).fill(7), ...cheap })
		).rejects.toMatchObject({ code: 'root_seed' });
		expect((await storedRootKey(db))!.publicKey).toEqual(rootKeyFromSeed(rootSeed).publicKey);
		await expect(
			keyDemoOrgans(db, { organIds: ['o-sf-c01'], password: 'wrong', rootSeed, ...cheap })
		).rejects.toMatchObject({ code: 'staff_password' });
		await db.insert(disciplineOrgan).values({ id: 'o-real', name: '真实机关', kind: 'commission', level: 'city' });
		await expect(
			keyDemoOrgans(db, { organIds: ['o-sf-c01'], password: 'pw', rootSeed, ...cheap })
		).rejects.toMatchObject({ code: 'not_demo_database' });
	});
});

describeDb('keyed demo with sign-in', (get) => {
	const demo = generateDemo();

	it('gives the keyed staff a real password sign-in and an enrolled TOTP secret, stable across runs', async () => {
		const { db } = get();
		await loadDemo(db, demo);
		const keyed = await keyDemoOrgans(db, { organIds: ['o-sf-c01-k02'], password: 'pw', signin: true, ...cheap });
		expect(keyed.staff.length).toBeGreaterThanOrEqual(2);
		for (const s of keyed.staff) {
			const signin = s.signin!;
			expect(signin).toMatchObject({ username: s.username, password: 'pw' });
			expect(signin.totpKey).toHaveLength(20);
			expect(signin.totpBase32).toMatch(/^[A-Z2-7]{32}$/);
			// What the browser does: fetch the salt, derive the auth key from the password; the server verifies it.
			const { salt, params } = await signinSalt(db, s.username);
			const authKey = await deriveKey('pw', salt, params, AUTH_KEY_BYTES);
			const [user] = await db.select().from(staffUser).where(eq(staffUser.id, s.staffId));
			expect(user!.authHash).not.toBe(DEMO_AUTH_HASH);
			expect(await verifyAuthKey(authKey, user!.authHash)).toBe(true);
			expect(await verifyAuthKey(await deriveKey('wrong', salt, params, AUTH_KEY_BYTES), user!.authHash)).toBe(false);
			// The TOTP secret is the enrolled one: a code from it verifies.
			const now = Date.now();
			const code = generateHOTP(signin.totpKey, BigInt(Math.floor(now / 1000 / 30)), 6);
			expect(verifyTotp(user!.totpKey!, code, null, now)).not.toBeNull();
		}
		// Again (with or without signin): the same accounts, keys and TOTP secrets; nothing new is created.
		const rootSeed = keyed.rootSeed;
		const again = await keyDemoOrgans(db, {
			organIds: ['o-sf-c01-k02'],
			password: 'pw',
			signin: true,
			rootSeed,
			...cheap
		});
		expect(again.created).toEqual({ rootKey: false, bundles: 0, entries: 0 });
		expect(again.staff.map((s) => [s.staffId, s.signin!.totpBase32])).toEqual(
			keyed.staff.map((s) => [s.staffId, s.signin!.totpBase32])
		);
		const plain = await keyDemoOrgans(db, { organIds: ['o-sf-c01-k02'], password: 'pw', rootSeed, ...cheap });
		expect(plain.staff.map((s) => s.staffId)).toEqual(keyed.staff.map((s) => s.staffId));
		expect(plain.staff.every((s) => s.signin === undefined)).toBe(true);
		// base32 of the RFC 4648 test vector.
		expect(base32(new TextEncoder().encode('foobar'))).toBe('MZXW6YTBOI');
	});
});

describeDb('keyed demo, every organ (demo:keys --all)', (get) => {
	const demo = generateDemo();

	it('keys every demo organ, so that every unit and post routes to keyed recipients, as the demo plans', async () => {
		const { db } = get();
		await loadDemo(db, demo);
		const organIds = await allDemoOrganIds(db);
		expect(organIds).toEqual(demo.organs.map((o) => o.id).sort());
		const keyed = await keyDemoOrgans(db, { organIds, password: 'pw', ...cheap });
		// Every organ, township ones included, has at least two keyed receivers (a head and an inspector).
		for (const id of organIds) expect(keyed.staff.filter((s) => s.organId === id).length, id).toBeGreaterThanOrEqual(2);
		expect(keyed.staff.length).toBe(demo.staff.filter((s) => s.role !== 'admin').length);

		// Routed on the database (hasKey from the signed directory under the root key just made), every
		// unit and post reaches an organ with keyed, unconflicted recipients: the organ the generated demo
		// plans, never a fallback for want of keys.
		const plan = makeSnapshot(demo);
		const keyedIn = new Set(keyed.staff.map((s) => `${s.organId}/${s.staffId}`));
		let routes = 0;
		for (const u of demo.units) {
			const snap = await loadRoutingSnapshot(db, u.id, NOW);
			for (const position of POSITION_KINDS) {
				const req = { unitId: u.id, position, escalate: false } as const;
				const r = routeReport(snap, req);
				const planned = routeReport(plan, req);
				if (r.status !== 'routed' || planned.status !== 'routed') throw new Error(`${u.id} ${position}: ${r.status}`);
				expect(
					r.warnings.map((w) => w.code),
					`${u.id} ${position}`
				).not.toContain('no_recipients');
				expect(r.organ.id, `${u.id} ${position}`).toBe(planned.organ.id);
				expect(r.recipients, `${u.id} ${position}`).toEqual(planned.recipients);
				expect(r.recipients.length).toBeGreaterThan(0);
				for (const id of r.recipients) expect(keyedIn.has(`${r.organ.id}/${id}`)).toBe(true);
				routes++;
			}
		}
		expect(routes).toBe(demo.units.length * POSITION_KINDS.length);
	}, 120_000);
});
