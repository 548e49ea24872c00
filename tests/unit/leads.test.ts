/**
 * Issue 17, the lead register through its server core, with the staff browser's crypto run in Node
 * (src/lib/client/staff/leads-crypto.ts): the organ key sealed to the members and rotated on a membership
 * change; duplicates found by the blind index across two reporters' reports; a report naming two people
 * as two leads; split and merge keeping history and outcomes; integrity opinions listing exactly the
 * person's leads, audited; the blind index differing between organs; no canary in any table.
 */
import { and, asc, eq, like } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64 } from '@oslojs/encoding';
import { decryptLeadDetails, newEntryId, openSealedKey, signDirectoryEntry } from '$lib/crypto';
import type { Db } from '$lib/server/db';
import { auditLog, lead, leadEvent, leadPerson, organKeyWrap, organStaff, staffUser } from '$lib/server/db/schema';
import { leadCounts } from '$lib/server/leads/counts';
import { storeDirectoryEntry } from '$lib/server/keys/directory';
import { verifyAuditLog } from '$lib/server/audit/log';
import { removeMembership } from '$lib/server/org/admin';
import type { LeadCounts, LeadSummary } from '$lib/shared/wire/leads';
import { describeDb } from '$support/db';
import {
	buildBackofficeWorld,
	leadHelpers,
	NOW,
	publicRowsDump,
	storeReport,
	type BoWorld,
	type Member
} from '$support/backoffice';
import { findCanary } from '../e2e/dump';
import {
	blindOf,
	buildLead,
	loadT2s,
	openOrganKeys,
	readLead,
	sealMissing,
	sealNewVersion
} from '$lib/client/staff/leads-crypto';
import type { Converter } from '$lib/shared/person-name';
import { organKeyState, storeOrganKey } from '$lib/server/leads/organ-key';
import { createLead, joinReport, mergeLead, setLeadState, splitLead } from '$lib/server/leads/register';
import { listLeads, lookupLeads, openLead } from '$lib/server/leads/read';
import { integrityOpinion } from '$lib/server/leads/opinion';

const CANARY = 'canary-leads-9d41';

describeDb('lead register', (get) => {
	let w: BoWorld;
	let db: Db;
	let t2s: Converter;
	const { users, ctx, pair, value, state, dirAnswer, keysOf, person } = leadHelpers(() => db);
	/** The member's browser starts the organ's register (version 1) or rotates it. */
	const newVersion = async (m: Member, organ: string) => {
		const s = await state(m, organ);
		const { request } = sealNewVersion(s, await dirAnswer(organ), { now: NOW, pinnedRootPublicKey: w.root.publicKey });
		return storeOrganKey(ctx(m), request);
	};
	const register = async (
		m: Member,
		organ: string,
		persons: ReturnType<typeof person>[],
		reports: string[] = [],
		matter = '工程款'
	) =>
		value<{ id: string }>(
			await createLead(
				ctx(m),
				buildLead(await keysOf(m, organ), { source: 'online', details: { matter }, persons, reports }, t2s)
			)
		).id;
	const lookup = async (m: Member, organ: string, p: { name: string; unit: string }) =>
		value<{ leads: (LeadSummary & { unitMatch: boolean })[] }>(
			await lookupLeads(ctx(m), { organId: organ, ...blindOf(await keysOf(m, organ), p, t2s) })
		).leads;
	const audits = async (action: string) =>
		db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(asc(auditLog.seq));

	beforeAll(async () => {
		db = get().db;
		w = await buildBackofficeWorld(db);
		for (const u of await db.select().from(staffUser)) users.set(u.id, u);
		t2s = await loadT2s();
	});

	it('the organ key: created in a browser, sealed to every current member; others are refused', async () => {
		// Olga (o-k1) is no member of o-city: 404; malformed bodies are a 400, never a 5xx.
		expect(await organKeyState(ctx(w.olga), 'o-city')).toMatchObject({ ok: false, code: 'not_found' });
		expect(await storeOrganKey(ctx(w.alice), { organId: 'o-city', version: 1, wraps: 'x' })).toMatchObject({
			ok: false,
			code: 'invalid_field'
		});
		expect(await state(w.alice, 'o-city')).toMatchObject({ current: null, mine: [] });
		expect(await newVersion(w.alice, 'o-city')).toMatchObject({ ok: true, value: { version: 1 } });
		const s = await state(w.bob, 'o-city');
		expect(s.current).toBe(1);
		expect(s.members.map((m) => m.staffId).sort()).toEqual([w.alice.id, w.bob.id, w.hank.id].sort());
		expect(s.members.every((m) => m.missing.length === 0)).toBe(true);
		const a = await keysOf(w.alice, 'o-city');
		const b = await keysOf(w.bob, 'o-city');
		expect(Buffer.from(a.versions.get(1)!).equals(Buffer.from(b.versions.get(1)!))).toBe(true);
		// A second "version 1" is stale; the audit chain records the creation.
		expect(await newVersion(w.alice, 'o-city')).toMatchObject({ ok: true, value: { version: 2 } });
		expect((await audits('leads.organ_key')).map((e) => (e.details as { version: number }).version)).toEqual([1, 2]);
	});

	it('two reports about one person from two reporters are found as duplicates; one report naming two people is two leads', async () => {
		const r1 = await storeReport(db, { unitId: 'u-k1', recipients: [w.alice, w.bob, w.hank] });
		const r2 = await storeReport(db, { unitId: 'u-k1', recipients: [w.alice, w.bob, w.hank] });
		const r3 = await storeReport(db, { unitId: 'u-k1', recipients: [w.alice, w.bob, w.hank] });
		const zhang = await register(w.alice, 'o-city', [person('张伟')], [r1.id]);
		// Bob reads the second report and types the name in traditional characters, full width, with spaces.
		const found = await lookup(w.bob, 'o-city', { name: '張 偉', unit: '东区　财政局' });
		expect(found.map((l) => [l.id, l.unitMatch])).toEqual([[zhang, true]]);
		// Same name, other unit: found by name, flagged as not the same unit.
		expect(
			(await lookup(w.bob, 'o-city', { name: '张伟', unit: '西区教育局' })).map((l) => [l.id, l.unitMatch])
		).toEqual([[zhang, false]]);
		// Joined by the report's code as staff type it (lower case, grouped).
		const typed = `${r2.locator.slice(0, 5)}-${r2.locator.slice(5)}`.toLowerCase();
		expect(await joinReport(ctx(w.bob), zhang, { locator: typed })).toMatchObject({ ok: true });
		expect(await joinReport(ctx(w.bob), zhang, { locator: 'nope!' })).toMatchObject({
			ok: false,
			code: 'invalid_field'
		});
		// One report naming two people → two leads, each found under its own name.
		const li = await register(w.alice, 'o-city', [person('李娜', '东区住建局')], [r3.id]);
		const wang = await register(w.alice, 'o-city', [person('王强', '东区住建局')], [r3.id]);
		expect((await lookup(w.hank, 'o-city', { name: '李娜', unit: '东区住建局' })).map((l) => l.id)).toEqual([li]);
		expect((await lookup(w.hank, 'o-city', { name: '王强', unit: '东区住建局' })).map((l) => l.id)).toEqual([wang]);
		const view = value<{ linkedReports: { id: string }[]; events: { kind: string }[] }>(
			await openLead(ctx(w.hank), zhang)
		);
		expect(view.linkedReports.map((r) => r.id).sort()).toEqual([r1.id, r2.id].sort());
		expect(view.events.map((e) => e.kind)).toEqual(['create', 'join']);
		// The list decrypts in the member's browser.
		const page = value<{ items: LeadSummary[] }>(await listLeads(ctx(w.bob), new URLSearchParams({ organ: 'o-city' })));
		const keys = await keysOf(w.bob, 'o-city');
		const names = page.items
			.map((l) => readLead(keys, l).persons.map((p) => p.person?.name))
			.flat()
			.sort();
		expect(names).toEqual(['张伟', '李娜', '王强'].sort());
		// A report the caller cannot see cannot be linked; a non-member cannot see the lead.
		const other = await storeReport(db, { organId: 'o-k1', unitId: 'u-k1', recipients: [w.olga] });
		expect(await joinReport(ctx(w.alice), zhang, { reportId: other.id })).toMatchObject({
			ok: false,
			code: 'bad_link'
		});
		expect(await openLead(ctx(w.olga), zhang)).toMatchObject({ ok: false, code: 'not_found' });
		expect(await joinReport(ctx(w.olga), zhang, { reportId: other.id })).toMatchObject({
			ok: false,
			code: 'not_found'
		});
	});

	it('split and merge keep the history and the outcomes; look-ups follow a merge', async () => {
		const ra = await storeReport(db, { unitId: 'u-k1', recipients: [w.alice, w.bob, w.hank] });
		const rb = await storeReport(db, { unitId: 'u-k1', recipients: [w.alice, w.bob, w.hank] });
		const keys = await keysOf(w.alice, 'o-city');
		const body = buildLead(
			keys,
			{
				source: 'letter_visit',
				details: { matter: '违规吃喝', sourceRef: '信-2026-17' },
				persons: [person('赵敏', '东区卫健委'), person('钱坤', '东区卫健委')],
				reports: [ra.id, rb.id]
			},
			t2s
		);
		const id = value<{ id: string }>(await createLead(ctx(w.alice), body)).id;
		expect(await setLeadState(ctx(w.hank), id, { state: 'closed', outcome: 'handled:form1' })).toMatchObject({
			ok: true
		});
		// Split 钱坤 off into a lead of his own with report rb.
		const qian = body.persons[1]!;
		const newLead = buildLead(
			keys,
			{
				source: 'letter_visit',
				details: { matter: '违规吃喝（分出）' },
				persons: [person('钱坤', '东区卫健委')],
				reports: [rb.id]
			},
			t2s
		);
		expect(
			await splitLead(ctx(w.alice), id, { lead: newLead, movePersons: [qian.id, qian.id, body.persons[0]!.id] })
		).toMatchObject({
			ok: false,
			code: 'invalid_field'
		});
		expect(await splitLead(ctx(w.alice), id, { lead: newLead, movePersons: [qian.id] })).toMatchObject({ ok: true });
		const old = value<{ persons: unknown[]; outcome: string; state: string; events: { kind: string }[] }>(
			await openLead(ctx(w.bob), id)
		);
		expect(old).toMatchObject({ state: 'closed', outcome: 'handled:form1' });
		expect(old.persons).toHaveLength(1);
		expect(old.events.map((e) => e.kind)).toEqual(['create', 'state', 'split']);
		expect((await lookup(w.bob, 'o-city', { name: '钱坤', unit: '东区卫健委' })).map((l) => l.id)).toEqual([
			newLead.id
		]);
		// Merge the split-off lead back: it keeps its rows, becomes 'merged', its persons show under the target.
		expect(await setLeadState(ctx(w.hank), newLead.id, { state: 'hold_pending' })).toMatchObject({ ok: true });
		expect(await mergeLead(ctx(w.hank), newLead.id, { into: newLead.id })).toMatchObject({
			ok: false,
			code: 'invalid_field'
		});
		expect(await mergeLead(ctx(w.hank), newLead.id, { into: id })).toMatchObject({ ok: true });
		expect(await mergeLead(ctx(w.hank), newLead.id, { into: id })).toMatchObject({
			ok: false,
			code: 'not_from_this_state'
		});
		const [merged] = await db.select().from(lead).where(eq(lead.id, newLead.id));
		expect(merged).toMatchObject({ state: 'merged', mergedInto: id, splitFrom: id });
		const target = value<{
			persons: { leadId: string }[];
			merged: string[];
			linkedReports: { id: string }[];
			outcome: string;
		}>(await openLead(ctx(w.bob), id));
		expect(target.merged).toEqual([newLead.id]);
		expect(target.outcome).toBe('handled:form1');
		expect(target.persons.map((p) => p.leadId).sort()).toEqual([id, newLead.id].sort());
		const read = readLead(await keysOf(w.bob, 'o-city'), target as unknown as LeadSummary);
		expect(read.persons.map((p) => p.person?.name).sort()).toEqual(['赵敏', '钱坤'].sort());
		expect(read.details).toEqual({ matter: '违规吃喝', sourceRef: '信-2026-17' });
		expect((await lookup(w.bob, 'o-city', { name: '钱坤', unit: '东区卫健委' })).map((l) => l.id)).toEqual([id]);
		const events = await db.select().from(leadEvent).where(eq(leadEvent.leadId, newLead.id)).orderBy(asc(leadEvent.id));
		expect(events.map((e) => [e.kind, e.details])).toEqual([
			['split_from', { from: id, persons: 1, reports: [rb.id] }],
			['state', { from: 'registered', state: 'hold_pending', outcome: null }],
			['merge', { into: id, state: 'hold_pending', outcome: null }]
		]);
		const chain = await db.select({ a: auditLog.action }).from(auditLog).where(like(auditLog.action, 'lead.%'));
		for (const a of ['lead.create', 'lead.split', 'lead.split_from', 'lead.merge', 'lead.merged_in', 'lead.state'])
			expect(chain.map((c) => c.a)).toContain(a);
		expect((await verifyAuditLog(db)).ok).toBe(true);
	});

	it('integrity opinion: exactly the person’s leads, each query audited with purpose and requester', async () => {
		const keys = await keysOf(w.hank, 'o-city');
		const zhang = blindOf(keys, { name: '张伟', unit: '东区财政局' }, t2s);
		const q = { organId: 'o-city', ...zhang, purpose: 'promotion', requester: '青山市委组织部' };
		const before = await lookup(w.hank, 'o-city', { name: '张伟', unit: '东区财政局' });
		const answer = value<{ leads: { id: string; state: string; unitMatch: boolean }[]; auditSeq: string }>(
			await integrityOpinion(ctx(w.hank), q)
		);
		expect(answer.leads.map((l) => l.id)).toEqual(before.map((l) => l.id));
		expect(answer.leads).toHaveLength(1);
		expect(answer.leads[0]).toMatchObject({ state: 'registered', unitMatch: true });
		const [entry] = await db
			.select()
			.from(auditLog)
			.where(eq(auditLog.seq, BigInt(answer.auditSeq)));
		expect(entry).toMatchObject({ action: 'lead.opinion', actor: w.hank.id, organId: 'o-city' });
		expect(entry!.details).toEqual({
			purpose: 'promotion',
			requester: '青山市委组织部',
			leads: [answer.leads[0]!.id],
			unitMatches: 1
		});
		// Nobody else: no leads, still audited; bad input is a 400, a non-member a 404.
		const nobody = value<{ leads: unknown[] }>(
			await integrityOpinion(ctx(w.hank), { ...q, ...blindOf(keys, { name: '孙悟空', unit: '花果山' }, t2s) })
		);
		expect(nobody.leads).toEqual([]);
		expect((await audits('lead.opinion')).length).toBe(2);
		expect(await integrityOpinion(ctx(w.hank), { ...q, purpose: 'curiosity' })).toMatchObject({
			ok: false,
			code: 'invalid_field'
		});
		expect(await integrityOpinion(ctx(w.hank), { ...q, requester: '' })).toMatchObject({
			ok: false,
			code: 'invalid_field'
		});
		expect(await integrityOpinion(ctx(w.olga), q)).toMatchObject({ ok: false, code: 'not_found' });
	});

	it('the blind index differs between organs for the same name', async () => {
		expect(await newVersion(w.olga, 'o-k1')).toMatchObject({ ok: true });
		const city = blindOf(await keysOf(w.alice, 'o-city'), person('张伟'), t2s);
		const k1 = blindOf(await keysOf(w.olga, 'o-k1'), person('张伟'), t2s);
		expect(k1.blindName).not.toBe(city.blindName);
		expect(k1.blindNameUnit).not.toBe(city.blindNameUnit);
		// o-city's blind values find nothing in o-k1.
		expect(value<{ leads: unknown[] }>(await lookupLeads(ctx(w.olga), { organId: 'o-k1', ...city })).leads).toEqual([]);
	});

	it('a membership change rotates the organ key: a removed member cannot open leads created after', async () => {
		const bobOld = await keysOf(w.bob, 'o-city');
		expect((await removeMembership(db, { staffId: w.bob.id, organId: 'o-city' })).ok).toBe(true);
		const s = await state(w.alice, 'o-city');
		expect(s.rotationDue).toBe(true);
		// No new lead under the old version until the key is rotated.
		const early = buildLead(
			await keysOf(w.alice, 'o-city'),
			{ source: 'audit', details: { matter: 'x' }, persons: [person('周杰')] },
			t2s
		);
		expect(await createLead(ctx(w.alice), early)).toMatchObject({ ok: false, code: 'wraps_stale' });
		// A browser still sealing to bob is refused; without him the new version is stored.
		const stale = sealNewVersion(s, await dirAnswer('o-city'), { now: NOW, pinnedRootPublicKey: w.root.publicKey });
		const forged = {
			...stale.request,
			wraps: [
				...stale.request.wraps,
				{
					staffId: w.bob.id,
					entryId: Buffer.from(w.bob.entryId!).toString('base64'),
					sealed: stale.request.wraps[0]!.sealed
				}
			]
		};
		expect(await storeOrganKey(ctx(w.alice), forged)).toMatchObject({ ok: false, code: 'bad_wraps' });
		expect(await storeOrganKey(ctx(w.alice), stale.request)).toMatchObject({ ok: true, value: { version: 3 } });
		expect((await state(w.alice, 'o-city')).rotationDue).toBe(false);
		const after = await register(w.alice, 'o-city', [person('吴刚')], [], `受贿 ${CANARY}`);
		// The server refuses bob (404), and his old versions do not open the new lead.
		expect(await openLead(ctx(w.bob), after)).toMatchObject({ ok: false, code: 'not_found' });
		expect(await organKeyState(ctx(w.bob), 'o-city')).toMatchObject({ ok: false, code: 'not_found' });
		const [row] = await db.select().from(lead).where(eq(lead.id, after));
		expect(row!.keyVersion).toBe(3);
		for (const k of bobOld.versions.values())
			expect(() => decryptLeadDetails(k, 'o-city', after, row!.details)).toThrow();
		const bobWraps = await db
			.select({ v: organKeyWrap.version })
			.from(organKeyWrap)
			.where(and(eq(organKeyWrap.organId, 'o-city'), eq(organKeyWrap.staffId, w.bob.id)));
		expect(bobWraps.map((r) => r.v).sort()).toEqual([1, 2]);
		// Hank (still a member) opens it.
		const hankKeys = await keysOf(w.hank, 'o-city');
		const view = value<LeadSummary>(await openLead(ctx(w.hank), after));
		expect(readLead(hankKeys, view).details).toEqual({ matter: `受贿 ${CANARY}` });
		// A lead under an old version is now refused.
		const oldBody = buildLead(
			{ ...hankKeys, current: 2 },
			{ source: 'audit', details: { matter: 'x' }, persons: [person('周杰')] },
			t2s
		);
		expect(await createLead(ctx(w.hank), oldBody)).toMatchObject({ ok: false, code: 'wraps_stale' });
	});

	it('a member who joins later gets every version from a colleague and reads the older leads', async () => {
		const before = await state(w.alice, 'o-city');
		expect(sealMissing(before, await keysOf(w.alice, 'o-city'), await dirAnswer('o-city'), { now: NOW })).toEqual([]);
		// Gina (o-prov) joins o-city: the admin adds her and signs a directory entry for her key.
		await db.insert(organStaff).values({ staffId: w.gina.id, organId: 'o-city', role: 'inspector' });
		const entryId = newEntryId();
		const signed = signDirectoryEntry(
			{
				entryId,
				staffId: w.gina.id,
				organId: 'o-city',
				role: 'inspector',
				publicKey: pair(w.gina).publicKey,
				notBefore: Math.floor(NOW.getTime() / 1000) - 60,
				notAfter: Math.floor(NOW.getTime() / 1000) + 86_400
			},
			w.root.secretKey
		);
		expect((await storeDirectoryEntry(db, signed, NOW)).ok).toBe(true);
		const s = await state(w.gina, 'o-city');
		expect(s.members.find((m) => m.staffId === w.gina.id)?.missing).toEqual([1, 2, 3]);
		expect(openOrganKeys(s, pair(w.gina))).toBeNull();
		const requests = sealMissing(s, await keysOf(w.alice, 'o-city'), await dirAnswer('o-city'), {
			now: NOW,
			pinnedRootPublicKey: w.root.publicKey
		});
		expect(requests.map((r) => [r.version, r.wraps.map((x) => x.staffId)])).toEqual(
			[1, 2, 3].map((v) => [v, [w.gina.id]])
		);
		for (const r of requests) expect(await storeOrganKey(ctx(w.alice), r)).toMatchObject({ ok: true });
		// Sealing the same version again to her is refused.
		expect(await storeOrganKey(ctx(w.alice), requests[0]!)).toMatchObject({ ok: false, code: 'bad_wraps' });
		const gk = await keysOf(w.gina, 'o-city');
		const found = await lookup(w.gina, 'o-city', { name: '张伟', unit: '东区财政局' });
		expect(found).toHaveLength(1);
		expect(readLead(gk, found[0]!).persons.map((p) => p.person?.name)).toEqual(['张伟']);
		void openSealedKey;
	});

	it('counts per person (人次): leads, distinct persons, person-times, repeated persons, outcomes per person', async () => {
		const c = value<LeadCounts>(await leadCounts(ctx(w.hank), 'o-city'));
		// Independently: every (root lead, blind name) pair of o-city.
		const rows = await db
			.select({
				id: lead.id,
				into: lead.mergedInto,
				state: lead.state,
				outcome: lead.outcome,
				blind: leadPerson.blindName
			})
			.from(leadPerson)
			.innerJoin(lead, eq(lead.id, leadPerson.leadId))
			.where(eq(lead.organId, 'o-city'));
		const pairs = new Set(rows.map((r) => `${r.into ?? r.id}|${Buffer.from(r.blind).toString('hex')}`));
		const perName = new Map<string, number>();
		for (const p of pairs) perName.set(p.split('|')[1]!, (perName.get(p.split('|')[1]!) ?? 0) + 1);
		const roots = await db
			.select({ id: lead.id })
			.from(lead)
			.where(and(eq(lead.organId, 'o-city')));
		const merged = (await db.select({ id: lead.id }).from(lead).where(eq(lead.state, 'merged'))).length;
		expect(c).toMatchObject({
			leads: roots.length - merged,
			persons: perName.size,
			personTimes: pairs.size,
			repeated: [...perName.values()].filter((n) => n >= 2).length
		});
		// The split-off lead merged back counts 钱坤 once, under the lead it joined.
		expect(c.byOutcome['handled:form1']).toBe(2); // 赵敏 and 钱坤 of the closed lead
		expect(await leadCounts(ctx(w.olga), 'o-city')).toMatchObject({ ok: false, code: 'not_found' });
		expect(await leadCounts(ctx(w.hank), 'bad organ!')).toMatchObject({ ok: false, code: 'invalid_field' });
	});

	it('no canary of a person name or lead details in any table', async () => {
		await register(
			w.alice,
			'o-city',
			[{ name: `${CANARY}名`, unit: `${CANARY}单位`, post: CANARY, level: 'section' }],
			[],
			CANARY
		);
		const dump = await publicRowsDump(db);
		expect(dump).toContain('lead_person');
		expect(findCanary(dump, CANARY)).toEqual([]);
	});
});

describe('lead crypto bindings', () => {
	it('a lead ciphertext opens only as that lead of that organ', async () => {
		const { generateOrganKey, encryptLeadDetails } = await import('$lib/crypto');
		const k = generateOrganKey();
		const blob = encryptLeadDetails(k, 'o-city', 'a', { matter: 'm' });
		expect(decryptLeadDetails(k, 'o-city', 'a', blob)).toEqual({ matter: 'm' });
		expect(() => decryptLeadDetails(k, 'o-city', 'b', blob)).toThrow();
		expect(() => decryptLeadDetails(k, 'o-k1', 'a', blob)).toThrow();
		void decodeBase64;
	});
});
