/**
 * Departments and duties (issue 18): the table of which department and role may take which workflow action,
 * over every department kind × duty role × action (pure, against the specification written out below), the
 * same through the server for every action (applyAction refuses exactly the cells the table refuses, and
 * changes nothing then), the default departments of every organ, the admin's assignment (audited, IDOR-safe),
 * and a case from the letters office to conclusion with each step by the right department and every shortcut
 * refused, investigation and review by different people (查审分离).
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import type { Db } from '$lib/server/db';
import { auditLog, caseStudy, organDepartment, report, reportEvent, staffDuty, staffUser } from '$lib/server/db/schema';
import { ACTION_CODES } from '$lib/shared/vocabulary/workflow';
import { DEPARTMENT_KINDS, type DepartmentKind, type DutyRole } from '$lib/shared/vocabulary/departments';
import type { StaffUser } from '$lib/server/auth/session';
import { describeDb } from '$support/db';
import { applyAction, note, openCase } from '$support/case-fixtures';
import { buildBackofficeWorld, NOW, snapshot, storeReport, type BoWorld, type Member } from '$support/backoffice';
import type { StaffCtx } from '../backoffice/context';
import { addDuty, organDuties, removeDuty, setDutiesEnforced } from './store';
import { approveStudy, recordStudy } from './study';
import { CELLS, SPEC } from '$support/duty-spec';

describeDb('departments and duties', (get) => {
	let w: BoWorld;
	let db: Db;
	const users = new Map<string, StaffUser>();
	const ctx = (m: Member): StaffCtx => ({ db, user: users.get(m.id)!, now: NOW });
	let deps: Map<DepartmentKind, number>;

	/** Gives `m` exactly the duties listed in o-city (as the admin would). */
	async function setDuties(m: Member, duties: { kind: DepartmentKind | null; role: DutyRole }[]) {
		await db.delete(staffDuty).where(and(eq(staffDuty.organId, 'o-city'), eq(staffDuty.staffId, m.id)));
		for (const d of duties) {
			const r = await addDuty(db, w.adam.id, {
				organId: 'o-city',
				staffId: m.id,
				departmentId: d.kind ? deps.get(d.kind)! : null,
				role: d.role
			});
			expect(r.ok).toBe(true);
		}
	}

	/** Switches o-city's division of duties on or off (as the admin would). */
	const enforce = (on: boolean) => setDutiesEnforced(db, w.adam.id, 'o-city', on);

	/** Records a collective study by `by` (participants `by` and `with`), approved by `leader` when given. */
	async function study(
		r: { id: string; reportKey: Uint8Array },
		by: Member,
		other: Member,
		conclusion: string,
		leader?: Member
	) {
		const rec = await recordStudy(ctx(by), r.id, {
			studiedOn: '2026-11-26',
			participants: [by.id, other.id],
			conclusion,
			minutes: note(r.reportKey, '集体排查会议记录')
		});
		expect(rec.ok, JSON.stringify(rec)).toBe(true);
		const id = rec.ok ? rec.value.id : -1;
		if (leader) expect((await approveStudy(ctx(leader), r.id, String(id))).ok).toBe(true);
		return id;
	}

	beforeAll(async () => {
		db = get().db;
		w = await buildBackofficeWorld(db);
		for (const u of await db.select().from(staffUser)) users.set(u.id, u);
		const rows = await db.select().from(organDepartment).where(eq(organDepartment.organId, 'o-city'));
		deps = new Map(rows.map((r) => [r.kind as DepartmentKind, r.id]));
	});

	it('every organ has the default departments as soon as it exists', async () => {
		const rows = await db.select().from(organDepartment);
		for (const organ of ['o-top', 'o-prov', 'o-city', 'o-k1', 'o-k2']) {
			const kinds = rows.filter((r) => r.organId === organ).map((r) => r.kind);
			expect(kinds.sort(), organ).toEqual([...DEPARTMENT_KINDS].sort());
		}
		expect(rows.find((r) => r.organId === 'o-city' && r.kind === 'letters')!.name).toBe('信访室');
	});

	it('an organ works by its duties only once the admin switches it on (audited); then for everyone', async () => {
		const r = await storeReport(db, { unitId: 'u-city', recipients: [w.alice, w.bob, w.hank] });
		expect((await applyAction(ctx(w.bob), r.id, { action: 'register' })).status).toBe(200);
		await setDuties(w.alice, [{ kind: 'letters', role: 'member' }]);
		// Duties assigned, the setting still off: the organ works as before, and says so.
		const before = (await openCase(ctx(w.bob), r.id)).body as { dutiesEnforced: boolean; blockedActions: unknown[] };
		expect(before).toMatchObject({ dutiesEnforced: false, blockedActions: [] });
		let listed = await organDuties(db, 'o-city');
		expect(listed.enforced).toBe(false);
		// Nobody holds a case-management duty or a leader's yet: the page lists what nobody could take.
		expect(listed.gaps).toEqual(expect.arrayContaining(['dispatch', 'file_case', 'approve', 'conclude']));
		expect(listed.gaps).not.toContain('accept');
		await enforce(true);
		listed = await organDuties(db, 'o-city');
		expect(listed.enforced).toBe(true);
		const audit = await db.select().from(auditLog);
		expect(audit.filter((a) => a.action === 'admin.duties_enforce').at(-1)?.details).toEqual({
			organId: 'o-city',
			enforced: true
		});
		// bob has no duty: refused now, and the view shows the action disabled with who takes it.
		const refused = await applyAction(ctx(w.bob), r.id, { action: 'accept' });
		expect(refused).toMatchObject({ status: 403, body: { error: { code: 'forbidden_duty' } } });
		expect((refused.body as { error: { message: { zh: string } } }).error.message.zh).toContain('分工');
		const view = (await openCase(ctx(w.bob), r.id)).body as {
			allowedActions: { action: string }[];
			blockedActions: { action: string; reason: string; by: string[] }[];
		};
		expect(view.allowedActions.map((a) => a.action)).not.toContain('accept');
		expect(view.blockedActions).toContainEqual({
			action: 'accept',
			label: expect.anything(),
			reason: 'forbidden_duty',
			by: ['letters']
		});
		const aliceView = (await openCase(ctx(w.alice), r.id)).body as { allowedActions: { action: string }[] };
		expect(aliceView.allowedActions.map((a) => a.action)).toContain('accept');
		// Switched off again: as before, for everyone.
		await enforce(false);
		expect((await applyAction(ctx(w.bob), r.id, { action: 'accept' })).status).toBe(200);
		await db.delete(staffDuty);
	});

	it('through the server, every department × role × action: refused (403, nothing changed) exactly where the table refuses', async () => {
		await enforce(true);
		const r = await storeReport(db, { unitId: 'u-city', recipients: [w.alice, w.bob, w.hank] });
		await setDuties(w.bob, [{ kind: 'letters', role: 'member' }]); // rules in force in o-city
		let cells = 0;
		for (const { key, duty } of CELLS) {
			await setDuties(w.alice, [{ kind: duty.departmentKind, role: duty.role }]);
			// Every refused call leaves every table as it was (compared per duty).
			const before = await snapshot(db);
			for (const action of ACTION_CODES) {
				const allowed = SPEC[key]!.includes(action);
				if (allowed) continue; // the allowed cells run in the full cycle below
				const res = await applyAction(ctx(w.alice), r.id, { action, note: note(r.reportKey) });
				expect(res, `${key} ${action}`).toMatchObject({ status: 403, body: { error: { code: 'forbidden_duty' } } });
				cells++;
			}
			expect(await snapshot(db), key).toBe(before);
		}
		expect(cells).toBe(CELLS.length * ACTION_CODES.length - Object.values(SPEC).reduce((n, a) => n + a.length, 0));
		await db.delete(staffDuty);
		await enforce(false);
	}, 300_000); // some 370 calls through the server: a loaded machine takes minutes

	it('a case goes from the letters office to conclusion, each step by its department; shortcuts and 查审分离 refused', async () => {
		await enforce(true);
		const r = await storeReport(db, { unitId: 'u-city', recipients: [w.alice, w.bob, w.hank], realName: false });
		const act = (m: Member, action: string, extra: Record<string, unknown> = {}) =>
			applyAction(ctx(m), r.id, { action, note: note(r.reportKey), ...extra });
		const refused = async (m: Member, action: string, code: string, extra: Record<string, unknown> = {}) =>
			expect(await act(m, action, extra), `${action} refused`).toMatchObject({
				body: { error: { code } }
			});
		const done = async (m: Member, action: string, extra: Record<string, unknown> = {}) =>
			expect((await act(m, action, extra)).status, action).toBe(200);
		const state = async () => (await db.select({ s: report.state }).from(report).where(eq(report.id, r.id)))[0]!.s;

		// The letters office registers and accepts; it may not dispatch or dispose.
		await setDuties(w.alice, [{ kind: 'letters', role: 'member' }]);
		await setDuties(w.bob, [{ kind: 'case_management', role: 'member' }]);
		await setDuties(w.hank, [{ kind: null, role: 'main_leader' }]);
		await done(w.alice, 'register');
		await refused(w.bob, 'accept', 'forbidden_duty');
		await done(w.alice, 'accept');
		await refused(w.alice, 'dispatch', 'forbidden_duty');
		await refused(w.hank, 'dispatch', 'forbidden_duty');
		// Case management dispatches.
		await done(w.bob, 'dispatch');
		expect(await state()).toBe('dispatched');
		// Supervision verifies; a leader may not do it for them, nor may supervision file the case.
		await setDuties(w.alice, [{ kind: 'supervision', role: 'dept_head' }]);
		await refused(w.hank, 'start_verification', 'forbidden_duty');
		// A disposition needs a collective study approved by a leader: not recorded, or not approved, is refused.
		await refused(w.alice, 'start_verification', 'needs_study');
		const sid = await study(r, w.alice, w.bob, 'preliminary_verification');
		await refused(w.alice, 'start_verification', 'needs_study');
		expect(await approveStudy(ctx(w.alice), r.id, String(sid))).toMatchObject({ ok: false, code: 'forbidden_duty' });
		expect(await approveStudy(ctx(w.hank), r.id, 'x')).toMatchObject({ ok: false, code: 'not_found' });
		expect((await approveStudy(ctx(w.hank), r.id, String(sid))).ok).toBe(true);
		expect(await approveStudy(ctx(w.hank), r.id, String(sid))).toMatchObject({ ok: false, code: 'already_done' });
		// A study of another conclusion does not stand in for it.
		await study(r, w.alice, w.bob, 'hold_pending', w.hank);
		await done(w.alice, 'start_verification');
		const [used] = await db.select().from(caseStudy).where(eq(caseStudy.id, sid));
		expect(used!.usedAt).not.toBeNull();
		await done(w.alice, 'report_verification');
		await refused(w.alice, 'file_case', 'forbidden_duty');
		// Filing the case: supervision's study, approved, then the main leader's decision.
		await refused(w.hank, 'file_case', 'needs_study');
		await study(r, w.alice, w.hank, 'to_investigation', w.hank);
		await done(w.hank, 'file_case');
		expect(await state()).toBe('investigation');
		// Investigation: bob. He may not conclude, even once given a review duty (he investigated this case).
		await setDuties(w.bob, [{ kind: 'investigation', role: 'member' }]);
		await refused(w.bob, 'conclude', 'forbidden_duty', { outcome: { kind: 'closed' } });
		await done(w.bob, 'send_to_review');
		expect(await state()).toBe('review');
		await setDuties(w.bob, [
			{ kind: 'investigation', role: 'member' },
			{ kind: 'review', role: 'member' }
		]);
		await refused(w.bob, 'conclude', 'investigator_reviews', {
			outcome: { kind: 'handled', form: 'form2', party: 'warning' }
		});
		const bobView = (await openCase(ctx(w.bob), r.id)).body as { blockedActions: { action: string; reason: string }[] };
		expect(bobView.blockedActions.find((b) => b.action === 'conclude')?.reason).toBe('investigator_reviews');
		// Review: alice (never an investigator of this case) concludes.
		await setDuties(w.alice, [{ kind: 'review', role: 'member' }]);
		// The form must fit the sanction, and a sanction is a recorded decision.
		await refused(w.alice, 'conclude', 'form_mismatch', {
			outcome: { kind: 'handled', form: 'form2', party: 'expulsion' }
		});
		await refused(w.alice, 'conclude', 'form_mismatch', {
			outcome: { kind: 'handled', form: 'form3', party: 'expulsion', procuratorate: true }
		});
		const sanction = {
			outcome: { kind: 'handled', form: 'form2', party: 'warning', accountability: ['admonishment'] }
		};
		await refused(w.alice, 'conclude', 'needs_decision', sanction);
		await refused(w.alice, 'conclude', 'invalid_field', {
			...sanction,
			decision: { decidedBy: 'the_boss', on: '2026-11-27', docNumber: 'x' }
		});
		await refused(w.alice, 'conclude', 'needs_decision', {
			...sanction,
			decision: { decidedBy: 'discipline_committee', on: '2026-02-30', docNumber: '青纪发〔2026〕12号' }
		});
		const decision = { decidedBy: 'discipline_committee', on: '2026-11-27', docNumber: '青纪发〔2026〕12号' };
		await done(w.alice, 'conclude', { ...sanction, decision });
		const [ev] = await db
			.select()
			.from(reportEvent)
			.where(and(eq(reportEvent.reportId, r.id), eq(reportEvent.action, 'conclude')));
		expect((ev!.details as { decision: unknown }).decision).toEqual(decision);
		expect(ev!.outcome).toMatchObject({ accountability: ['admonishment'] });
		const [after] = await db.select({ p: report.publicStatus }).from(report).where(eq(report.id, r.id));
		expect(after!.p).toBe('concluded');
		expect(await state()).toBe('concluded');
		await db.delete(staffDuty);
		await enforce(false);
	});

	it('a close request needs the supervision head and a leader’s approval', async () => {
		await enforce(true);
		const r = await storeReport(db, { unitId: 'u-city', recipients: [w.alice, w.bob, w.hank], realName: false });
		const act = (m: Member, action: string, extra: Record<string, unknown> = {}) =>
			applyAction(ctx(m), r.id, { action, note: note(r.reportKey), ...extra });
		await db.update(report).set({ state: 'dispatched' }).where(eq(report.id, r.id));
		await setDuties(w.alice, [{ kind: 'supervision', role: 'member' }]);
		await setDuties(w.bob, [{ kind: 'supervision', role: 'dept_head' }]);
		await setDuties(w.hank, [{ kind: 'supervision', role: 'dept_head' }]);
		const close = { outcome: { kind: 'closed' } };
		expect(await act(w.alice, 'request_close', close)).toMatchObject({ status: 403 });
		expect(await act(w.bob, 'request_close', close)).toMatchObject({
			status: 409,
			body: { error: { code: 'needs_study' } }
		});
		const sid = await study(r, w.alice, w.bob, 'close');
		// The study is approved by a leader only, never by the one who recorded it.
		expect(await approveStudy(ctx(w.hank), r.id, String(sid))).toMatchObject({ ok: false, code: 'forbidden_duty' });
		await setDuties(w.alice, [
			{ kind: 'supervision', role: 'member' },
			{ kind: null, role: 'organ_leader' }
		]);
		expect(await approveStudy(ctx(w.alice), r.id, String(sid))).toMatchObject({ ok: false, code: 'self_approval' });
		await setDuties(w.alice, [{ kind: 'supervision', role: 'member' }]);
		await setDuties(w.hank, [{ kind: null, role: 'organ_leader' }]);
		expect((await approveStudy(ctx(w.hank), r.id, String(sid))).ok).toBe(true);
		await setDuties(w.hank, [{ kind: 'supervision', role: 'dept_head' }]);
		expect((await act(w.bob, 'request_close', close)).status).toBe(200);
		// hank is an organ head but has no leader duty: he may not approve.
		expect(await act(w.hank, 'approve')).toMatchObject({ status: 403, body: { error: { code: 'forbidden_duty' } } });
		await setDuties(w.hank, [{ kind: null, role: 'organ_leader' }]);
		expect((await act(w.hank, 'approve')).status).toBe(200);
		expect((await db.select({ s: report.state }).from(report).where(eq(report.id, r.id)))[0]!.s).toBe('concluded');
		await db.delete(staffDuty);
		await enforce(false);
	});

	it('the admin assigns duties: checked, audited, and never into another organ', async () => {
		const add = (input: Record<string, unknown>) =>
			addDuty(db, w.adam.id, { organId: 'o-city', staffId: w.alice.id, departmentId: null, role: 'member', ...input });
		expect(await add({ role: 'boss' })).toMatchObject({ ok: false, code: 'invalid_field' });
		expect(await add({ staffId: 'nope' })).toMatchObject({ ok: false, code: 'invalid_field' });
		expect(await add({ staffId: w.olga.id, departmentId: deps.get('letters') })).toMatchObject({ ok: false });
		expect(await add({ staffId: w.adam.id, departmentId: deps.get('letters') })).toMatchObject({ ok: false });
		expect(await add({ departmentId: null })).toMatchObject({ ok: false }); // a member needs a department
		const [k1Letters] = await db
			.select()
			.from(organDepartment)
			.where(and(eq(organDepartment.organId, 'o-k1'), eq(organDepartment.kind, 'letters')));
		expect(await add({ departmentId: k1Letters!.id })).toMatchObject({ ok: false });
		const made = await add({ departmentId: String(deps.get('letters')) });
		expect(made.ok).toBe(true);
		expect(await add({ departmentId: deps.get('letters') })).toMatchObject({ ok: false }); // twice
		expect(await add({ role: 'main_leader', departmentId: deps.get('letters') })).toMatchObject({ ok: true });
		const listed = await organDuties(db, 'o-city');
		expect(listed.duties.filter((d) => d.staffId === w.alice.id).map((d) => d.role)).toEqual(['member', 'main_leader']);
		expect(listed.duties.find((d) => d.role === 'main_leader')!.departmentId).toBeNull();
		expect(listed.staff.map((s) => s.id)).not.toContain(w.adam.id);
		// Removing: only a duty of the organ named.
		const id = made.ok ? made.value.id : -1;
		expect(await removeDuty(db, w.adam.id, 'o-k1', id)).toMatchObject({ ok: false, code: 'not_found' });
		expect(await removeDuty(db, w.adam.id, 'o-city', 'x')).toMatchObject({ ok: false, code: 'invalid_field' });
		expect((await removeDuty(db, w.adam.id, 'o-city', id)).ok).toBe(true);
		const audit = await db.select().from(auditLog);
		expect(audit.filter((a) => a.action === 'admin.duty_add').length).toBeGreaterThanOrEqual(2);
		expect(audit.filter((a) => a.action === 'admin.duty_remove')).toHaveLength(1);
		await db.delete(staffDuty);
		await enforce(false);
	});

	it('a study must be well-formed, by the supervision office, about a case the caller sees', async () => {
		await enforce(true);
		const r = await storeReport(db, { unitId: 'u-city', recipients: [w.alice, w.bob, w.hank], realName: false });
		await setDuties(w.alice, [{ kind: 'supervision', role: 'member' }]);
		await setDuties(w.bob, [{ kind: 'letters', role: 'member' }]);
		const base = {
			studiedOn: '2026-11-26',
			participants: [w.alice.id, w.bob.id],
			conclusion: 'talk_inquiry',
			minutes: note(r.reportKey)
		};
		const before = await snapshot(db);
		const bad: [Member, Record<string, unknown>, string][] = [
			[w.bob, base, 'forbidden_duty'],
			[w.olga, base, 'not_found'],
			[w.alice, { ...base, studiedOn: '2026-12-01' }, 'invalid_field'], // after today
			[w.alice, { ...base, studiedOn: '2026-02-30' }, 'invalid_field'],
			[w.alice, { ...base, participants: [w.alice.id, w.alice.id] }, 'invalid_field'],
			[w.alice, { ...base, participants: [w.alice.id, w.olga.id] }, 'invalid_field'], // not of the organ
			[w.alice, { ...base, conclusion: 'expel' }, 'invalid_field'],
			[w.alice, { ...base, minutes: 'bm90IGNpcGhlcnRleHQ=' }, 'bad_content'],
			[w.alice, { ...base, extra: 1 }, 'invalid_field']
		];
		for (const [m, body, code] of bad)
			expect(await recordStudy(ctx(m), r.id, body), `${m.username} ${code}`).toMatchObject({ ok: false, code });
		expect(await snapshot(db)).toBe(before);
		const status = async () =>
			(await db.select({ s: report.publicStatus, st: report.state }).from(report).where(eq(report.id, r.id)))[0];
		const was = await status();
		expect((await recordStudy(ctx(w.alice), r.id, base)).ok).toBe(true);
		// The staff's internal steps (study, approval) map to no new reporter-visible status.
		expect(await status()).toEqual(was);
		const audit = await db.select().from(auditLog);
		expect(audit.some((a) => a.action === 'workflow.study_record' && a.reportId === r.id)).toBe(true);
		await db.delete(staffDuty);
		await enforce(false);
	});
});
