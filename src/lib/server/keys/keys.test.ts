import { describe, expect, it } from 'vitest';
import {
	createStaffKeys,
	generateRootKey,
	newEntryId,
	signDirectoryEntry,
	signRevocationList,
	rootFingerprint,
	verifyDirectoryEntries,
	TEST_ONLY_CHEAP_KDF,
	unlockWithRecoveryKey,
	rewrapForPassword,
	type RootKeyPair
} from '$lib/crypto';
import { describeDb } from '$support/db';
import { disciplineOrgan, organStaff, orgRootKey, staffUser } from '$lib/server/db/schema';
import { enrolStaffKey, getStaffKey, rewrapStaffKey, checkBundle } from './staff-keys';
import {
	checkPinnedRoot,
	getActiveRootKey,
	pinRootKey,
	registerRootKey,
	rotateRootKey,
	storedRootKey
} from './root-key';
import { signedEntriesForOrgan, storeDirectoryEntry } from './directory';
import { latestRevocationList, storeRevocationList } from './revocations';
import { directoryApi, type DirectoryResponse } from './api';
import { fromBase64, toBase64 } from '$lib/shared/encoding';

const weak = { allowWeakKdf: true };
const NOW = new Date('2026-06-01T00:00:00Z');
const s = (d: Date) => Math.floor(d.getTime() / 1000);

describe('wire', () => {
	it('decodes base64 strictly', () => {
		expect(fromBase64(toBase64(new Uint8Array([1, 2, 3])))).toEqual(new Uint8Array([1, 2, 3]));
		for (const bad of [null, 1, '', 'abc', 'ab$=', 'A'.repeat(10_000)]) expect(fromBase64(bad)).toBeNull();
	});
});

describeDb('key management', (get) => {
	let alice = '';
	let bob = '';
	let root: RootKeyPair;
	let aliceKeys: Awaited<ReturnType<typeof createStaffKeys>>;

	it('sets up staff and an organ', async () => {
		const { db } = get();
		const users = await db
			.insert(staffUser)
			.values(
				['alice', 'bob'].map((u) => ({
					username: u,
					displayName: u,
					authSalt: new Uint8Array(16),
					authParams: { m: 64, t: 1, p: 1 },
					authHash: '!'
				}))
			)
			.returning();
		[alice, bob] = users.map((u) => u.id) as [string, string];
		await db.insert(disciplineOrgan).values([
			{ id: 'o-city', name: '青山市纪委监委', kind: 'commission', level: 'city' },
			{ id: 'o-other', name: '其他', kind: 'commission', level: 'city' }
		]);
		// Served entries are those of current members (issue 16).
		await db.insert(organStaff).values({ staffId: alice, organId: 'o-city', role: 'inspector' });
	});

	it('enrols a staff key bundle once and refuses malformed ones', async () => {
		const { db } = get();
		aliceKeys = await createStaffKeys('alice pw', TEST_ONLY_CHEAP_KDF);
		const b = aliceKeys.bundle;
		expect(await enrolStaffKey(db, alice, b)).toEqual({ ok: false, reason: 'weak_kdf' });
		expect(await enrolStaffKey(db, alice, { ...b, publicKey: b.publicKey.slice(1) }, weak)).toMatchObject({
			reason: 'bad_public_key'
		});
		const otherVersion = b.passwordWrapped.slice();
		otherVersion[0] = 2;
		expect(await enrolStaffKey(db, alice, { ...b, passwordWrapped: otherVersion }, weak)).toMatchObject({
			reason: 'bad_password_wrap'
		});
		expect(
			await enrolStaffKey(db, alice, { ...b, passwordWrapped: b.passwordWrapped.slice(0, 98) }, weak)
		).toMatchObject({ reason: 'bad_password_wrap' });
		expect(await enrolStaffKey(db, alice, { ...b, recoveryWrapped: b.passwordWrapped }, weak)).toMatchObject({
			reason: 'bad_recovery_wrap'
		});
		expect(await getStaffKey(db, alice)).toBeNull();

		const r = await enrolStaffKey(db, alice, b, weak);
		expect(r.ok).toBe(true);
		const row = (await getStaffKey(db, alice))!;
		expect(row.publicKey).toEqual(b.publicKey);
		expect(row.passwordWrapped).toEqual(b.passwordWrapped);
		expect(row.recoveryWrapped).toEqual(b.recoveryWrapped);
		expect(row.kdfSpec.length).toBe(27);
		expect(row.rotatedAt).toBeNull();
		// What was stored still opens with the recovery key.
		expect(unlockWithRecoveryKey(row, aliceKeys.recoveryKey).publicKey).toEqual(b.publicKey);

		expect(await enrolStaffKey(db, alice, b, weak)).toEqual({ ok: false, reason: 'already_enrolled' });
		expect(await enrolStaffKey(db, bob, b, weak)).toEqual({ ok: false, reason: 'key_in_use' });
	});

	it('re-wraps the same key but never swaps it', async () => {
		const { db } = get();
		const newer = await rewrapForPassword(aliceKeys.bundle, aliceKeys.keyPair, 'new pw', TEST_ONLY_CHEAP_KDF);
		const r = await rewrapStaffKey(db, alice, newer, weak, NOW);
		expect(r.ok).toBe(true);
		const row = (await getStaffKey(db, alice))!;
		expect(row.passwordWrapped).toEqual(newer.passwordWrapped);
		expect(row.rotatedAt).toEqual(NOW);
		const other = await createStaffKeys('x', TEST_ONLY_CHEAP_KDF);
		expect(await rewrapStaffKey(db, alice, other.bundle, weak)).toEqual({ ok: false, reason: 'different_key' });
		expect(await rewrapStaffKey(db, bob, other.bundle, weak)).toEqual({ ok: false, reason: 'not_enrolled' });
		expect(checkBundle(other.bundle)).toEqual({ ok: false, reason: 'weak_kdf' });
	});

	it('records the pinned root key; with nothing pinned no stored key is trusted', async () => {
		const { db } = get();
		pinRootKey(null);
		expect(await getActiveRootKey(db)).toBeNull();
		expect(await storeDirectoryEntry(db, new Uint8Array(10))).toEqual({ ok: false, reason: 'no_root' });
		root = generateRootKey();
		expect(await registerRootKey(db, root.publicKey.slice(1), alice)).toEqual({ ok: false, reason: 'bad_public_key' });
		const r = await registerRootKey(db, root.publicKey, alice);
		expect(r).toMatchObject({ ok: true, created: true, fingerprint: rootFingerprint(root.publicKey) });
		expect(await registerRootKey(db, root.publicKey, alice)).toMatchObject({ ok: true, created: false });
		// Stored but not pinned: not trusted, and the server would not start.
		expect(await getActiveRootKey(db)).toBeNull();
		expect(await checkPinnedRoot(db, null)).toMatchObject({ ok: false, reason: 'not_pinned' });
		pinRootKey(root.publicKey);
		expect((await getActiveRootKey(db))!.publicKey).toEqual(root.publicKey);
		expect(await checkPinnedRoot(db, root.publicKey)).toEqual({
			ok: true,
			state: 'matches',
			fingerprint: rootFingerprint(root.publicKey)
		});
		const second = generateRootKey();
		expect(await registerRootKey(db, second.publicKey, alice)).toEqual({ ok: false, reason: 'root_exists' });
		// Issue 21: a root key of the other suite (an SM2 point in this NaCl deployment) stops the start-up.
		const sm2Root = new Uint8Array(65).fill(9);
		sm2Root[0] = 4;
		expect(await checkPinnedRoot(db, sm2Root)).toMatchObject({ ok: false, reason: 'wrong_suite' });
		expect(await registerRootKey(db, sm2Root)).toEqual({ ok: false, reason: 'bad_public_key' });
	});

	it('stores only entries that verify against the root key and match the enrolled key', async () => {
		const { db } = get();
		const base = {
			staffId: alice,
			organId: 'o-city',
			role: 'inspector',
			publicKey: aliceKeys.bundle.publicKey,
			notBefore: s(NOW) - 60,
			notAfter: s(NOW) + 86_400 * 365
		};
		const sign = (over: Partial<typeof base> = {}, key = root.secretKey) =>
			signDirectoryEntry({ entryId: newEntryId(), ...base, ...over }, key);

		expect(await storeDirectoryEntry(db, sign({}, generateRootKey().secretKey), NOW)).toEqual({
			ok: false,
			reason: 'bad_signature'
		});
		const tampered = sign();
		tampered[20] = tampered[20]! ^ 1;
		expect(await storeDirectoryEntry(db, tampered, NOW)).toMatchObject({ ok: false });
		expect(await storeDirectoryEntry(db, sign().slice(0, 40), NOW)).toEqual({ ok: false, reason: 'bad_entry' });
		expect(await storeDirectoryEntry(db, sign({ notAfter: s(NOW) - 1, notBefore: s(NOW) - 10 }), NOW)).toEqual({
			ok: false,
			reason: 'not_valid_now'
		});
		expect(await storeDirectoryEntry(db, sign({ role: 'admin' }), NOW)).toEqual({ ok: false, reason: 'bad_role' });
		expect(await storeDirectoryEntry(db, sign({ staffId: 'not-a-uuid' }), NOW)).toEqual({
			ok: false,
			reason: 'unknown_staff'
		});
		expect(await storeDirectoryEntry(db, sign({ staffId: bob }), NOW)).toEqual({ ok: false, reason: 'not_enrolled' });
		expect(await storeDirectoryEntry(db, sign({ publicKey: new Uint8Array(32).fill(7) }), NOW)).toEqual({
			ok: false,
			reason: 'key_mismatch'
		});
		expect(await storeDirectoryEntry(db, sign({ organId: 'o-none' }), NOW)).toEqual({
			ok: false,
			reason: 'unknown_organ'
		});

		const good = sign();
		expect(await storeDirectoryEntry(db, good, NOW)).toMatchObject({ ok: true });
		expect(await storeDirectoryEntry(db, good, NOW)).toEqual({ ok: false, reason: 'duplicate' });
		const entries = await signedEntriesForOrgan(db, 'o-city', NOW);
		expect(entries).toEqual([good]);
		expect(await signedEntriesForOrgan(db, 'o-other', NOW)).toEqual([]);
		// Expired entries are no longer served.
		expect(await signedEntriesForOrgan(db, 'o-city', new Date(NOW.getTime() + 86_400_000 * 400))).toEqual([]);
	});

	it('stores newer revocation lists only', async () => {
		const { db } = get();
		expect(await latestRevocationList(db)).toBeNull();
		const list = signRevocationList({ issuedAt: s(NOW), entryIds: [newEntryId()], publicKeys: [] }, root.secretKey);
		expect(
			await storeRevocationList(
				db,
				signRevocationList({ issuedAt: s(NOW), entryIds: [], publicKeys: [] }, generateRootKey().secretKey),
				alice
			)
		).toEqual({
			ok: false,
			reason: 'bad_signature'
		});
		expect(await storeRevocationList(db, list.slice(0, 20), alice)).toEqual({ ok: false, reason: 'bad_list' });
		expect(await storeRevocationList(db, list, alice)).toEqual({ ok: true, issuedAt: NOW });
		expect(await storeRevocationList(db, list, alice)).toEqual({ ok: false, reason: 'stale' });
		expect((await latestRevocationList(db))!.signed).toEqual(list);
	});

	it('serves the directory as JSON that verifies against the root key', async () => {
		const { db } = get();
		const q = (qs: string) => directoryApi(db, new URLSearchParams(qs), NOW);
		expect(await q('')).toMatchObject({ status: 400, body: { error: { code: 'invalid_parameter', field: 'organ' } } });
		expect(await q('organ=a&organ=b')).toMatchObject({ status: 400 });
		expect(await q('organ=%20bad')).toMatchObject({ status: 400 });
		expect(await q('organ=o-none')).toMatchObject({ status: 400, body: { error: { code: 'unknown_organ' } } });
		const r = await q('organ=o-city');
		expect(r.status).toBe(200);
		const body = r.body as DirectoryResponse;
		expect(body.root).toEqual({ publicKey: toBase64(root.publicKey), fingerprint: rootFingerprint(root.publicKey) });
		expect(body.entries).toHaveLength(1);
		expect(body.revocations).not.toBeNull();
		const { valid, rejected } = verifyDirectoryEntries(
			body.entries.map((e) => fromBase64(e)!),
			root.publicKey,
			{ now: NOW, organId: 'o-city' }
		);
		expect(rejected).toEqual([]);
		expect(valid[0]!.staffId).toBe(alice);
	});
});

describeDb('a root key replaced in the database', (get) => {
	it('is refused at start and by every verifier, while the pinned key is kept', async () => {
		const { db } = get();
		await db.insert(disciplineOrgan).values({ id: 'o-y', name: 'y', kind: 'commission', level: 'city' });
		const pinned = generateRootKey();
		const forged = generateRootKey();
		pinRootKey(pinned.publicKey);
		// First start with a pin: the pinned key is recorded.
		expect(await checkPinnedRoot(db, pinned.publicKey)).toMatchObject({ ok: true, state: 'registered' });
		// Someone with write access to the database swaps in their own key.
		await db.update(orgRootKey).set({ publicKey: forged.publicKey });
		const check = await checkPinnedRoot(db, pinned.publicKey);
		expect(check).toMatchObject({ ok: false, reason: 'mismatch' });
		expect(check.ok ? '' : check.message).toContain(rootFingerprint(forged.publicKey));
		expect(await getActiveRootKey(db)).toBeNull();
		expect(await directoryApi(db, new URLSearchParams('organ=o-y'))).toMatchObject({
			status: 409,
			body: { error: { code: 'no_root_key' } }
		});
		const entry = signDirectoryEntry(
			{
				entryId: newEntryId(),
				staffId: '00000000-0000-4000-8000-000000000000',
				organId: 'o-y',
				role: 'inspector',
				publicKey: new Uint8Array(32).fill(1),
				notBefore: s(NOW) - 60,
				notAfter: s(NOW) + 86_400
			},
			forged.secretKey
		);
		expect(await storeDirectoryEntry(db, entry, NOW)).toEqual({ ok: false, reason: 'no_root' });
		expect(
			await storeRevocationList(
				db,
				signRevocationList({ issuedAt: s(NOW), entryIds: [], publicKeys: [] }, forged.secretKey),
				null
			)
		).toEqual({ ok: false, reason: 'no_root' });
	});

	it('rotates to a new pinned key, retiring the old one', async () => {
		const { db } = get();
		await db.delete(orgRootKey);
		const first = generateRootKey();
		const next = generateRootKey();
		expect(await registerRootKey(db, first.publicKey)).toMatchObject({ ok: true, created: true });
		expect(await rotateRootKey(db, first.publicKey)).toEqual({ ok: false, reason: 'same_key' });
		expect(await rotateRootKey(db, next.publicKey, NOW)).toMatchObject({ ok: true });
		expect((await storedRootKey(db))!.publicKey).toEqual(next.publicKey);
		expect(await rotateRootKey(db, first.publicKey)).toEqual({ ok: false, reason: 'used_before' });
		expect(await checkPinnedRoot(db, next.publicKey)).toMatchObject({ ok: true, state: 'matches' });
		expect(await checkPinnedRoot(db, first.publicKey)).toMatchObject({ ok: false, reason: 'mismatch' });
	});
});

describeDb('directory without a root key', (get) => {
	it('answers 409', async () => {
		const { db } = get();
		await db.insert(disciplineOrgan).values({ id: 'o-x', name: 'x', kind: 'commission', level: 'city' });
		expect(await directoryApi(db, new URLSearchParams('organ=o-x'))).toMatchObject({
			status: 409,
			body: { error: { code: 'no_root_key' } }
		});
	});
});
