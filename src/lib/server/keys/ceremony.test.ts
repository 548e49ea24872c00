import { expect, it } from 'vitest';
import { createStaffKeys, generateRootKey, rootFingerprint, TEST_ONLY_CHEAP_KDF } from '$lib/crypto';
import { describeDb } from '$support/db';
import { disciplineOrgan, organStaff, staffUser } from '$lib/server/db/schema';
import { parsePendingFile, signPending } from '$lib/shared/root-ceremony';
import { exportPending, importSigned } from './ceremony';
import { signedEntriesForOrgan, validEntriesForOrgans } from './directory';
import { pinRootKey, registerRootKey } from './root-key';
import { enrolStaffKey } from './staff-keys';

const NOW = new Date('2026-06-01T00:00:00Z');

describeDb('root ceremony on the server', (get) => {
	const root = generateRootKey();
	let li = '';
	let wang = '';

	it('exports nothing until the pinned root is recorded', async () => {
		const { db } = get();
		pinRootKey(root.publicKey);
		expect(await exportPending(db, { now: NOW })).toBeNull();
		const users = await db
			.insert(staffUser)
			.values(
				['li', 'wang', 'zhao'].map((u) => ({
					username: u,
					displayName: u,
					authSalt: new Uint8Array(16),
					authParams: { m: 64, t: 1, p: 1 },
					authHash: '!'
				}))
			)
			.returning();
		[li, wang] = users.map((u) => u.id) as [string, string];
		await db.insert(disciplineOrgan).values({ id: 'o-c', name: '市纪委监委', kind: 'commission', level: 'city' });
		await db.insert(organStaff).values([
			{ staffId: li, organId: 'o-c', role: 'inspector' },
			{ staffId: wang, organId: 'o-c', role: 'head' },
			{ staffId: users[2]!.id, organId: 'o-c', role: 'inspector' } // no key enrolled: nothing to sign
		]);
		for (const id of [li, wang]) {
			const keys = await createStaffKeys('pw', TEST_ONLY_CHEAP_KDF);
			expect(await enrolStaffKey(db, id, keys.bundle, { allowWeakKdf: true })).toMatchObject({ ok: true });
		}
		expect(await registerRootKey(db, root.publicKey)).toMatchObject({ ok: true });
	});

	it('exports an entry per keyed handler, imports what the root signed, then has nothing left', async () => {
		const { db } = get();
		const pending = (await exportPending(db, { now: NOW, days: 30 }))!;
		expect(pending.rootFingerprint).toBe(rootFingerprint(root.publicKey));
		expect(pending.entries.map((e) => [e.username, e.role]).sort()).toEqual([
			['li', 'inspector'],
			['wang', 'head']
		]);
		expect(pending.revocations).toBeNull();
		const signed = signPending(parsePendingFile(JSON.stringify(pending)), root.seed.slice());
		// A forged item (signed by another key) is refused; the rest is stored.
		const other = generateRootKey();
		const forged = signPending({ ...pending, rootFingerprint: rootFingerprint(other.publicKey) }, other.seed);
		const r = await importSigned(db, { ...signed, entries: [...signed.entries, forged.entries[0]!, 'x'] }, null, NOW);
		expect(r).toEqual({
			stored: 2,
			refused: [
				{ index: 2, reason: 'bad_signature' },
				{ index: 3, reason: 'malformed' }
			],
			revocations: null
		});
		expect(await signedEntriesForOrgan(db, 'o-c', NOW)).toHaveLength(2);
		expect((await exportPending(db, { now: NOW }))!.entries).toEqual([]);
	});

	it('revokes a staff member with a signed revocation list', async () => {
		const { db } = get();
		const pending = (await exportPending(db, { now: NOW, revokeStaff: [li] }))!;
		expect(pending.entries).toEqual([]);
		expect(pending.revocations!.entryIds).toHaveLength(1);
		expect(pending.revocations!.publicKeys).toHaveLength(1);
		const signed = signPending(pending, root.seed.slice());
		const r = await importSigned(db, signed, null, NOW);
		expect(r.revocations).toMatchObject({ ok: true });
		expect((await validEntriesForOrgans(db, ['o-c'], NOW)).map((e) => e.staffId)).toEqual([wang]);
		// The revoked key is not offered for signing again.
		expect((await exportPending(db, { now: NOW }))!.entries).toEqual([]);
	});
});
