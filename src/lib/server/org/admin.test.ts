import { beforeAll, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { describeDb } from '$support/db';
import { staffUser } from '../db/schema';
import {
	declareConflict,
	getUnitDetail,
	listActiveStaff,
	listChildUnits,
	listOrgans,
	normalizeReason,
	normalizeUnitName,
	previewRouting,
	removeConflict,
	removeMembership,
	setMembership,
	updateUnit
} from './admin';
import { generateDemo } from '../demo/province';
import { loadDemo, loadRoutingSnapshot } from './store';
import { searchUnits } from './search';
import { rowsOf } from './sql';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/index';

/** Every unit's stored ancestor ids and region path match its parent chain; search rows match its name. */
async function expectDerivedDataConsistent(db: Db): Promise<void> {
	const units = rowsOf<{
		id: string;
		parent_id: string | null;
		name: string;
		region_path: string;
		ancestor_ids: string[];
	}>(await db.execute(sql`select id, parent_id, name, region_path, ancestor_ids from org_unit`));
	const byId = new Map(units.map((u) => [u.id, u] as const));
	for (const u of units) {
		const chain: string[] = [];
		const names: string[] = [u.name];
		for (let p = u.parent_id; p !== null; p = byId.get(p)!.parent_id) {
			chain.unshift(p);
			names.unshift(byId.get(p)!.name);
		}
		expect(u.ancestor_ids, u.id).toEqual(chain);
		expect(u.region_path, u.id).toBe(names.join('/'));
	}
	const [bad] = rowsOf<{ n: number }>(
		await db.execute(sql`select count(*)::int as n from org_unit u
			where (select count(*) from org_unit_search s where s.unit_id = u.id) <> char_length(u.name)
			   or not exists (select 1 from org_unit_search s where s.unit_id = u.id and s.pos = 1 and s.name_key = u.name and s.initials_key = u.pinyin_initials)`)
	);
	expect(bad!.n).toBe(0);
}

const demo = generateDemo();
const GXQ = 'sf-c01-k01';

describeDb('org admin', (get) => {
	let adminId = '';
	let disabledId = '';
	beforeAll(async () => {
		const { db } = get();
		await loadDemo(db, demo);
		const mk = (username: string, disabled: boolean) => ({
			username,
			displayName: username,
			authSalt: new Uint8Array(randomBytes(16)),
			authParams: { m: 65536, t: 3, p: 1 },
			authHash: '$argon2id$placeholder',
			disabledAt: disabled ? new Date() : null
		});
		const rows = await db
			.insert(staffUser)
			.values([mk('li.ming', false), mk('gone', true)])
			.returning({ id: staffUser.id, username: staffUser.username });
		adminId = rows.find((r) => r.username === 'li.ming')!.id;
		disabledId = rows.find((r) => r.username === 'gone')!.id;
	});

	it('browses the tree from the top and shows a unit with its chain, posts, organs and conflicts', async () => {
		const { db } = get();
		const top = await listChildUnits(db, null);
		expect(top.map((u) => u.id)).toEqual(['sf']);
		const d = await getUnitDetail(db, GXQ);
		expect(d).not.toBeNull();
		expect(d!.unit).toMatchObject({ id: GXQ, name: '高新区', level: 'county', parentId: 'sf-c01' });
		expect(d!.ancestors.map((a) => a.id)).toEqual(['sf', 'sf-c01']);
		expect(d!.children.length).toBeGreaterThan(0);
		expect(d!.posts.some((p) => p.position === 'top_leader')).toBe(true);
		expect(d!.organs.some((o) => o.relation === 'jurisdiction' && o.level === 'county')).toBe(true);
		expect(await getUnitDetail(db, 'no-such-unit')).toBeNull();
	});

	it('previews routing for every position: the district leaders go to the city, other staff stay in the district', async () => {
		const p = await previewRouting(get().db, GXQ);
		expect(p.map((x) => x.position)).toEqual(['top_leader', 'team_member', 'other_staff']);
		expect(p[0]!.organ).toMatchObject({ id: 'o-sf-c01', level: 'city' });
		// Issue 14: the explanation names the managing committee (the district's leaders are city-managed).
		expect(p[0]!.explanation.zh).toContain('区委书记由上一级的');
		// Issue 14: a district's team members (区长、常委) are city-managed too; its other officials are not.
		expect(p[1]!.organ!.level).toBe('city');
		expect(p[2]!.organ!.level).toBe('county');
		for (const x of p) expect(x.recipients).toBeGreaterThan(0);
	});

	it('adds, changes and removes a membership, and routing sees it', async () => {
		const { db } = get();
		expect(await setMembership(db, { staffId: adminId, organId: 'o-sf-c01', role: 'inspector', hasKey: true })).toEqual(
			{ ok: true }
		);
		let snap = await loadRoutingSnapshot(db, GXQ);
		expect(snap.staffByOrgan.get('o-sf-c01')!.find((s) => s.id === adminId)).toMatchObject({
			role: 'inspector',
			hasKey: true
		});
		expect(await setMembership(db, { staffId: adminId, organId: 'o-sf-c01', role: 'head', hasKey: false })).toEqual({
			ok: true
		});
		const organ = (await listOrgans(db)).find((o) => o.id === 'o-sf-c01')!;
		expect(organ.members.find((m) => m.staffId === adminId)).toMatchObject({
			username: 'li.ming',
			role: 'head',
			hasKey: false
		});
		expect(organ.jurisdictionCount).toBeGreaterThan(0);
		expect(organ.jurisdiction.length).toBeGreaterThan(0);
		expect(await removeMembership(db, { staffId: adminId, organId: 'o-sf-c01' })).toEqual({ ok: true });
		snap = await loadRoutingSnapshot(db, GXQ);
		expect(snap.staffByOrgan.get('o-sf-c01')!.some((s) => s.id === adminId)).toBe(false);
		expect(await removeMembership(db, { staffId: adminId, organId: 'o-sf-c01' })).toEqual({
			ok: false,
			error: 'not_found'
		});
	});

	it('refuses bad memberships without writing anything', async () => {
		const { db } = get();
		const before = JSON.stringify(await listOrgans(db));
		expect(await setMembership(db, { staffId: adminId, organId: 'o-sf-c01', role: 'boss', hasKey: true })).toEqual({
			ok: false,
			error: 'invalid_role'
		});
		expect(await setMembership(db, { staffId: adminId, organId: 'o-none', role: 'inspector', hasKey: true })).toEqual({
			ok: false,
			error: 'unknown_organ'
		});
		expect(
			await setMembership(db, { staffId: disabledId, organId: 'o-sf-c01', role: 'inspector', hasKey: true })
		).toEqual({ ok: false, error: 'unknown_staff' });
		expect(
			await setMembership(db, { staffId: 'not-a-uuid', organId: 'o-sf-c01', role: 'inspector', hasKey: true })
		).toEqual({ ok: false, error: 'unknown_staff' });
		expect(JSON.stringify(await listOrgans(db))).toBe(before);
	});

	it('declares a conflict (routing then leaves that person out), updates its reason and removes it', async () => {
		const { db } = get();
		const cityOrgan = (await listOrgans(db)).find((o) => o.id === 'o-sf-c01')!;
		const receiver = cityOrgan.members.find((m) => m.hasKey && m.role !== 'admin')!;
		expect(
			await declareConflict(db, { staffId: receiver.staffId, unitId: GXQ, reason: '  曾在该单位\n任职 ' })
		).toEqual({ ok: true });
		let d = await getUnitDetail(db, GXQ);
		expect(d!.conflicts.find((c) => c.staffId === receiver.staffId)).toMatchObject({
			reason: '曾在该单位 任职',
			username: receiver.username
		});
		expect((await loadRoutingSnapshot(db, GXQ)).conflictsByUnit.get(GXQ)!.has(receiver.staffId)).toBe(true);
		expect(await declareConflict(db, { staffId: receiver.staffId, unitId: GXQ, reason: '亲属在班子' })).toEqual({
			ok: true
		});
		d = await getUnitDetail(db, GXQ);
		expect(d!.conflicts.filter((c) => c.staffId === receiver.staffId).map((c) => c.reason)).toEqual(['亲属在班子']);
		expect(await removeConflict(db, { staffId: receiver.staffId, unitId: GXQ })).toEqual({ ok: true });
		d = await getUnitDetail(db, GXQ);
		expect(d!.conflicts.some((c) => c.staffId === receiver.staffId)).toBe(false);
	});

	it('refuses a conflict with no reason, an unknown unit or a disabled account', async () => {
		const { db } = get();
		expect(await declareConflict(db, { staffId: adminId, unitId: GXQ, reason: '   ' })).toEqual({
			ok: false,
			error: 'invalid_reason'
		});
		expect(await declareConflict(db, { staffId: adminId, unitId: GXQ, reason: '长'.repeat(501) })).toEqual({
			ok: false,
			error: 'invalid_reason'
		});
		expect(await declareConflict(db, { staffId: adminId, unitId: 'no-such', reason: '曾任职' })).toEqual({
			ok: false,
			error: 'unknown_unit'
		});
		expect(await declareConflict(db, { staffId: disabledId, unitId: GXQ, reason: '曾任职' })).toEqual({
			ok: false,
			error: 'unknown_staff'
		});
		expect(await removeConflict(db, { staffId: adminId, unitId: GXQ })).toEqual({ ok: false, error: 'not_found' });
		expect(normalizeReason(42)).toBeNull();
	});

	it('lists active accounts only', async () => {
		const names = (await listActiveStaff(get().db)).map((s) => s.username);
		expect(names).toContain('li.ming');
		expect(names).not.toContain('gone');
	});

	it('renames a unit: pinyin, search rows and the region paths below it follow', async () => {
		const { db } = get();
		const childId = (await getUnitDetail(db, GXQ))!.children[0]!.id;
		expect(normalizeUnitName('  高新技术\t产业区 ')).toBe('高新技术 产业区');
		expect(await updateUnit(db, GXQ, { name: ' 高新技术产业区 ' })).toEqual({ ok: true });
		const d = await getUnitDetail(db, GXQ);
		expect(d!.unit.name).toBe('高新技术产业区');
		expect((await searchUnits(db, 'gxjscyq'))[0]?.id).toBe(GXQ);
		expect((await searchUnits(db, '技术'))[0]?.id).toBe(GXQ);
		expect((await searchUnits(db, 'gxq', 50)).some((h) => h.id === GXQ)).toBe(false);
		const child = await getUnitDetail(db, childId);
		expect(child!.unit.regionPath).toContain('/高新技术产业区/');
		await expectDerivedDataConsistent(db);
		expect(await updateUnit(db, GXQ, { name: '高新区' })).toEqual({ ok: true });
		expect((await searchUnits(db, 'gxq'))[0]?.id).toBe(GXQ);
	});

	it('moves a unit with its subtree under another parent, and refuses cycles, unknown parents and level inversions', async () => {
		const { db } = get();
		const town = (await getUnitDetail(db, GXQ))!.children.find(
			(c) => c.level === 'township' && c.id.startsWith(`${GXQ}-t`)
		)!;
		const otherCounty = 'sf-c01-k02';
		expect(await updateUnit(db, town.id, { parentId: otherCounty })).toEqual({ ok: true });
		const moved = await getUnitDetail(db, town.id);
		expect(moved!.unit.parentId).toBe(otherCounty);
		expect(moved!.ancestors.map((a) => a.id)).toEqual(['sf', 'sf-c01', otherCounty]);
		await expectDerivedDataConsistent(db);
		// Routing reads the new chain (the township keeps its own explicit jurisdiction).
		const snap = await loadRoutingSnapshot(db, town.id);
		expect(snap.units.has(otherCounty)).toBe(true);

		expect(await updateUnit(db, GXQ, { parentId: town.id })).toEqual({ ok: false, error: 'level_above_parent' });
		expect(await updateUnit(db, 'sf-c01', { parentId: GXQ })).toEqual({ ok: false, error: 'cycle' });
		expect(await updateUnit(db, GXQ, { parentId: GXQ })).toEqual({ ok: false, error: 'cycle' });
		expect(await updateUnit(db, GXQ, { parentId: 'nowhere' })).toEqual({ ok: false, error: 'unknown_parent' });
		expect(await updateUnit(db, 'nowhere', { name: '新名' })).toEqual({ ok: false, error: 'unknown_unit' });
		expect(await updateUnit(db, GXQ, { name: '  ' })).toEqual({ ok: false, error: 'invalid_name' });
		expect(await updateUnit(db, GXQ, { name: 'a\u0000b' })).toEqual({ ok: false, error: 'invalid_name' });

		expect(await updateUnit(db, town.id, { parentId: GXQ })).toEqual({ ok: true });
		await expectDerivedDataConsistent(db);
	});
});
