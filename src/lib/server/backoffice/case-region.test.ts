/**
 * Issue 14 on the staff side: the Art. 22 flag ("须向上级报告") on a case, a report sent by region (the
 * reporter could not find the unit), and its re-routing by the receiving organ's staff to the organ that
 * handles it: a transfer with its reason (encrypted rationale) recorded in the case history and the audit,
 * the key re-sealed for the receiving organ, the by-region mark kept.
 */
import { asc, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { decryptContent, openSealedKey } from '$lib/crypto';
import type { StaffUser } from '$lib/server/auth/session';
import type { Db } from '$lib/server/db';
import { auditLog, report, reportKeyWrap, staffUser } from '$lib/server/db/schema';
import type { CaseView } from '$lib/shared/wire/staff';
import { describeDb } from '$support/db';
import { applyAction, note, openCase } from '$support/case-fixtures';
import { buildBackofficeWorld, NOW, storeReport, transferWrap, type BoWorld, type Member } from '$support/backoffice';
import { transferTargets } from './case-page';
import type { StaffCtx } from './context';

describeDb('back-office cases: Art. 22 flag and reports by region', (get) => {
	let w: BoWorld;
	let db: Db;
	const users = new Map<string, StaffUser>();
	const ctx = (m: Member): StaffCtx => ({ db, user: users.get(m.id)!, now: NOW });
	const view = async (m: Member, id: string) => {
		const a = await openCase(ctx(m), id);
		expect(a.status).toBe(200);
		return a.body as CaseView;
	};

	beforeAll(async () => {
		db = get().db;
		w = await buildBackofficeWorld(db);
		for (const u of await db.select().from(staffUser)) users.set(u.id, u);
	});

	it('flags a clue about the city’s own leaders held by the city organ, not one about a county’s', async () => {
		const city = await storeReport(db, { unitId: 'u-city', recipients: [w.alice, w.hank] });
		const v = await view(w.alice, city.id);
		expect(v.report.mustReportUp).toBe(true);
		expect(v.report.byRegion).toBe(false);
		const county = await storeReport(db, { unitId: 'u-k2', recipients: [w.alice, w.hank] });
		expect((await view(w.alice, county.id)).report.mustReportUp).toBe(false);
	});

	it('re-routes a report by region down to the organ that handles it, with the reason in the history', async () => {
		const r = await storeReport(db, { unitId: 'u-city', recipients: [w.alice, w.hank] });
		await db
			.update(report)
			.set({ caseData: { byRegion: true } })
			.where(eq(report.id, r.id));
		let v = await view(w.alice, r.id);
		// By region the unit is the region the reporter chose: no Art. 22 guess.
		expect(v.report).toMatchObject({ byRegion: true, mustReportUp: false });
		expect(await transferTargets(db, 'o-city')).toEqual({
			up: [
				{ id: 'o-prov', name: '示范省纪委监委' },
				{ id: 'o-top', name: '中央（演示）' }
			],
			down: [
				{ id: 'o-k1', name: '东区纪委监委' },
				{ id: 'o-k2', name: '西区纪委监委' }
			]
		});

		expect((await applyAction(ctx(w.alice), r.id, { action: 'register' })).status).toBe(200);
		const wraps = [transferWrap(r.id, r.reportKey, w.alice, w.olga)];
		const reason = '举报内容所涉单位为东区教育局，由东区纪委监委办理';
		const down = (body: Record<string, unknown>) =>
			applyAction(ctx(w.alice), r.id, { action: 'request_transfer_down', ...body });
		// No reason, no transfer; a target that is not below the organ is refused.
		expect(await down({ targetOrgan: 'o-k1', wraps })).toMatchObject({
			status: 400,
			body: { error: { code: 'needs_note' } }
		});
		expect(await down({ targetOrgan: 'o-prov', wraps, note: note(r.reportKey, reason) })).toMatchObject({
			status: 400,
			body: { error: { code: 'bad_target_organ' } }
		});
		expect((await down({ targetOrgan: 'o-k1', wraps, note: note(r.reportKey, reason) })).status).toBe(200);
		expect((await applyAction(ctx(w.hank), r.id, { action: 'approve' })).status).toBe(200);

		const [row] = await db.select().from(report).where(eq(report.id, r.id));
		expect(row).toMatchObject({ organId: 'o-k1', state: 'transferred_down', caseData: { byRegion: true } });
		const [wrap] = await db.select().from(reportKeyWrap).where(eq(reportKeyWrap.reportId, r.id));
		expect(openSealedKey(wrap!.sealed, w.olga.keyPair!)).toEqual(r.reportKey);
		expect((await openCase(ctx(w.alice), r.id)).status).toBe(404);

		// The receiving organ's inspector sees it, marked by region, and reads the reason in the history.
		v = await view(w.olga, r.id);
		expect(v.report).toMatchObject({ organ: { id: 'o-k1' }, byRegion: true, mustReportUp: false });
		const asked = v.events.find((e) => e.action === 'request_transfer_down');
		const text = JSON.parse(
			new TextDecoder().decode(decryptContent(r.reportKey, new Uint8Array(Buffer.from(asked!.note!, 'base64'))))
		) as { text: string };
		expect(text.text).toBe(reason);
		expect((await applyAction(ctx(w.olga), r.id, { action: 'register_transfer' })).status).toBe(200);
		expect((await db.select().from(report).where(eq(report.id, r.id)))[0]!.caseData).toMatchObject({ byRegion: true });

		// Audited: the request names the target and the note's id; the approval names the new recipients.
		const audit = await db.select().from(auditLog).where(eq(auditLog.reportId, r.id)).orderBy(asc(auditLog.seq));
		const request = audit.find((a) => a.action === 'workflow.request_transfer_down')!;
		expect(request.details).toMatchObject({ target: 'o-k1', to: 'down_requested' });
		expect((request.details as { noteId: string }).noteId).toMatch(/^[0-9a-f]{32}$/);
		expect(audit.find((a) => a.action === 'workflow.approve')!.details).toMatchObject({ recipients: [w.olga.id] });
	});
});
