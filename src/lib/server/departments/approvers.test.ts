/**
 * Issue 18: a request that needs approval (here: sending a report out, request_transfer_out) tells the staff
 * who may approve it. With the organ's duty rules on, the holders of the approving duty (a leader role) among
 * those whose organ role may approve; a head without that duty is not told. With the rules off, the organ's
 * heads as before. Never the requester.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import type { Db } from '$lib/server/db';
import { organDepartment, organStaff, report, staffDuty, staffNotice, staffUser } from '$lib/server/db/schema';
import type { StaffUser } from '$lib/server/auth/session';
import type { DepartmentKind } from '$lib/shared/vocabulary/departments';
import { describeDb } from '$support/db';
import { applyAction, note } from '$support/case-fixtures';
import { buildBackofficeWorld, NOW, storeReport, type BoWorld, type Member } from '$support/backoffice';
import type { StaffCtx } from '../backoffice/context';
import { approversOf } from './approvers';
import { addDuty, setDutiesEnforced } from './store';

describeDb('approval notices follow the duty rules', (get) => {
	let w: BoWorld;
	let db: Db;
	const users = new Map<string, StaffUser>();
	const ctx = (m: Member): StaffCtx => ({ db, user: users.get(m.id)!, now: NOW });

	beforeAll(async () => {
		db = get().db;
		w = await buildBackofficeWorld(db);
		for (const u of await db.select().from(staffUser)) users.set(u.id, u);
		// Two heads in o-city: hank (main leader by the duties) and bob (a head with no approving duty).
		await db
			.update(organStaff)
			.set({ role: 'head' })
			.where(and(eq(organStaff.organId, 'o-city'), eq(organStaff.staffId, w.bob.id)));
		const deps = new Map(
			(await db.select().from(organDepartment).where(eq(organDepartment.organId, 'o-city'))).map((d) => [
				d.kind as DepartmentKind,
				d.id
			])
		);
		for (const [m, kind, role] of [
			[w.alice, 'letters', 'dept_head'],
			[w.bob, 'letters', 'member'],
			[w.hank, null, 'main_leader']
		] as const) {
			const r = await addDuty(db, w.adam.id, {
				organId: 'o-city',
				staffId: m.id,
				departmentId: kind ? deps.get(kind)! : null,
				role
			});
			expect(r.ok).toBe(true);
		}
		expect(await db.select().from(staffDuty).where(eq(staffDuty.organId, 'o-city'))).toHaveLength(3);
	});

	/** A registered report of o-city that alice asks to send out; answers who was told. About u-k1: bob declared a conflict for u-k2. */
	async function requestOut(): Promise<{ told: string[]; details: unknown[] }> {
		const r = await storeReport(db, { unitId: 'u-k1', recipients: [w.alice, w.bob, w.hank] });
		await db.update(report).set({ state: 'registered' }).where(eq(report.id, r.id));
		const res = await applyAction(ctx(w.alice), r.id, {
			action: 'request_transfer_out',
			note: note(r.reportKey),
			target: '市公安局'
		});
		expect(res.status, JSON.stringify(res.body)).toBe(200);
		const rows = await db
			.select({ staffId: staffNotice.staffId, details: staffNotice.details })
			.from(staffNotice)
			.where(and(eq(staffNotice.reportId, r.id), eq(staffNotice.kind, 'approval_requested')));
		return { told: rows.map((n) => n.staffId).sort(), details: rows.map((n) => n.details) };
	}

	it('with the rules on: only the holder of the approving duty (hank), not the head without it (bob)', async () => {
		await setDutiesEnforced(db, w.adam.id, 'o-city', true);
		const { told, details } = await requestOut();
		expect(told).toEqual([w.hank.id]);
		expect(details).toEqual([{ action: 'request_transfer_out' }]);
	});

	it('with the rules off: every head of the organ (bob and hank), never the requester', async () => {
		await setDutiesEnforced(db, w.adam.id, 'o-city', false);
		const { told } = await requestOut();
		expect(told).toEqual([w.bob.id, w.hank.id].sort());
		expect(told).not.toContain(w.alice.id);
	});

	it('a leader duty without an organ role that may approve is not enough; the requester is left out', async () => {
		await setDutiesEnforced(db, w.adam.id, 'o-city', true);
		const r = await storeReport(db, { unitId: 'u-k1', recipients: [w.alice, w.bob, w.hank] });
		const row = { id: r.id, organId: 'o-city', unitId: 'u-k1' };
		// alice (an inspector) becomes organ leader: still not an approver; hank asking leaves only others.
		const dep = await addDuty(db, w.adam.id, {
			organId: 'o-city',
			staffId: w.alice.id,
			departmentId: null,
			role: 'organ_leader'
		});
		expect(dep.ok).toBe(true);
		expect([...(await approversOf(db, row, w.bob.id))]).toEqual([w.hank.id]);
		expect([...(await approversOf(db, row, w.hank.id))]).toEqual([]);
		await setDutiesEnforced(db, w.adam.id, 'o-city', false);
		expect([...(await approversOf(db, row, w.hank.id))]).toEqual([w.bob.id]);
	});
});
