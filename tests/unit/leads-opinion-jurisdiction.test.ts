/**
 * Issue 17, integrity opinions across the jurisdiction (docs/crypto.md "Across the jurisdiction"), through
 * the server core with the browsers' crypto run in Node (src/lib/client/staff/leads-escrow.ts). 张伟 has
 * leads in 青山市纪委监委 (o-city) and in both county organs below it (o-k1, o-k2); a different person (李娜)
 * has one in o-k1 and a same-name 张伟 one in the province (o-prov, above the city: outside its
 * jurisdiction). Each county escrows its blind-index key to the members of every ancestor organ; the escrow
 * refuses any other recipient set. The city's opinion lists exactly 张伟's three leads (codes only for the
 * counties'), audited under the city and under each county searched; a county cannot search the city.
 */
import { asc, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { createStaffKeys, newEntryId, signDirectoryEntry, TEST_ONLY_CHEAP_KDF, type BoxKeyPair } from '$lib/crypto';
import type { StaffUser } from '$lib/server/auth/session';
import type { Db } from '$lib/server/db';
import { auditLog, organIndexEscrow, organStaff, staffUser } from '$lib/server/db/schema';
import { verifyAuditLog } from '$lib/server/audit/log';
import type { StaffCtx } from '$lib/server/backoffice/context';
import { directoryApi } from '$lib/server/keys/api';
import { storeDirectoryEntry } from '$lib/server/keys/directory';
import { enrolStaffKey } from '$lib/server/keys/staff-keys';
import { escrowState, heldEscrows, storeEscrow } from '$lib/server/leads/escrow';
import { integrityOpinion } from '$lib/server/leads/opinion';
import { organKeyState, storeOrganKey } from '$lib/server/leads/organ-key';
import { createLead } from '$lib/server/leads/register';
import {
	blindOf,
	buildLead,
	loadT2s,
	openOrganKeys,
	sealNewVersion,
	type OrganKeys
} from '$lib/client/staff/leads-crypto';
import { blindAcross, openEscrows, sealEscrows } from '$lib/client/staff/leads-escrow';
import type { Converter } from '$lib/shared/person-name';
import type { OrganKeyState } from '$lib/shared/wire/leads';
import type { EscrowState, HeldEscrows, OpinionAcrossAnswer } from '$lib/shared/wire/leads-escrow';
import { describeDb } from '$support/db';
import { buildBackofficeWorld, NOW, type BoWorld, type Member } from '$support/backoffice';

describeDb('integrity opinion across the jurisdiction', (get) => {
	let w: BoWorld;
	let db: Db;
	let t2s: Converter;
	let kate: Member; // o-k2 inspector
	const users = new Map<string, StaffUser>();
	const ctx = (m: Member): StaffCtx => ({ db, user: users.get(m.id)!, now: NOW });
	const value = <T>(r: { ok: boolean }): T => {
		if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
		return (r as unknown as { value: T }).value;
	};
	const dirAnswer = async (organ: string) => (await directoryApi(db, new URLSearchParams({ organ }), NOW)).body;
	const keysOf = async (m: Member, organ: string): Promise<OrganKeys> => {
		const k = openOrganKeys(value<OrganKeyState>(await organKeyState(ctx(m), organ)), m.keyPair as BoxKeyPair);
		if (!k) throw new Error('no organ keys');
		return k;
	};
	const person = (name: string, unit: string) => ({ name, unit, post: '局长', level: 'division' });
	const register = async (m: Member, organ: string, name: string, unit: string) =>
		value<{ id: string }>(
			await createLead(
				ctx(m),
				buildLead(
					await keysOf(m, organ),
					{ source: 'letter_visit', details: { matter: '工程款' }, persons: [person(name, unit)] },
					t2s
				)
			)
		).id;
	/** What a member's browser does on opening the register: escrow the index key to every ancestor lacking it. */
	const upkeep = async (m: Member, organ: string) => {
		const keys = await keysOf(m, organ);
		const state = value<EscrowState>(await escrowState(ctx(m), organ));
		for (const due of state.due) {
			const req = sealEscrows(keys, due, await dirAnswer(due.holderOrganId), {
				now: NOW,
				pinnedRootPublicKey: w.root.publicKey
			});
			value(await storeEscrow(ctx(m), req));
		}
		return state;
	};
	/** The opinion as the browser asks it: own blind values, and those under every escrowed lower key. */
	const opinion = async (m: Member, organ: string, name: string, unit: string) => {
		const held = value<HeldEscrows>(await heldEscrows(ctx(m), organ));
		const lower = openEscrows(held, m.keyPair as BoxKeyPair);
		return value<OpinionAcrossAnswer>(
			await integrityOpinion(ctx(m), {
				organId: organ,
				...blindOf(await keysOf(m, organ), { name, unit }, t2s),
				purpose: 'promotion',
				requester: '青山市委组织部',
				lower: blindAcross(lower, { name, unit }, t2s)
			})
		);
	};
	const leads = { city: '', k1: '', k1Other: '', k2: '', prov: '' };

	beforeAll(async () => {
		db = get().db;
		w = await buildBackofficeWorld(db);
		// A member of o-k2 (the shared world has none), keyed and in the signed directory.
		const [u] = await db
			.insert(staffUser)
			.values({
				username: 'kate',
				displayName: 'KATE',
				authSalt: new Uint8Array(16),
				authParams: { m: 64, t: 1, p: 1 },
				authHash: '!'
			})
			.returning();
		await db.insert(organStaff).values({ staffId: u!.id, organId: 'o-k2', role: 'inspector' });
		const keys = await createStaffKeys('pw', TEST_ONLY_CHEAP_KDF);
		expect((await enrolStaffKey(db, u!.id, keys.bundle, { allowWeakKdf: true })).ok).toBe(true);
		const entryId = newEntryId();
		const s = (d: Date) => Math.floor(d.getTime() / 1000);
		const signed = signDirectoryEntry(
			{
				entryId,
				staffId: u!.id,
				organId: 'o-k2',
				role: 'inspector',
				publicKey: keys.keyPair.publicKey,
				notBefore: s(NOW) - 86_400,
				notAfter: s(NOW) + 86_400 * 3650
			},
			w.root.secretKey
		);
		expect((await storeDirectoryEntry(db, signed, NOW)).ok).toBe(true);
		kate = { id: u!.id, username: 'kate', keyPair: keys.keyPair, entryId };
		for (const x of await db.select().from(staffUser)) users.set(x.id, x);
		t2s = await loadT2s();
		for (const [m, organ] of [
			[w.alice, 'o-city'],
			[w.olga, 'o-k1'],
			[kate, 'o-k2'],
			[w.gina, 'o-prov']
		] as const) {
			const st = value<OrganKeyState>(await organKeyState(ctx(m), organ));
			const { request } = sealNewVersion(st, await dirAnswer(organ), {
				now: NOW,
				pinnedRootPublicKey: w.root.publicKey
			});
			value(await storeOrganKey(ctx(m), request));
		}
		leads.city = await register(w.alice, 'o-city', '张伟', '东区财政局');
		leads.k1 = await register(w.olga, 'o-k1', '張 偉', '东区财政局');
		leads.k1Other = await register(w.olga, 'o-k1', '李娜', '东区财政局');
		leads.k2 = await register(kate, 'o-k2', '张伟', '西区教育局');
		leads.prov = await register(w.gina, 'o-prov', '张伟', '东区财政局');
	});

	it('escrow: only to the real parent chain, sealed to exactly the ancestor’s current members', async () => {
		const state = value<EscrowState>(await escrowState(ctx(w.olga), 'o-k1'));
		// Every ancestor with members (o-top has none), each with all its current members.
		expect(state.due).toEqual([
			{ holderOrganId: 'o-prov', staff: [w.gina.id, w.carol.id].sort() },
			{ holderOrganId: 'o-city', staff: [w.alice.id, w.bob.id, w.hank.id].sort() }
		]);
		const keys = await keysOf(w.olga, 'o-k1');
		const opts = { now: NOW, pinnedRootPublicKey: w.root.publicKey };
		const toCity = sealEscrows(keys, state.due[1]!, await dirAnswer('o-city'), opts)!;
		// Not to a sibling, nor to the organ itself, nor to an unknown organ: forbidden.
		for (const holder of ['o-k2', 'o-k1', 'o-nowhere'])
			expect(await storeEscrow(ctx(w.olga), { ...toCity, holderOrganId: holder })).toMatchObject({
				ok: false,
				code: 'forbidden'
			});
		// A recipient set that is not the city's members (the province's, or a county colleague's entry): refused.
		const toProv = sealEscrows(keys, state.due[0]!, await dirAnswer('o-prov'), opts)!;
		expect(await storeEscrow(ctx(w.olga), { ...toProv, holderOrganId: 'o-city' })).toMatchObject({
			ok: false,
			code: 'bad_wraps'
		});
		expect(
			await storeEscrow(ctx(w.olga), { ...toCity, wraps: [...toCity.wraps, ...toProv.wraps.slice(0, 1)] })
		).toMatchObject({ ok: false, code: 'bad_wraps' });
		// Part of the members only, on the first escrow: stale.
		expect(await storeEscrow(ctx(w.olga), { ...toCity, wraps: toCity.wraps.slice(0, 1) })).toMatchObject({
			ok: false,
			code: 'wraps_stale'
		});
		// A non-member of o-k1 cannot escrow its key; malformed bodies are 400s.
		expect(await storeEscrow(ctx(w.alice), toCity)).toMatchObject({ ok: false, code: 'not_found' });
		expect(await storeEscrow(ctx(w.olga), { ...toCity, wraps: 'x' })).toMatchObject({
			ok: false,
			code: 'invalid_field'
		});
		expect(await db.select().from(organIndexEscrow)).toEqual([]);
		// The browsers' upkeep: every county and the city escrow to all their ancestors.
		await upkeep(w.olga, 'o-k1');
		await upkeep(kate, 'o-k2');
		await upkeep(w.alice, 'o-city');
		expect(value<EscrowState>(await escrowState(ctx(w.olga), 'o-k1')).due).toEqual([]);
		// A second escrow to the same members is refused (no overwrite).
		expect(await storeEscrow(ctx(w.olga), toCity)).toMatchObject({ ok: false, code: 'bad_wraps' });
		const rows = await db.select().from(organIndexEscrow);
		expect(rows.length).toBe(2 * 5 + 2); // each county → 3 city + 2 province members; the city → 2 province members
		// The index key itself is nowhere in the rows; the city's members open the county's exact key.
		for (const r of rows) expect(Buffer.from(r.sealed).includes(Buffer.from(keys.indexKey))).toBe(false);
		const held = value<HeldEscrows>(await heldEscrows(ctx(w.bob), 'o-city'));
		expect(held.held.map((h) => h.organId)).toEqual(['o-k1', 'o-k2']);
		expect(held.missing).toEqual([]);
		const opened = openEscrows(held, w.bob.keyPair as BoxKeyPair);
		expect(Buffer.from(opened[0]!.indexKey).equals(Buffer.from(keys.indexKey))).toBe(true);
		const audits = await db.select().from(auditLog).where(eq(auditLog.action, 'leads.index_escrow'));
		expect(audits.map((a) => [a.organId, (a.details as { holderOrganId: string }).holderOrganId]).sort()).toEqual([
			['o-city', 'o-prov'],
			['o-k1', 'o-city'],
			['o-k1', 'o-prov'],
			['o-k2', 'o-city'],
			['o-k2', 'o-prov']
		]);
	});

	it('the city’s opinion lists exactly the person’s leads across its jurisdiction, audited under each organ', async () => {
		const answer = await opinion(w.hank, 'o-city', '张伟', '东区财政局');
		expect(answer.leads.map((l) => l.id)).toEqual([leads.city]);
		expect(answer.lower.map((o) => [o.organId, o.name, o.leads.map((l) => [l.id, l.unitMatch])])).toEqual([
			['o-k1', '东区纪委监委', [[leads.k1, true]]],
			['o-k2', '西区纪委监委', [[leads.k2, false]]]
		]);
		// Codes and dates only from the lower registers: no ciphertext, no person.
		expect(Object.keys(answer.lower[0]!.leads[0]!).sort()).toEqual(
			['id', 'outcome', 'receivedOn', 'source', 'state', 'unitMatch'].sort()
		);
		expect(answer.lower[0]!.leads[0]).toMatchObject({ source: 'letter_visit', state: 'registered', outcome: null });
		// Neither 李娜 (another person) nor the province's same-name 张伟 (outside the jurisdiction).
		const all = [...answer.leads, ...answer.lower.flatMap((o) => o.leads)].map((l) => l.id);
		expect(all).not.toContain(leads.k1Other);
		expect(all).not.toContain(leads.prov);
		// Audited: under the city with purpose, requester and what each organ gave; under each county searched.
		const rows = await db.select().from(auditLog).where(eq(auditLog.actor, w.hank.id)).orderBy(asc(auditLog.seq));
		expect(rows.map((r) => [r.action, r.organId])).toEqual([
			['lead.opinion', 'o-city'],
			['lead.opinion_from_above', 'o-k1'],
			['lead.opinion_from_above', 'o-k2']
		]);
		expect(String(rows[0]!.seq)).toBe(answer.auditSeq);
		expect(rows[0]!.details).toEqual({
			purpose: 'promotion',
			requester: '青山市委组织部',
			leads: [leads.city],
			unitMatches: 1,
			lower: { 'o-k1': [leads.k1], 'o-k2': [leads.k2] }
		});
		expect(rows[1]!.details).toEqual({
			purpose: 'promotion',
			requester: '青山市委组织部',
			askingOrganId: 'o-city',
			askingSeq: answer.auditSeq,
			leads: [leads.k1]
		});
		expect((await verifyAuditLog(db)).ok).toBe(true);
	});

	it('the province reaches the grandchildren through their own escrow; a county cannot search the city', async () => {
		const prov = await opinion(w.carol, 'o-prov', '张伟', '东区财政局');
		expect(prov.leads.map((l) => l.id)).toEqual([leads.prov]);
		expect(prov.lower.map((o) => [o.organId, o.leads.map((l) => l.id)])).toEqual([
			['o-city', [leads.city]],
			['o-k1', [leads.k1]],
			['o-k2', [leads.k2]]
		]);
		// The county: not a member of the city (404); the city's register is not below it (403), even with
		// blind values made under its own key; no escrow of the city is held by a county member.
		const k1 = await keysOf(w.olga, 'o-k1');
		const q = {
			organId: 'o-k1',
			...blindOf(k1, { name: '张伟', unit: '东区财政局' }, t2s),
			purpose: 'promotion',
			requester: '组织部'
		};
		expect(await integrityOpinion(ctx(w.olga), { ...q, organId: 'o-city' })).toMatchObject({
			ok: false,
			code: 'not_found'
		});
		expect(
			await integrityOpinion(ctx(w.olga), { ...q, lower: [{ organId: 'o-city', blindName: q.blindName }] })
		).toMatchObject({ ok: false, code: 'forbidden' });
		expect(
			await integrityOpinion(ctx(w.olga), { ...q, lower: [{ organId: 'o-k2', blindName: q.blindName }] })
		).toMatchObject({ ok: false, code: 'forbidden' });
		expect(await heldEscrows(ctx(w.olga), 'o-city')).toMatchObject({ ok: false, code: 'not_found' });
		expect(value<HeldEscrows>(await heldEscrows(ctx(w.olga), 'o-k1'))).toEqual({
			organId: 'o-k1',
			held: [],
			missing: []
		});
		// The city cannot search its own parent either, nor name one organ twice.
		const city = blindOf(await keysOf(w.alice, 'o-city'), { name: '张伟', unit: '' }, t2s);
		const cq = { organId: 'o-city', ...city, purpose: 'promotion', requester: '组织部' };
		expect(
			await integrityOpinion(ctx(w.alice), { ...cq, lower: [{ organId: 'o-prov', blindName: city.blindName }] })
		).toMatchObject({ ok: false, code: 'forbidden' });
		const twice = { organId: 'o-k1', blindName: city.blindName };
		expect(await integrityOpinion(ctx(w.alice), { ...cq, lower: [twice, twice] })).toMatchObject({
			ok: false,
			code: 'invalid_field'
		});
		// No audit row for a refused query under the organs it named.
		const above = await db.select().from(auditLog).where(eq(auditLog.action, 'lead.opinion_from_above'));
		expect(above.filter((r) => r.actor === w.olga.id || r.actor === w.alice.id)).toEqual([]);
	});

	it('a higher-organ member who holds no escrow: the lower registers are named as not searched, their look-up refused', async () => {
		await db.insert(organStaff).values({ staffId: w.gina.id, organId: 'o-city', role: 'inspector' });
		const before = value<HeldEscrows>(await heldEscrows(ctx(w.gina), 'o-city'));
		expect(before.held).toEqual([]);
		expect(before.missing.map((o) => o.organId)).toEqual(['o-k1', 'o-k2']);
		// Gina's directory entry is for o-prov: she has none for o-city, so no escrow is due to her there.
		const due = value<EscrowState>(await escrowState(ctx(w.olga), 'o-k1')).due;
		expect(due).toEqual([]);
		const city = blindOf(await keysOf(w.alice, 'o-city'), { name: '张伟', unit: '' }, t2s);
		expect(
			await integrityOpinion(ctx(w.gina), {
				organId: 'o-city',
				blindName: city.blindName,
				purpose: 'promotion',
				requester: '组织部',
				lower: [{ organId: 'o-k1', blindName: city.blindName }]
			})
		).toMatchObject({ ok: false, code: 'forbidden' });
	});
});
