/**
 * How many SQL statements the case page costs (issue 18, "An inspector's day, fast"): a regression guard on
 * the number of statements of one case page load, one workflow action and one note, counted through the
 * Drizzle session's logger (tests/support/query-count.ts; BEGIN/COMMIT not counted), on both databases. The
 * bounds are today's counts: a change that adds a statement to every page load has to raise them on purpose.
 * Also: the staff layouts read the member's posts once per request, and agree with the three reads they
 * replace.
 */
import { beforeAll, expect, it } from 'vitest';
import type { StaffUser } from '$lib/server/auth/session';
import type { Db } from '$lib/server/db';
import { staffUser } from '$lib/server/db/schema';
import { mayPrintAny } from '$lib/server/org/posters';
import { describeDb } from '$support/db';
import { countQueries } from '$support/query-count';
import { buildBackofficeWorld, NOW, storeReport, type BoWorld, type Member } from '$support/backoffice';
import { note } from '$support/case-fixtures';
import { applyAction } from './case-actions';
import { addNote } from './case-conversation';
import { casePage } from './case-page';
import { staffPosts } from './memberships';
import { handlerOrgans } from './organ-time-zone';
import { hasStatistics } from './stats-access';
import type { StaffCtx } from './context';

/** Statements of one case page's data (casePage; the key bundle's one read is the page's other). Was 36. */
const PAGE_MAX = 28;
/** Statements of one action (登记), the case view it answers with included. Was 44. */
const ACTION_MAX = 35;
/** Statements of one note, the case view it answers with included. Was 8, then 36 + 3 for the page's reload. */
const NOTE_MAX = 27;

describeDb('the case page’s statements', (get) => {
	let w: BoWorld;
	let db: Db;
	const users = new Map<string, StaffUser>();
	const ctx = (m: Member): StaffCtx => ({ db, user: users.get(m.id)!, now: NOW });
	/** Reads of the key directory (root keys, entries, revocations): none is needed to show or act on a case. */
	const directoryReads = (qs: string[]) => qs.filter((q) => /"(org_root_key|directory_entry|key_revocation)"/.test(q));
	const slices = (qs: string[]) => qs.filter((q) => q.includes('org_routing_slice'));

	beforeAll(async () => {
		db = get().db;
		w = await buildBackofficeWorld(db);
		for (const u of await db.select().from(staffUser)) users.set(u.id, u);
	});

	it('opens a case (about a top leader: the leader flags read the directory slice once) within the bound', async () => {
		const r = await storeReport(db, { recipients: [w.alice, w.hank] });
		const { result, queries } = await countQueries(db, () => casePage(ctx(w.alice), r.id));
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.value.view.report.id).toBe(r.id);
		expect(result.value.timeZone).toBe('Asia/Shanghai');
		expect(result.value.targets.up.map((o) => o.id)).toEqual(['o-prov', 'o-top']);
		expect(queries.length).toBeGreaterThan(10);
		expect(queries.length).toBeLessThanOrEqual(PAGE_MAX);
		expect(slices(queries)).toHaveLength(1);
		expect(directoryReads(queries)).toEqual([]);
		// Opening is audited, once.
		expect(queries.filter((q) => q.startsWith('insert into "audit_log"'))).toHaveLength(1);
	});

	it('an action and a note answer with the case view within their bounds', async () => {
		const r = await storeReport(db, { recipients: [w.alice, w.hank] });
		const act = await countQueries(db, () => applyAction(ctx(w.alice), r.id, { action: 'register' }));
		expect(act.result.ok).toBe(true);
		if (!act.result.ok || !('allowedActions' in act.result.value)) throw new Error('no view');
		expect(act.result.value.report.state).toBe('registered');
		expect(act.queries.length).toBeLessThanOrEqual(ACTION_MAX);
		expect(directoryReads(act.queries)).toEqual([]);
		// The caller's duties are read once (the check and the view share them).
		expect(act.queries.filter((q) => q.includes('from "organ_duty_rule"'))).toHaveLength(1);

		const body = note(r.reportKey, 'a note');
		const n = await countQueries(db, () => addNote(ctx(w.alice), r.id, { body }));
		expect(n.result.ok).toBe(true);
		if (!n.result.ok) return;
		// The answer carries the case with the new note: the page needs no second request.
		const answer = n.result.value;
		expect(answer.view.notes.map((x) => x.id)).toContain(answer.id);
		expect(answer.view.notes.find((x) => x.id === answer.id)?.author?.id).toBe(w.alice.id);
		expect(n.queries.length).toBeLessThanOrEqual(NOTE_MAX);
	});

	it('reads the posts once per request, and they agree with the reads they replace', async () => {
		for (const m of [w.alice, w.hank, w.adam, w.gina, w.olga]) {
			const user = users.get(m.id)!;
			const locals = {};
			const { result, queries } = await countQueries(db, async () => [
				await staffPosts(locals, db, user),
				await staffPosts(locals, db, user)
			]);
			expect(queries).toHaveLength(1);
			expect(result[1]).toBe(result[0]);
			const posts = result[0]!;
			expect(posts.handlerOrgans).toEqual(await handlerOrgans(db, m.id));
			expect(posts.canSeeStats).toBe(await hasStatistics(db, user));
			expect(posts.canPrintPosters).toBe(await mayPrintAny(db, user));
			// Another request reads again.
			expect((await countQueries(db, () => staffPosts({}, db, user))).queries).toHaveLength(1);
		}
	});
});
