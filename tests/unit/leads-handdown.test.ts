/**
 * Issue 17, hand-down and follow-up (交办、督办) through the server core, with the browsers' crypto run in
 * Node (src/lib/client/staff/handdown-crypto.ts): 青山市纪委监委 (o-city) hands a lead to 东区纪委监委
 * (o-k1) with a deadline; o-k1 takes it into its own register under its own key and blind index; the
 * overdue result shows in o-city's notices and list; the result closes the follow-up; o-city never gets more
 * than the state and outcome codes (no content of o-k1's leads, not even the handed-down one's new
 * ciphertexts); the reporter reads 已交由…办理，上级机关督办; every step audited on both sides; no canary.
 */
import { asc, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import type { Db } from '$lib/server/db';
import {
	auditLog,
	lead,
	leadHanddown,
	leadHanddownWrap,
	leadPerson,
	staffNotice,
	staffUser
} from '$lib/server/db/schema';
import { verifyAuditLog } from '$lib/server/audit/log';
import { acceptHanddown, handDown, reportHanddownResult } from '$lib/server/leads/handdown';
import { listHanddowns, raiseHanddownNotices } from '$lib/server/leads/handdown-read';
import { storeOrganKey } from '$lib/server/leads/organ-key';
import { listLeads, lookupLeads, openLead } from '$lib/server/leads/read';
import { createLead, setLeadState } from '$lib/server/leads/register';
import { reportView } from '$lib/server/reports/followup';
import { blindOf, buildLead, loadT2s, readLead, sealNewVersion } from '$lib/client/staff/leads-crypto';
import { buildAcceptance, buildHanddown, buildResult, readResult } from '$lib/client/staff/handdown-crypto';
import type { Converter } from '$lib/shared/person-name';
import type { LeadSummary, LeadView } from '$lib/shared/wire/leads';
import type { HanddownList } from '$lib/shared/wire/leads-handdown';
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

const CANARY = 'canary-handdown-5c2e';
const LATER = new Date('2026-12-20T02:00:00Z'); // after the deadline
const DEADLINE = '2026-12-15';

describeDb('lead hand-down and follow-up', (get) => {
	let w: BoWorld;
	let db: Db;
	let t2s: Converter;
	const { users, ctx, pair, value, state, dirAnswer, keysOf, person } = leadHelpers(() => db);
	const list = async (m: Member, organ: string, now = NOW) =>
		value<HanddownList>(await listHanddowns(ctx(m, now), new URLSearchParams({ organ })));

	let higherLead: string;
	let otherLowerLead: string;
	let reportId: string;
	let handdownId: string;
	let lowerLead: string;

	beforeAll(async () => {
		db = get().db;
		w = await buildBackofficeWorld(db);
		for (const u of await db.select().from(staffUser)) users.set(u.id, u);
		t2s = await loadT2s();
		for (const [m, organ] of [
			[w.alice, 'o-city'],
			[w.olga, 'o-k1']
		] as const) {
			const { request } = sealNewVersion(await state(m, organ), await dirAnswer(organ), {
				now: NOW,
				pinnedRootPublicKey: w.root.publicKey
			});
			value(await storeOrganKey(ctx(m), request));
		}
		const r = await storeReport(db, { unitId: 'u-k1', recipients: [w.alice, w.bob, w.hank] });
		reportId = r.id;
		higherLead = value<{ id: string }>(
			await createLead(
				ctx(w.alice),
				buildLead(
					await keysOf(w.alice, 'o-city'),
					{
						source: 'online',
						details: { matter: `${CANARY}工程款` },
						persons: [person(`张${CANARY}`)],
						reports: [r.id]
					},
					t2s
				)
			)
		).id;
		// o-k1's own lead, which o-city must never see.
		otherLowerLead = value<{ id: string }>(
			await createLead(
				ctx(w.olga),
				buildLead(
					await keysOf(w.olga, 'o-k1'),
					{ source: 'letter_visit', details: { matter: '东区自己的线索' }, persons: [person('孙丽')] },
					t2s
				)
			)
		).id;
	});

	it('hands a lead down: only to a lower organ, after today, sealed to exactly its members; without a copy', async () => {
		const keys = await keysOf(w.alice, 'o-city');
		const view = value<LeadView>(await openLead(ctx(w.alice), higherLead));
		const read = readLead(keys, view);
		const make = async (over: { toOrganId?: string; deadline?: string; keepCopy?: boolean } = {}) =>
			buildHanddown(keys, view, read, {
				toOrganId: over.toOrganId ?? 'o-k1',
				deadline: over.deadline ?? DEADLINE,
				keepCopy: over.keepCopy ?? false,
				directoryAnswer: await dirAnswer(over.toOrganId ?? 'o-k1'),
				now: NOW,
				pinnedRootPublicKey: w.root.publicKey
			});
		// Not to a higher organ; not due today; not by a non-member; malformed bodies are 400s.
		expect(await handDown(ctx(w.alice), higherLead, await make({ toOrganId: 'o-prov' }))).toMatchObject({
			ok: false,
			code: 'unknown_organ'
		});
		expect(await handDown(ctx(w.alice), higherLead, await make({ deadline: '2026-11-27' }))).toMatchObject({
			ok: false,
			code: 'invalid_field'
		});
		expect(await handDown(ctx(w.olga), higherLead, await make())).toMatchObject({ ok: false, code: 'not_found' });
		expect(await handDown(ctx(w.alice), higherLead, { toOrganId: 'o-k1' })).toMatchObject({
			ok: false,
			code: 'invalid_field'
		});
		// Sealed to o-city's members instead of o-k1's: refused.
		const wrong = await make();
		wrong.wraps = (await make({ toOrganId: 'o-city' })).wraps;
		expect(await handDown(ctx(w.alice), higherLead, { ...wrong, id: crypto.randomUUID() })).toMatchObject({
			ok: false,
			code: 'recipients_changed'
		});
		const body = await make();
		handdownId = body.id;
		expect(await handDown(ctx(w.alice), higherLead, body)).toMatchObject({ ok: true, value: { id: body.id } });
		// Once is enough while it is open.
		expect(await handDown(ctx(w.bob), higherLead, await make())).toMatchObject({
			ok: false,
			code: 'not_from_this_state'
		});
		// No copy kept: the higher organ's lead has no persons left and its details are empty; its blind index no longer finds the name.
		expect(await db.select().from(leadPerson).where(eq(leadPerson.leadId, higherLead))).toEqual([]);
		const after = value<LeadView>(await openLead(ctx(w.bob), higherLead));
		expect(readLead(await keysOf(w.bob, 'o-city'), after).details).toEqual({ matter: '' });
		const found = value<{ leads: unknown[] }>(
			await lookupLeads(ctx(w.bob), {
				organId: 'o-city',
				...blindOf(keys, person(`张${CANARY}`), t2s)
			})
		);
		expect(found.leads).toEqual([]);
		// The lower organ's members are told; the reporter reads that a lower organ handles it under follow-up.
		const notices = await db.select().from(staffNotice).where(eq(staffNotice.kind, 'handdown_in'));
		expect(notices.map((n) => n.staffId)).toEqual([w.olga.id]);
		expect(await reportView(db, reportId)).toMatchObject({
			status: 'handed_down_followed',
			handledBy: '东区纪委监委'
		});
	});

	it('the lower organ takes it into its own register; package and wraps are dropped', async () => {
		const incoming = (await list(w.olga, 'o-k1')).incoming;
		expect(incoming.map((h) => [h.id, h.state, h.fromOrganName])).toEqual([[handdownId, 'pending', '青山市纪委监委']]);
		const body = buildAcceptance(await keysOf(w.olga, 'o-k1'), incoming[0]!, pair(w.olga), t2s);
		// Only a member of the lower organ accepts.
		expect(await acceptHanddown(ctx(w.bob), handdownId, body)).toMatchObject({ ok: false, code: 'not_found' });
		expect(await acceptHanddown(ctx(w.olga), handdownId, { lead: { ...body.lead, source: 'online' } })).toMatchObject({
			ok: false,
			code: 'invalid_field'
		});
		lowerLead = value<{ id: string }>(await acceptHanddown(ctx(w.olga), handdownId, body)).id;
		expect(await acceptHanddown(ctx(w.olga), handdownId, body)).toMatchObject({
			ok: false,
			code: 'not_from_this_state'
		});
		const [row] = await db.select().from(leadHanddown).where(eq(leadHanddown.id, handdownId));
		expect(row).toMatchObject({ state: 'accepted', package: null, toLeadId: lowerLead });
		expect(await db.select().from(leadHanddownWrap)).toEqual([]);
		// o-k1 reads it under its own key and finds the person with its own blind index.
		const keys = await keysOf(w.olga, 'o-k1');
		const mine = readLead(keys, value<LeadView>(await openLead(ctx(w.olga), lowerLead)));
		expect(mine.details?.matter).toBe(`${CANARY}工程款`);
		expect(mine.persons.map((p) => p.person?.name)).toEqual([`张${CANARY}`]);
		const found = value<{ leads: { id: string; source: string }[] }>(
			await lookupLeads(ctx(w.olga), { organId: 'o-k1', ...blindOf(keys, person(`张${CANARY}`), t2s) })
		);
		expect(found.leads.map((l) => [l.id, l.source])).toEqual([[lowerLead, 'higher_organ']]);
	});

	it('an overdue result shows on the higher side; the higher organ gets state and outcome only', async () => {
		expect((await list(w.alice, 'o-city')).outgoing[0]).toMatchObject({ overdue: false, state: 'accepted' });
		value(await setLeadState(ctx(w.olga), lowerLead, { state: 'preliminary_verification' }));
		expect(await raiseHanddownNotices(db, LATER)).toEqual({ raised: 3 });
		expect(await raiseHanddownNotices(db, new Date(LATER.getTime() + 86_400_000))).toEqual({ raised: 0 });
		const overdue = await db.select().from(staffNotice).where(eq(staffNotice.kind, 'handdown_overdue'));
		expect(overdue.map((n) => n.staffId).sort()).toEqual([w.alice.id, w.bob.id, w.hank.id].sort());
		expect(overdue[0]!.details).toMatchObject({ handdown: handdownId, lead: higherLead, organ: 'o-k1' });
		const higher = await list(w.alice, 'o-city', LATER);
		expect(higher.incoming).toEqual([]);
		expect(higher.lowerOrgans.map((o) => o.id)).toEqual(['o-k1', 'o-k2']);
		expect(higher.outgoing).toMatchObject([
			{ id: handdownId, overdue: true, toLeadState: 'preliminary_verification', toLeadOutcome: null }
		]);
		// Nothing of o-k1's leads reaches o-city: no ciphertext, no other lead's id; their pages are 404s.
		const json = JSON.stringify(higher);
		const lowerRows = await db.select().from(lead).where(eq(lead.organId, 'o-k1'));
		for (const l of lowerRows) {
			expect(json).not.toContain(Buffer.from(l.details).toString('base64'));
			if (l.id !== lowerLead) expect(json).not.toContain(l.id);
		}
		expect(await openLead(ctx(w.alice), lowerLead)).toMatchObject({ ok: false, code: 'not_found' });
		expect(await openLead(ctx(w.hank), otherLowerLead)).toMatchObject({ ok: false, code: 'not_found' });
		expect(await listLeads(ctx(w.alice), new URLSearchParams({ organ: 'o-k1' }))).toMatchObject({
			ok: false,
			code: 'not_found'
		});
		expect(await listHanddowns(ctx(w.alice), new URLSearchParams({ organ: 'o-k1' }))).toMatchObject({
			ok: false,
			code: 'not_found'
		});
	});

	it('the result report closes the follow-up; the higher organ reads the result', async () => {
		const keys = await keysOf(w.olga, 'o-k1');
		const details = readLead(keys, value<LeadSummary>(await openLead(ctx(w.olga), lowerLead))).details!;
		const result = buildResult(details, 'handled:form1', '经初步核实，给予批评教育。');
		expect(await reportHanddownResult(ctx(w.alice), handdownId, result)).toMatchObject({
			ok: false,
			code: 'not_found'
		});
		expect(await reportHanddownResult(ctx(w.olga, LATER), handdownId, result)).toMatchObject({ ok: true });
		expect(await reportHanddownResult(ctx(w.olga, LATER), handdownId, result)).toMatchObject({
			ok: false,
			code: 'not_from_this_state'
		});
		const out = (await list(w.hank, 'o-city', LATER)).outgoing[0]!;
		expect(out).toMatchObject({ state: 'reported', overdue: false, resultOutcome: 'handled:form1' });
		expect(readResult(await keysOf(w.hank, 'o-city'), out)).toBe('经初步核实，给予批评教育。');
		const resultNotices = await db.select().from(staffNotice).where(eq(staffNotice.kind, 'handdown_result'));
		expect(resultNotices.map((n) => n.staffId).sort()).toEqual([w.alice.id, w.bob.id, w.hank.id].sort());
		expect(await raiseHanddownNotices(db, new Date(LATER.getTime() + 3 * 86_400_000))).toEqual({ raised: 0 });
		// A new hand-down of the same lead may follow once the first is closed.
		const history = value<LeadView>(await openLead(ctx(w.alice), higherLead)).events.map((e) => e.kind);
		expect(history).toEqual(['create', 'hand_down', 'handdown_accept', 'handdown_result']);
	});

	it('every step is audited under both organs, and no canary is in any table', async () => {
		const entries = await db.select().from(auditLog).orderBy(asc(auditLog.seq));
		const pairs = (action: string) =>
			entries
				.filter((e) => e.action === action)
				.map((e) => e.organId)
				.sort();
		for (const action of ['lead.handed_in', 'lead.handdown_accept', 'lead.handdown_result'])
			expect(pairs(action), action).toEqual(['o-city', 'o-k1']);
		expect(pairs('lead.hand_down')).toEqual(['o-city']);
		expect(entries.filter((e) => e.action === 'lead.handdowns').length).toBeGreaterThan(0);
		expect((await verifyAuditLog(db)).ok).toBe(true);
		const dump = await publicRowsDump(db);
		expect(dump).toContain('lead_handdown');
		expect(findCanary(dump, CANARY)).toEqual([]);
	});
});
