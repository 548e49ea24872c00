/**
 * The authorization matrix (issue 6): every staff API endpoint × role × report, through the real route handlers of src/routes/staff/api with sessions made by the real session module (the table: ./matrix.fixtures.ts). Only the allowed cells succeed; the others get 401/403/404 and change nothing (every table a call could touch is compared).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sealKey } from '$lib/crypto';
import { setDatabase } from '$lib/server/db';
import { reportKeyWrap } from '$lib/server/db/schema';
import { describeDb } from '$support/db';
import * as auditRoute from '../../../routes/staff/api/audit/+server';
import * as inboxRoute from '../../../routes/staff/api/inbox/+server';
import * as reportRoute from '../../../routes/staff/api/reports/[id]/+server';
import * as actionsRoute from '../../../routes/staff/api/reports/[id]/actions/+server';
import * as assignRoute from '../../../routes/staff/api/reports/[id]/assign/+server';
import * as grantsRoute from '../../../routes/staff/api/reports/[id]/grants/+server';
import * as linksRoute from '../../../routes/staff/api/reports/[id]/links/+server';
import * as messagesRoute from '../../../routes/staff/api/reports/[id]/messages/+server';
import * as notesRoute from '../../../routes/staff/api/reports/[id]/notes/+server';
import { toBase64 as b64 } from '$lib/server/http/base64';
import {
	buildBackofficeWorld,
	requestEvent,
	signIn,
	snapshot,
	storeReport,
	type BoWorld,
	type Member
} from '$support/backoffice';
import { ROLES, ciphertext, ENDPOINTS, expected, type Role, type Handler, type Cell } from '$support/matrix-fixtures';

describeDb('back-office authorization matrix', (get) => {
	let w: BoWorld;
	const locals = new Map<Role, { user: never; session: never } | { user: null; session: null }>();
	let memberOf: Record<Exclude<Role, 'signedOut' | 'no2fa'>, Member>;

	beforeAll(async () => {
		const { db } = get();
		setDatabase(get());
		w = await buildBackofficeWorld(db);
		memberOf = { inspector: w.alice, head: w.hank, admin: w.adam, other: w.olga, conflicted: w.bob, grantee: w.gina };
		for (const [role, m] of Object.entries(memberOf)) locals.set(role as Role, (await signIn(db, m.id)) as never);
		locals.set('no2fa', (await signIn(db, w.alice.id, false)) as never);
		locals.set('signedOut', { user: null, session: null });
	});

	/**
	 * A fresh report for each cell, about u-k2 held by o-city: sealed to alice and hank (the recipients);
	 * wraps forced for bob (conflicted), olga (other organ) and adam (admin), as if keys had leaked, so
	 * only the server's check stands between them and the report; gina holds a grant made by hank.
	 */
	async function cell(): Promise<Cell> {
		const { db } = get();
		const make = () =>
			storeReport(db, { recipients: [w.alice, w.hank], forcedWraps: [w.bob, w.olga, w.adam], file: true });
		const report = await make();
		const other = await make();
		for (const r of [report, other]) {
			await db.insert(reportKeyWrap).values({
				reportId: r.id,
				staffId: w.gina.id,
				entryId: w.gina.entryId!,
				sealed: sealKey(r.reportKey, w.gina.keyPair!.publicKey),
				grantedBy: w.hank.id
			});
		}
		return { report, other, w };
	}

	for (const e of ENDPOINTS) {
		describe(e.name, () => {
			for (const role of ROLES) {
				const status = expected(e, role);
				it(`${role} → ${status}`, async () => {
					const { db } = get();
					const c = await cell();
					const before = await snapshot(db);
					const event = requestEvent({
						method: e.method,
						path: e.path(c),
						params: e.params(c),
						locals: locals.get(role) as never,
						body: e.body?.(c)
					});
					const res = await e.handler(event);
					expect(res.status).toBe(status);
					const after = await snapshot(db);
					if (status >= 400) {
						expect(after).toBe(before);
						const body = (await res.json()) as { error: { code: string; message: { zh: string; en: string } } };
						expect(body.error.code).toBeTypeOf('string');
						expect(body.error.message.zh.length).toBeGreaterThan(0);
					} else {
						if (e.mutates) expect(after).not.toBe(before);
						if (e.name === 'GET inbox') {
							const body = (await res.json()) as { items: { id: string }[] };
							const ids = body.items.map((i) => i.id);
							// Only entitled members (and the grantee) see the cell's report in their inbox.
							expect(ids.includes(c.report.id)).toBe(role === 'inspector' || role === 'head' || role === 'grantee');
						}
						if (e.name === 'GET files/{fileId}') expect(new Uint8Array(await res.arrayBuffer()).length).toBe(4096);
					}
				});
			}
		});
	}

	it('a report of another organ, an unknown id and a malformed id are all 404 for an entitled inspector', async () => {
		const { db } = get();
		const elsewhere = await storeReport(db, { organId: 'o-k1', unitId: 'u-k1', recipients: [w.olga] });
		for (const id of [elsewhere.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid', "'; drop table report; --"]) {
			const res = await (reportRoute.GET as Handler)(
				requestEvent({
					method: 'GET',
					path: `/staff/api/reports/x`,
					params: { id },
					locals: locals.get('inspector') as never
				})
			);
			expect(res.status).toBe(404);
		}
	});

	it('bad input is a 4xx, never a 5xx, and changes nothing', async () => {
		const { db } = get();
		const c = await cell();
		const before = await snapshot(db);
		const bad: [Handler, string, unknown, Record<string, string>?][] = [
			[actionsRoute.POST as Handler, 'actions', 'not json{'],
			[actionsRoute.POST as Handler, 'actions', { action: 'approve' }],
			[actionsRoute.POST as Handler, 'actions', { action: 'no_such_action' }],
			[actionsRoute.POST as Handler, 'actions', { action: 'register', note: 'not base64!' }],
			[
				actionsRoute.POST as Handler,
				'actions',
				{ action: 'request_report_up', note: ciphertext(c.report.reportKey, 'x'), targetOrgan: 'o-prov' }
			],
			[actionsRoute.POST as Handler, 'actions', [1, 2, 3]],
			[assignRoute.POST as Handler, 'assign', { staffId: 'x' }],
			[assignRoute.POST as Handler, 'assign', { staffId: w.olga.id }],
			[
				grantsRoute.POST as Handler,
				'grants',
				{
					staffId: w.bob.id,
					entryId: b64(w.bob.entryId!),
					sealed: b64(sealKey(c.report.reportKey, w.bob.keyPair!.publicKey))
				}
			],
			[
				grantsRoute.POST as Handler,
				'grants',
				{
					staffId: w.olga.id,
					entryId: b64(w.carol.entryId!),
					sealed: b64(sealKey(c.report.reportKey, w.olga.keyPair!.publicKey))
				}
			],
			[messagesRoute.POST as Handler, 'messages', { body: b64(new Uint8Array(100)) }],
			[notesRoute.POST as Handler, 'notes', {}],
			[linksRoute.POST as Handler, 'links', { other: c.report.locator, kind: 'related' }],
			[linksRoute.POST as Handler, 'links', { other: 'ZZZZZZZZZZ', kind: 'related' }],
			[linksRoute.POST as Handler, 'links', { other: c.other.locator, kind: 'friend' }]
		];
		for (const [handler, path, body] of bad) {
			const res = await handler(
				requestEvent({
					method: 'POST',
					path: `/staff/api/reports/${c.report.id}/${path}`,
					params: { id: c.report.id },
					locals: locals.get('inspector') as never,
					body
				})
			);
			expect(res.status, `${path} ${JSON.stringify(body).slice(0, 80)}`).toBeGreaterThanOrEqual(400);
			expect(res.status).toBeLessThan(500);
		}
		// Wrong content type, oversize body, cross-origin.
		const ev = requestEvent({
			method: 'POST',
			path: `/staff/api/reports/${c.report.id}/notes`,
			params: { id: c.report.id },
			locals: locals.get('inspector') as never,
			body: '{}',
			headers: { 'content-type': 'text/plain' }
		});
		expect((await (notesRoute.POST as Handler)(ev)).status).toBe(415);
		const huge = requestEvent({
			method: 'POST',
			path: `/staff/api/reports/${c.report.id}/assign`,
			params: { id: c.report.id },
			locals: locals.get('inspector') as never,
			body: JSON.stringify({ staffId: 'x'.repeat(200_000) })
		});
		expect((await (assignRoute.POST as Handler)(huge)).status).toBe(413);
		const cross = requestEvent({
			method: 'POST',
			path: `/staff/api/reports/${c.report.id}/assign`,
			params: { id: c.report.id },
			locals: locals.get('inspector') as never,
			body: { staffId: null },
			headers: { origin: 'https://evil.example' }
		});
		expect((await (assignRoute.POST as Handler)(cross)).status).toBe(403);
		for (const q of [
			'state=nope',
			'limit=0',
			'limit=101',
			'after=garbage',
			'sort=random',
			'realName=2',
			'bogus=1',
			'due=later'
		]) {
			const res = await (inboxRoute.GET as Handler)(
				requestEvent({ method: 'GET', path: `/staff/api/inbox?${q}`, locals: locals.get('inspector') as never })
			);
			expect(res.status, q).toBe(400);
		}
		for (const q of ['report=x', 'after=-1', 'limit=9999', 'action=DROP']) {
			const res = await (auditRoute.GET as Handler)(
				requestEvent({ method: 'GET', path: `/staff/api/audit?${q}`, locals: locals.get('admin') as never })
			);
			expect(res.status, q).toBe(400);
		}
		expect(await snapshot(db)).toBe(before);
	});
});
