/**
 * Issue 18: filing a case (立案) against a cadre of the same-level committee records its report to the
 * committee's main leader (报同级党委主要负责人), with the date and to whom, once the organ works by its
 * duties; the study approval and record through every department × role (the authorization matrix's study
 * cells); accountability measures (问责) as outcomes, checked against the form.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import type { Db } from '$lib/server/db';
import {
	auditLog,
	organDepartment,
	report,
	reportEvent,
	staffDuty,
	staffNotice,
	staffUser
} from '$lib/server/db/schema';
import type { StaffUser } from '$lib/server/auth/session';
import type { DepartmentKind } from '$lib/shared/vocabulary/departments';
import { describeDb } from '$support/db';
import { applyAction, note, openCase } from '$support/case-fixtures';
import { buildBackofficeWorld, NOW, snapshot, storeReport, type BoWorld, type Member } from '$support/backoffice';
import { CELLS, SPEC } from '$support/duty-spec';
import type { StaffCtx } from '../backoffice/context';
import { checkOutcome } from '../workflow/outcomes';
import { sameLevelCadre } from './committee';
import { addDuty, setDutiesEnforced } from './store';
import { approveStudy, recordStudy } from './study';

describeDb('same-level committee cadres, the study cells of the matrix, accountability', (get) => {
	let w: BoWorld;
	let db: Db;
	const users = new Map<string, StaffUser>();
	const ctx = (m: Member): StaffCtx => ({ db, user: users.get(m.id)!, now: NOW });
	let deps: Map<DepartmentKind, number>;

	async function setDuty(m: Member, kind: DepartmentKind | null, role: string) {
		await db.delete(staffDuty).where(and(eq(staffDuty.organId, 'o-city'), eq(staffDuty.staffId, m.id)));
		const r = await addDuty(db, w.adam.id, {
			organId: 'o-city',
			staffId: m.id,
			departmentId: kind ? deps.get(kind)! : null,
			role
		});
		expect(r.ok).toBe(true);
	}

	/** A report about `unitId`’s 一把手 held by o-city, dispatched, with a study proposing 立案 the main leader approved. */
	async function readyToFile(unitId: string) {
		const r = await storeReport(db, { unitId, recipients: [w.alice, w.bob, w.hank], realName: false });
		await db.update(report).set({ state: 'dispatched' }).where(eq(report.id, r.id));
		const rec = await recordStudy(ctx(w.alice), r.id, {
			studiedOn: '2026-11-26',
			participants: [w.alice.id, w.bob.id],
			conclusion: 'to_investigation',
			minutes: note(r.reportKey)
		});
		expect(rec.ok).toBe(true);
		expect((await approveStudy(ctx(w.hank), r.id, String(rec.ok ? rec.value.id : 0))).ok).toBe(true);
		return r;
	}

	beforeAll(async () => {
		db = get().db;
		w = await buildBackofficeWorld(db);
		for (const u of await db.select().from(staffUser)) users.set(u.id, u);
		const rows = await db.select().from(organDepartment).where(eq(organDepartment.organId, 'o-city'));
		deps = new Map(rows.map((r) => [r.kind as DepartmentKind, r.id]));
	});

	it('knows a same-level committee cadre from the directory: the county’s 一把手 is the city committee’s', async () => {
		// 西区 (u-k2) is a county: its 一把手 is managed by the city committee, whose organ is o-city.
		expect(await sameLevelCadre(db, 'o-city', 'u-k2', 'top_leader')).toBe(true);
		expect(await sameLevelCadre(db, 'o-city', 'u-k2', 'team_member')).toBe(true);
		expect(await sameLevelCadre(db, 'o-city', 'u-k2', 'other_staff')).toBe(false);
		// The city's own 一把手 is the province committee's; the county organ is not the managing one either.
		expect(await sameLevelCadre(db, 'o-city', 'u-city', 'top_leader')).toBe(false);
		expect(await sameLevelCadre(db, 'o-prov', 'u-city', 'top_leader')).toBe(true);
		expect(await sameLevelCadre(db, 'o-k2', 'u-k2', 'top_leader')).toBe(false);
		expect(await sameLevelCadre(db, 'o-city', 'no-such-unit', 'top_leader')).toBe(false);
	});

	it('filing against one needs the report to the committee (date, to whom), recorded and audited', async () => {
		await setDuty(w.alice, 'supervision', 'member');
		await setDuty(w.bob, null, 'organ_leader');
		await setDuty(w.hank, null, 'main_leader');
		await setDutiesEnforced(db, w.adam.id, 'o-city', true);
		const r = await readyToFile('u-k2');
		const view = (await openCase(ctx(w.hank), r.id)).body as { report: { sameLevelCadre: boolean } };
		expect(view.report.sameLevelCadre).toBe(true);
		const file = (extra: Record<string, unknown>) =>
			applyAction(ctx(w.hank), r.id, { action: 'file_case', note: note(r.reportKey), ...extra });
		const before = await snapshot(db);
		for (const extra of [
			{},
			{ committeeReport: null },
			{ committeeReport: { on: '2026-11-27' } },
			{ committeeReport: { on: '2026-11-27', to: '   ' } },
			{ committeeReport: { on: '2026-02-30', to: '西区区委书记' } },
			{ committeeReport: { on: '2026-12-24', to: '西区区委书记' } } // after today
		]) {
			const res = await file(extra);
			expect(res.status, JSON.stringify(extra)).toBe(400);
			expect((res.body as { error: { code: string } }).error.code).toMatch(/needs_committee_report|invalid_field/);
		}
		const refused = await file({});
		expect(refused).toMatchObject({ status: 400, body: { error: { code: 'needs_committee_report' } } });
		expect((refused.body as { error: { message: { zh: string } } }).error.message.zh).toContain('报同级党委主要负责人');
		expect(await snapshot(db)).toBe(before);
		const committeeReport = { on: '2026-11-27', to: '西区区委书记' };
		expect((await file({ committeeReport })).status).toBe(200);
		const [ev] = await db
			.select()
			.from(reportEvent)
			.where(and(eq(reportEvent.reportId, r.id), eq(reportEvent.action, 'file_case')));
		expect(ev!.actorId).toBe(w.hank.id);
		expect((ev!.details as { committeeReport: unknown }).committeeReport).toEqual(committeeReport);
		const audit = await db.select().from(auditLog).where(eq(auditLog.action, 'workflow.file_case'));
		expect(audit.at(-1)!.details).toMatchObject({ committeeReport });
		const after = (await openCase(ctx(w.hank), r.id)).body as {
			events: { action: string; committeeReport: unknown }[];
		};
		expect(after.events.find((e) => e.action === 'file_case')!.committeeReport).toEqual(committeeReport);
	});

	it('a cadre the committee above manages needs no report to this committee; nor when the rules are off', async () => {
		const r = await readyToFile('u-city');
		// The study recorded by alice told the leaders who see the case (bob, hank) that it awaits approval.
		const told = await db
			.select({ staffId: staffNotice.staffId, details: staffNotice.details })
			.from(staffNotice)
			.where(and(eq(staffNotice.reportId, r.id), eq(staffNotice.kind, 'approval_requested')));
		expect(told.map((n) => n.staffId).sort()).toEqual([w.bob.id, w.hank.id].sort());
		expect(told[0]!.details).toEqual({ action: 'study' });
		expect(((await openCase(ctx(w.hank), r.id)).body as { report: { sameLevelCadre: boolean } }).report).toMatchObject({
			sameLevelCadre: false
		});
		expect((await applyAction(ctx(w.hank), r.id, { action: 'file_case', note: note(r.reportKey) })).status).toBe(200);
		await setDutiesEnforced(db, w.adam.id, 'o-city', false);
		const s = await storeReport(db, { unitId: 'u-k2', recipients: [w.alice, w.bob, w.hank], realName: false });
		await db.update(report).set({ state: 'dispatched' }).where(eq(report.id, s.id));
		expect((await applyAction(ctx(w.hank), s.id, { action: 'file_case', note: note(s.reportKey) })).status).toBe(200);
		await db.delete(staffDuty);
	});

	it('the study cells of the matrix: every department × role records and approves exactly as the rules say', async () => {
		await setDuty(w.bob, null, 'organ_leader');
		await setDutiesEnforced(db, w.adam.id, 'o-city', true);
		const r = await storeReport(db, { unitId: 'u-city', recipients: [w.alice, w.bob, w.hank], realName: false });
		const body = () => ({
			studiedOn: '2026-11-26',
			participants: [w.alice.id, w.hank.id],
			conclusion: 'talk_inquiry',
			minutes: note(r.reportKey)
		});
		// A study recorded by hank (supervision), for the approval cells.
		await setDuty(w.hank, 'supervision', 'member');
		let cells = 0;
		for (const { key, duty } of CELLS) {
			await setDuty(w.alice, duty.departmentKind, duty.role);
			const mayRecord = duty.departmentKind === 'supervision';
			const mayApprove = duty.departmentKind === null;
			// The record and approve cells follow the same rows as the workflow: leaders approve what they decide.
			expect(SPEC[key]!.includes('approve'), key).toBe(mayApprove);
			const rec = await recordStudy(ctx(w.alice), r.id, body());
			expect(rec.ok, `${key} records`).toBe(mayRecord);
			if (!mayRecord) expect(rec).toMatchObject({ code: 'forbidden_duty' });
			const other = await recordStudy(ctx(w.hank), r.id, body());
			expect(other.ok).toBe(true);
			const appr = await approveStudy(ctx(w.alice), r.id, String(other.ok ? other.value.id : 0));
			expect(appr.ok, `${key} approves`).toBe(mayApprove);
			if (!mayApprove) expect(appr).toMatchObject({ code: 'forbidden_duty' });
			cells += 2;
		}
		expect(cells).toBe(CELLS.length * 2);
		await db.delete(staffDuty);
		await setDutiesEnforced(db, w.adam.id, 'o-city', false);
	});

	it('through the server, every allowed department × role × action passes the duty check', async () => {
		await setDutiesEnforced(db, w.adam.id, 'o-city', true);
		const r = await storeReport(db, { unitId: 'u-city', recipients: [w.alice, w.bob, w.hank], realName: false });
		let cells = 0;
		for (const { key, duty } of CELLS) {
			await setDuty(w.alice, duty.departmentKind, duty.role);
			for (const action of SPEC[key]!) {
				const res = await applyAction(ctx(w.alice), r.id, { action, note: note(r.reportKey) });
				// Refused, if at all, for the state of the case, the organ role or the inputs: never for the duty.
				const code = res.status === 200 ? null : (res.body as { error: { code: string } }).error.code;
				expect(code, `${key} ${action}`).not.toBe('forbidden_duty');
				cells++;
			}
		}
		expect(cells).toBe(Object.values(SPEC).reduce((n, a) => n + a.length, 0));
		await db.delete(staffDuty);
		await setDutiesEnforced(db, w.adam.id, 'o-city', false);
	});

	it('accountability measures are outcomes; 组织调整 belongs to the second form or above', () => {
		const handled = (form: string, extra: Record<string, unknown>) => ({ kind: 'handled', form, ...extra });
		expect(checkOutcome(handled('form1', { accountability: ['circulated_criticism', 'admonishment'] }), 'final')).toBe(
			null
		);
		expect(checkOutcome(handled('form1', { accountability: ['org_inspection', 'org_reorganization'] }), 'final')).toBe(
			null
		);
		expect(checkOutcome(handled('form1', { accountability: ['organizational_adjustment'] }), 'final')).toBe(
			'form_mismatch'
		);
		expect(checkOutcome(handled('form2', { accountability: ['organizational_adjustment'] }), 'final')).toBe(null);
		expect(checkOutcome(handled('form2', { accountability: ['admonishment'] }), 'final')).toBe('bad_outcome');
		expect(checkOutcome(handled('form2', { party: 'warning', accountability: ['org_circulation'] }), 'final')).toBe(
			null
		);
		expect(checkOutcome(handled('form1', { accountability: ['dismissal'] }), 'final')).toBe('bad_outcome');
		expect(checkOutcome(handled('form1', { accountability: [] }), 'final')).toBe('bad_outcome');
	});
});
