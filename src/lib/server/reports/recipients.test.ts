import { beforeAll, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { decodeBase64, parseDirectoryEntry, signRevocationList } from '$lib/crypto';
import { describeDb } from '$support/db';
import { staffUser } from '$lib/server/db/schema';
import { directoryApi, type DirectoryResponse } from '$lib/server/keys/api';
import { storeRevocationList } from '$lib/server/keys/revocations';
import { routingApi } from '$lib/server/org/api';
import { routeReport } from '$lib/server/org/routing';
import { loadRoutingSnapshot } from '$lib/server/org/store';
import { computeRecipients } from './recipients';
import { buildWorld, NOW, type World } from '../../../../tests/support/reporter-world';

describeDb('recipients, the directory API and routing keys', (get) => {
	let world: World;
	beforeAll(async () => {
		world = await buildWorld(get().db);
	});

	const staffOf = async (organ: string, unit: string, at = NOW) =>
		[...(await computeRecipients(get().db, organ, unit, at)).keys()].sort();
	const servedStaff = async (qs: string) => {
		const r = await directoryApi(get().db, new URLSearchParams(qs), NOW);
		expect(r.status, JSON.stringify(r.body)).toBe(200);
		return (r.body as DirectoryResponse).entries.map((e) => parseDirectoryEntry(decodeBase64(e)).entry.staffId).sort();
	};

	it('recipients are the organ’s valid entries minus staff conflicted for the unit', async () => {
		expect(await staffOf('o-city', 'u-k1')).toEqual([world.alice.id, world.bob.id].sort());
		expect(await staffOf('o-city', 'u-k2')).toEqual([world.alice.id]);
		expect(await staffOf('o-prov', 'u-k1')).toEqual([world.carol.id]);
		expect(await staffOf('o-k1', 'u-k1')).toEqual([]);
		// Entries are valid for a year from the day before NOW.
		expect(await staffOf('o-city', 'u-k1', new Date(NOW.getTime() + 400 * 86_400_000))).toEqual([]);
		expect(await staffOf('o-city', 'u-k1', new Date(NOW.getTime() - 2 * 86_400_000))).toEqual([]);
	});

	it('GET /directory?organ=…&unit=… leaves out entries of staff conflicted for the unit', async () => {
		expect(await servedStaff('organ=o-city')).toEqual([world.alice.id, world.bob.id].sort());
		expect(await servedStaff('organ=o-city&unit=u-k1')).toEqual([world.alice.id, world.bob.id].sort());
		expect(await servedStaff('organ=o-city&unit=u-k2')).toEqual([world.alice.id]);
		for (const [qs, code] of [
			['organ=o-city&unit=u-k2&unit=u-k1', 'invalid_parameter'],
			['organ=o-city&unit=%3Cx%3E', 'invalid_parameter'],
			['organ=o-city&unit=u-none', 'unknown_unit']
		] as const) {
			const r = await directoryApi(get().db, new URLSearchParams(qs), NOW);
			expect(r).toMatchObject({ status: 400, body: { error: { code, field: 'unit' } } });
		}
	});

	it('routing counts a member as keyed only with a valid, unrevoked entry for that organ', async () => {
		const { db } = get();
		const snap = await loadRoutingSnapshot(db, 'u-k1', NOW);
		const keyed = (organ: string) =>
			(snap.staffByOrgan.get(organ) ?? [])
				.filter((s) => s.hasKey)
				.map((s) => s.id)
				.sort();
		expect(keyed('o-city')).toEqual([world.alice.id, world.bob.id].sort());
		expect(keyed('o-prov')).toEqual([world.carol.id]);
		// dave's has_key column says true, but he has no directory entry: not keyed.
		expect((snap.staffByOrgan.get('o-k1') ?? []).map((s) => [s.id, s.hasKey])).toEqual([[world.dave, false]]);
		// So an official of u-k1 (normally o-k1's; its team members are city-managed since issue 14) falls
		// back to o-city, which really can decrypt.
		const r = routeReport(snap, { unitId: 'u-k1', position: 'other_staff', escalate: false });
		expect(r).toMatchObject({
			status: 'routed',
			organ: { id: 'o-city' },
			recipients: [world.alice.id, world.bob.id].sort()
		});
		expect(r.status === 'routed' && r.rules).toContain('fallback_to_ancestor');
		const api = await routingApi(db, new URLSearchParams('unit=u-k1&position=other_staff&kind=public_tip'));
		expect(api.body).toMatchObject({ organ: { id: 'o-city' }, deliverable: true });

		// A disabled account is no recipient, and no longer keyed for routing.
		await db.update(staffUser).set({ disabledAt: NOW }).where(eq(staffUser.id, world.bob.id));
		expect(await staffOf('o-city', 'u-k1')).toEqual([world.alice.id]);
		await db.update(staffUser).set({ disabledAt: null }).where(eq(staffUser.id, world.bob.id));

		// Revoking by public key counts as much as by entry id.
		const list = signRevocationList(
			{
				issuedAt: Math.floor(NOW.getTime() / 1000),
				entryIds: [],
				publicKeys: [world.alice.keyPair.publicKey, world.bob.keyPair.publicKey]
			},
			world.root.secretKey
		);
		expect((await storeRevocationList(db, list, null)).ok).toBe(true);
		expect(await staffOf('o-city', 'u-k1')).toEqual([]);
		const after = await loadRoutingSnapshot(db, 'u-k1', NOW);
		expect(routeReport(after, { unitId: 'u-k1', position: 'team_member', escalate: false })).toMatchObject({
			organ: { id: 'o-prov' },
			recipients: [world.carol.id]
		});
	});
});
