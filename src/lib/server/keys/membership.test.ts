/**
 * Issue 16: recipients = signed entry ∩ current membership ∩ not conflicted. Removing a member from an organ
 * (the admin's removeMembership) or disabling an account (disableStaffUser) writes a revocation row; the
 * member then receives no new report keys (the commit refuses a wrap for them and accepts the report
 * without it), the directory no longer serves their entry, re-adding or re-enabling does not bring the old
 * entry back, and the admin key page lists the entries and the revocations.
 */
import { beforeAll, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import {
	decodeBase64,
	deriveReceiptKeys,
	encodeKdfSpec,
	generateReceiptSecret,
	newKdfSpec,
	parseDirectoryEntry,
	RECEIPT_KDF,
	receiptAuthHash,
	wrapKey
} from '$lib/crypto';
import { describeDb } from '$support/db';
import { disableStaffUser } from '$lib/server/auth/accounts';
import { entryRevocation, organStaff, report, reportKeyWrap, staffUser } from '$lib/server/db/schema';
import { reportsApi } from '$lib/server/http/reporter';
import { removeMembership, setMembership } from '$lib/server/org/admin';
import { computeRecipients } from '$lib/server/reports/recipients';
import {
	buildWorld,
	draft,
	jsonRequest,
	keyStaff,
	NOW,
	uploadAll,
	type Staff,
	type World
} from '../../../../tests/support/reporter-world';
import { directoryApi, type DirectoryResponse } from './api';
import { keysAdminView } from './admin-view';

describeDb('recipients follow membership', (get) => {
	let world: World;
	let erin: Staff;
	let receipt: Parameters<typeof draft>[0]['receipt'];

	beforeAll(async () => {
		const { db } = get();
		world = await buildWorld(db);
		const [u] = await db
			.insert(staffUser)
			.values({
				username: 'erin',
				displayName: 'erin',
				authSalt: new Uint8Array(16),
				authParams: { m: 64, t: 1, p: 1 },
				authHash: '!'
			})
			.returning({ id: staffUser.id });
		await db.insert(organStaff).values({ staffId: u!.id, organId: 'o-city', role: 'inspector' });
		erin = await keyStaff(db, world.root, u!.id, 'o-city', 'inspector');
		const spec = newKdfSpec(RECEIPT_KDF);
		const keys = await deriveReceiptKeys(generateReceiptSecret(), spec);
		receipt = {
			kdfSpec: encodeKdfSpec(spec),
			authHash: receiptAuthHash(keys.authKey),
			wrappedFor: (k) => wrapKey(k, keys.unwrapKey)
		};
	});

	const recipientsNow = async () => [...(await computeRecipients(get().db, 'o-city', 'u-k1', NOW)).keys()].sort();
	const served = async () => {
		const r = await directoryApi(get().db, new URLSearchParams('organ=o-city&unit=u-k1'), NOW);
		return (r.body as DirectoryResponse).entries.map((e) => parseDirectoryEntry(decodeBase64(e)).entry.staffId).sort();
	};
	const commit = async (to: Staff[]) => {
		const d = draft({ recipients: to.map((s) => ({ entryId: s.entryId, publicKey: s.keyPair.publicKey })), receipt });
		const id = await uploadAll(world.ctx(), d.files);
		const r = await reportsApi(world.ctx(), jsonRequest('/api/v1/reports', d.body(id)));
		return { r, locator: d.locator };
	};
	const wrapsOf = async (locator: string) => {
		const { db } = get();
		const [row] = await db.select({ id: report.id }).from(report).where(eq(report.locator, locator));
		const wraps = await db.select().from(reportKeyWrap).where(eq(reportKeyWrap.reportId, row!.id));
		return wraps.map((w) => w.staffId).sort();
	};
	const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

	it('a removed member receives no new report keys, and the removal is a revocation row', async () => {
		const { db } = get();
		expect(await recipientsNow()).toEqual([world.alice.id, world.bob.id, erin.id].sort());
		expect((await removeMembership(db, { staffId: world.bob.id, organId: 'o-city' })).ok).toBe(true);

		expect(await recipientsNow()).toEqual([world.alice.id, erin.id].sort());
		expect(await served()).toEqual([world.alice.id, erin.id].sort());
		// A browser still sealing to the removed member is refused; without them the report goes through.
		const stale = await commit([world.alice, world.bob, erin]);
		expect(stale.r).toMatchObject({ status: 409, body: { error: { code: 'recipients_changed' } } });
		const fresh = await commit([world.alice, erin]);
		expect(fresh.r.status, JSON.stringify(fresh.r.body)).toBe(201);
		expect(await wrapsOf(fresh.locator)).toEqual([world.alice.id, erin.id].sort());

		const rows = await db.select().from(entryRevocation).where(eq(entryRevocation.staffId, world.bob.id));
		expect(rows.map((r) => [hex(r.entryId), r.organId, r.reason])).toEqual([
			[hex(world.bob.entryId), 'o-city', 'membership_removed']
		]);
		// Re-adding the member does not bring the old entry back: the admin signs a new one.
		expect(
			(await setMembership(db, { staffId: world.bob.id, organId: 'o-city', role: 'inspector', hasKey: true })).ok
		).toBe(true);
		expect(await recipientsNow()).toEqual([world.alice.id, erin.id].sort());
	});

	it('a disabled account receives no new report keys either; re-enabling does not restore the entry', async () => {
		const { db } = get();
		await disableStaffUser(db, erin.id, NOW);
		expect(await recipientsNow()).toEqual([world.alice.id]);
		expect(await served()).toEqual([world.alice.id]);
		const stale = await commit([world.alice, erin]);
		expect(stale.r).toMatchObject({ status: 409, body: { error: { code: 'recipients_changed' } } });
		const fresh = await commit([world.alice]);
		expect(fresh.r.status).toBe(201);
		expect(await wrapsOf(fresh.locator)).toEqual([world.alice.id]);
		const [row] = await db.select().from(entryRevocation).where(eq(entryRevocation.staffId, erin.id));
		expect(row).toMatchObject({ organId: 'o-city', reason: 'account_disabled' });

		await db.update(staffUser).set({ disabledAt: null }).where(eq(staffUser.id, erin.id));
		expect(await recipientsNow()).toEqual([world.alice.id]);
	});

	it('a member whose role becomes admin is no recipient (handler roles only)', async () => {
		const { db } = get();
		expect(
			(await setMembership(db, { staffId: world.alice.id, organId: 'o-city', role: 'admin', hasKey: true })).ok
		).toBe(true);
		expect(await recipientsNow()).toEqual([]);
		const [row] = await db.select().from(entryRevocation).where(eq(entryRevocation.staffId, world.alice.id));
		expect(row).toMatchObject({ reason: 'membership_removed' });
	});

	it('the admin key page lists every entry with its status, and the revocations', async () => {
		const view = await keysAdminView(get().db);
		const status = Object.fromEntries(view.entries.map((e) => [e.username, e.revoked]));
		expect(status).toMatchObject({
			alice: 'membership_removed',
			bob: 'membership_removed',
			erin: 'account_disabled',
			carol: null
		});
		expect(view.revocations.map((r) => [r.username, r.reason, r.signed]).sort()).toEqual(
			[
				['alice', 'membership_removed', false],
				['bob', 'membership_removed', false],
				['erin', 'account_disabled', false]
			].sort()
		);
	});
});
