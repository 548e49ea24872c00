/**
 * Issue 18 item 3: the inbox's search by person (被反映人) through the lead register's blind index. The
 * browser's crypto runs in Node (src/lib/client/staff/person-search.ts over leads-crypto.ts): two reports
 * about one person, linked to two leads of o-city, are found (and nothing else, through the inbox with its
 * counts and sorts); name + unit narrows; a blind value made with another organ's index key finds nothing,
 * nor does a search in an organ the caller is not a member of; the request body and the audit never hold the
 * name; the field is refused in a URL (GET). Both databases (describeDb).
 */
import { asc, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import type { StaffUser } from '$lib/server/auth/session';
import type { Db } from '$lib/server/db';
import { auditLog, staffUser } from '$lib/server/db/schema';
import type { StaffCtx } from '$lib/server/backoffice/context';
import { inbox } from '$lib/server/backoffice/inbox';
import { directoryApi } from '$lib/server/keys/api';
import { organKeyState, storeOrganKey } from '$lib/server/leads/organ-key';
import { createLead } from '$lib/server/leads/register';
import type { BoxKeyPair } from '$lib/crypto';
import { buildLead, loadT2s, openOrganKeys, sealNewVersion, type OrganKeys } from '$lib/client/staff/leads-crypto';
import { personField } from '$lib/client/staff/person-search';
import type { Converter } from '$lib/shared/person-name';
import type { OrganKeyState } from '$lib/shared/wire/leads';
import type { InboxAnswer } from '$lib/shared/wire/staff';
import { describeDb } from '$support/db';
import { findCanary } from '../e2e/dump';
import { buildBackofficeWorld, NOW, storeReport, type BoWorld, type Member } from '$support/backoffice';

const CANARY = '欧阳测试七三';
const UNIT = '东区财政局';

describeDb('inbox search by person (blind index)', (get) => {
	let w: BoWorld;
	let db: Db;
	let t2s: Converter;
	const users = new Map<string, StaffUser>();
	const ctx = (m: Member): StaffCtx => ({ db, user: users.get(m.id)!, now: NOW });
	const ids: Record<string, string> = {};
	const value = <T>(r: { ok: boolean }): T => {
		if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
		return (r as unknown as { value: T }).value;
	};
	const keysOf = async (m: Member, organ: string): Promise<OrganKeys> => {
		const k = openOrganKeys(value<OrganKeyState>(await organKeyState(ctx(m), organ)), m.keyPair as BoxKeyPair);
		if (!k) throw new Error('no organ keys');
		return k;
	};
	async function startRegister(m: Member, organ: string) {
		const s = value<OrganKeyState>(await organKeyState(ctx(m), organ));
		const dir = (await directoryApi(db, new URLSearchParams({ organ }), NOW)).body;
		const { request } = sealNewVersion(s, dir, { now: NOW, pinnedRootPublicKey: w.root.publicKey });
		value(await storeOrganKey(ctx(m), request));
	}
	async function register(m: Member, organ: string, name: string, unit: string, reports: string[]) {
		const persons = [{ name, unit, post: '局长', level: 'division' }];
		const req = buildLead(
			await keysOf(m, organ),
			{ source: 'online', details: { matter: '工程款' }, persons, reports },
			t2s
		);
		return value<{ id: string }>(await createLead(ctx(m), req)).id;
	}
	/** What the inbox page posts (the route turns the JSON body's strings into these fields). */
	async function search(m: Member, body: Record<string, string>): Promise<InboxAnswer> {
		return value<InboxAnswer>(await inbox(ctx(m), new URLSearchParams(body), true));
	}

	beforeAll(async () => {
		db = get().db;
		w = await buildBackofficeWorld(db);
		for (const u of await db.select().from(staffUser)) users.set(u.id, u);
		t2s = await loadT2s();
		await startRegister(w.alice, 'o-city');
		await startRegister(w.olga, 'o-k1');
		const r = async (name: string, organId = 'o-city', recipients = [w.alice, w.hank], receivedOn = '2026-11-20') =>
			(ids[name] = (await storeReport(db, { organId, unitId: 'u-k1', recipients, receivedOn })).id);
		await r('first', 'o-city', [w.alice, w.hank], '2026-11-20');
		await r('second', 'o-city', [w.alice, w.hank], '2026-11-22');
		await r('other');
		await r('unlinked');
		await r('k1', 'o-k1', [w.olga]);
		// Two leads of o-city about the same person (two units), each linked to one report; another person's lead.
		await register(w.alice, 'o-city', CANARY, UNIT, [ids.first!]);
		await register(w.hank, 'o-city', CANARY, '西区教育局', [ids.second!]);
		await register(w.alice, 'o-city', '李其他', UNIT, [ids.other!]);
		// o-k1's register has the same name, linked to its own report.
		await register(w.olga, 'o-k1', CANARY, UNIT, [ids.k1!]);
	});

	it('finds the two reports about the person and nothing else, with counts and sorts; name + unit narrows', async () => {
		const keys = await keysOf(w.alice, 'o-city');
		const body = { person: personField([keys], CANARY, '', t2s), counts: '1' };
		const a = await search(w.alice, body);
		expect(a.items.map((i) => i.id).sort()).toEqual([ids.first!, ids.second!].sort());
		expect(a.counts?.total).toBe(2);
		// The sort of the table applies: oldest first.
		const asc2 = await search(w.alice, { ...body, sort: 'date_asc' });
		expect(asc2.items.map((i) => i.id)).toEqual([ids.first!, ids.second!]);
		// Typed in traditional characters with spaces: the same blind value.
		const trad = await search(w.alice, { person: personField([keys], ' 歐陽 測試七三 ', '', t2s) });
		expect(trad.items.map((i) => i.id).sort()).toEqual([ids.first!, ids.second!].sort());
		const unit = await search(w.alice, { person: personField([keys], CANARY, UNIT, t2s) });
		expect(unit.items.map((i) => i.id)).toEqual([ids.first!]);
		// Hank sees the same two (he is a recipient too); a name nobody registered finds nothing.
		expect((await search(w.hank, body)).items.map((i) => i.id).sort()).toEqual([ids.first!, ids.second!].sort());
		expect((await search(w.alice, { person: personField([keys], '无此人', '', t2s) })).items).toEqual([]);
	});

	it("another organ's blind value finds nothing, nor does an organ the caller is not a member of", async () => {
		const k1 = await keysOf(w.olga, 'o-k1');
		const cityKeys = await keysOf(w.alice, 'o-city');
		// o-k1's index key's value, presented as o-city's: no o-city person has it.
		const foreign = JSON.parse(personField([k1], CANARY, '', t2s)) as { organ: string; name: string }[];
		const asCity = JSON.stringify(foreign.map((f) => ({ ...f, organ: 'o-city' })));
		expect((await search(w.alice, { person: asCity })).items).toEqual([]);
		// Alice is no member of o-k1: its register is not searched (and not audited) for her.
		const before = (await db.select().from(auditLog).where(eq(auditLog.organId, 'o-k1'))).length;
		expect((await search(w.alice, { person: personField([k1], CANARY, '', t2s) })).items).toEqual([]);
		expect((await db.select().from(auditLog).where(eq(auditLog.organId, 'o-k1'))).length).toBe(before);
		// Olga finds her organ's own report only.
		expect((await search(w.olga, { person: personField([k1], CANARY, '', t2s) })).items.map((i) => i.id)).toEqual([
			ids.k1!
		]);
		// With o-city's key: o-city's index differs from o-k1's.
		expect(Buffer.from(cityKeys.indexKey).equals(Buffer.from(k1.indexKey))).toBe(false);
	});

	it('the request carries no name, the audit neither; each search is audited; refused in a URL or malformed', async () => {
		const keys = await keysOf(w.alice, 'o-city');
		const body = { person: personField([keys], CANARY, UNIT, t2s) };
		const wire = JSON.stringify(body);
		expect(wire).not.toContain(CANARY);
		expect(wire).not.toContain(UNIT);
		expect(wire).not.toContain('测试');
		const before = await db.select().from(auditLog).where(eq(auditLog.action, 'inbox.person'));
		await search(w.alice, body);
		const rows = await db.select().from(auditLog).where(eq(auditLog.action, 'inbox.person')).orderBy(asc(auditLog.seq));
		expect(rows.length).toBe(before.length + 1);
		const last = rows.at(-1)!;
		expect(last).toMatchObject({ actor: w.alice.id, organId: 'o-city', reportId: null });
		expect(last.details).toMatchObject({ reports: 1, withUnit: true });
		const all = JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
		expect(findCanary(all, CANARY)).toEqual([]);
		expect(all).not.toContain(CANARY);
		expect(all).not.toContain(UNIT);
		// Nor any blind value.
		for (const e of JSON.parse(body.person) as { name: string; unit: string }[]) {
			expect(all).not.toContain(e.name);
			expect(all).not.toContain(e.unit);
		}
		// GET refuses the field (nothing searchable in a URL); bad values are a 400 field, never a 5xx.
		expect(await inbox(ctx(w.alice), new URLSearchParams(body))).toMatchObject({ ok: false, field: 'person' });
		for (const bad of [
			'',
			'[]',
			'{}',
			'[{"organ":"o-city"}]',
			'[{"organ":"o-city","name":"abc"}]',
			`[{"organ":"o city","name":"${'A'.repeat(43)}="}]`,
			`[{"organ":"o-city","name":"${'A'.repeat(43)}=","extra":1}]`,
			CANARY
		]) {
			const r = await inbox(ctx(w.alice), new URLSearchParams({ person: bad }), true);
			if (bad === '') expect(r.ok).toBe(true);
			else expect(r, bad).toMatchObject({ ok: false, field: 'person' });
		}
	});
});
