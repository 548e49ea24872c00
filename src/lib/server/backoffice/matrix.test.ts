/**
 * The authorization matrix (issue 6): every staff API endpoint × role × report, through the real route
 * handlers of src/routes/staff/api with sessions made by the real session module. Only the allowed cells
 * succeed; the others get 401/403/404 and change nothing (every table a call could touch is compared).
 */
import type { RequestEvent } from '@sveltejs/kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { encryptContent, sealKey, utf8 } from '$lib/crypto';
import { setDatabase } from '$lib/server/db';
import { reportKeyWrap } from '$lib/server/db/schema';
import { describeDb } from '$lib/server/db/testing';
import * as auditRoute from '../../../routes/staff/api/audit/+server';
import * as holidaysRoute from '../../../routes/staff/api/holidays/+server';
import * as holidayRoute from '../../../routes/staff/api/holidays/[day]/+server';
import * as inboxRoute from '../../../routes/staff/api/inbox/+server';
import * as noticesRoute from '../../../routes/staff/api/notices/+server';
import * as seenRoute from '../../../routes/staff/api/notices/seen/+server';
import * as reportRoute from '../../../routes/staff/api/reports/[id]/+server';
import * as actionsRoute from '../../../routes/staff/api/reports/[id]/actions/+server';
import * as assignRoute from '../../../routes/staff/api/reports/[id]/assign/+server';
import * as exportRoute from '../../../routes/staff/api/reports/[id]/export/+server';
import * as fileRoute from '../../../routes/staff/api/reports/[id]/files/[fileId]/+server';
import * as grantsRoute from '../../../routes/staff/api/reports/[id]/grants/+server';
import * as revokeRoute from '../../../routes/staff/api/reports/[id]/grants/[staffId]/+server';
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
	type Member,
	type StoredReport
} from './testing';

const ROLES = ['inspector', 'head', 'admin', 'other', 'conflicted', 'grantee', 'no2fa', 'signedOut'] as const;
type Role = (typeof ROLES)[number];

type Handler = (event: RequestEvent) => Promise<Response> | Response;

interface Cell {
	report: StoredReport;
	other: StoredReport;
	w: BoWorld;
}

interface Endpoint {
	name: string;
	method: string;
	handler: Handler;
	path: (c: Cell) => string;
	params: (c: Cell) => Record<string, string>;
	body?: (c: Cell) => unknown;
	/** Status for each role; roles not listed get 404 (report endpoints) — signed out and no 2FA get 401. */
	expect: Partial<Record<Role, number>>;
	/** Whether a successful call changes stored state (besides the audit log). */
	mutates: boolean;
}

const ciphertext = (key: Uint8Array, text: string) => b64(encryptContent(key, utf8(JSON.stringify({ text }))));

const REPORT_READERS = { inspector: 200, head: 200, grantee: 200 } as const;

const ENDPOINTS: Endpoint[] = [
	{
		name: 'GET inbox',
		method: 'GET',
		handler: inboxRoute.GET as Handler,
		path: () => '/staff/api/inbox',
		params: () => ({}),
		expect: { inspector: 200, head: 200, admin: 200, other: 200, conflicted: 200, grantee: 200 },
		mutates: false
	},
	{
		name: 'GET notices',
		method: 'GET',
		handler: noticesRoute.GET as Handler,
		path: () => '/staff/api/notices',
		params: () => ({}),
		expect: { inspector: 200, head: 200, admin: 200, other: 200, conflicted: 200, grantee: 200 },
		mutates: false
	},
	{
		name: 'POST notices/seen',
		method: 'POST',
		handler: seenRoute.POST as Handler,
		path: () => '/staff/api/notices/seen',
		params: () => ({}),
		body: () => ({ all: true }),
		expect: { inspector: 204, head: 204, admin: 204, other: 204, conflicted: 204, grantee: 204 },
		mutates: false
	},
	{
		name: 'GET audit',
		method: 'GET',
		handler: auditRoute.GET as Handler,
		path: () => '/staff/api/audit',
		params: () => ({}),
		expect: { head: 200, admin: 200, inspector: 403, other: 403, conflicted: 403, grantee: 403 },
		mutates: false
	},
	{
		name: 'GET holidays',
		method: 'GET',
		handler: holidaysRoute.GET as Handler,
		path: () => '/staff/api/holidays?year=2026',
		params: () => ({}),
		expect: { inspector: 200, head: 200, admin: 200, other: 200, conflicted: 200, grantee: 200 },
		mutates: false
	},
	{
		name: 'POST holidays',
		method: 'POST',
		handler: holidaysRoute.POST as Handler,
		path: () => '/staff/api/holidays',
		params: () => ({}),
		body: () => ({ day: '2026-12-24', kind: 'holiday', name: '测试' }),
		expect: { admin: 200, inspector: 403, head: 403, other: 403, conflicted: 403, grantee: 403 },
		mutates: true
	},
	{
		name: 'DELETE holidays/{day}',
		method: 'DELETE',
		handler: holidayRoute.DELETE as Handler,
		path: () => '/staff/api/holidays/2026-10-01',
		params: () => ({ day: '2026-10-01' }),
		expect: { admin: 204, inspector: 403, head: 403, other: 403, conflicted: 403, grantee: 403 },
		mutates: true
	},
	{
		name: 'GET report',
		method: 'GET',
		handler: reportRoute.GET as Handler,
		path: (c) => `/staff/api/reports/${c.report.id}`,
		params: (c) => ({ id: c.report.id }),
		expect: REPORT_READERS,
		mutates: false
	},
	{
		name: 'POST actions',
		method: 'POST',
		handler: actionsRoute.POST as Handler,
		path: (c) => `/staff/api/reports/${c.report.id}/actions`,
		params: (c) => ({ id: c.report.id }),
		body: () => ({ action: 'register' }),
		expect: { inspector: 200, head: 200, grantee: 403 },
		mutates: true
	},
	{
		name: 'POST assign',
		method: 'POST',
		handler: assignRoute.POST as Handler,
		path: (c) => `/staff/api/reports/${c.report.id}/assign`,
		params: (c) => ({ id: c.report.id }),
		body: (c) => ({ staffId: c.w.alice.id }),
		expect: { inspector: 200, head: 200, grantee: 403 },
		mutates: true
	},
	{
		name: 'POST grants',
		method: 'POST',
		handler: grantsRoute.POST as Handler,
		path: (c) => `/staff/api/reports/${c.report.id}/grants`,
		params: (c) => ({ id: c.report.id }),
		body: (c) => ({
			staffId: c.w.carol.id,
			entryId: b64(c.w.carol.entryId!),
			sealed: b64(sealKey(c.report.reportKey, c.w.carol.keyPair!.publicKey))
		}),
		expect: { inspector: 201, head: 201, grantee: 403 },
		mutates: true
	},
	{
		name: 'DELETE grants/{staffId}',
		method: 'DELETE',
		handler: revokeRoute.DELETE as Handler,
		path: (c) => `/staff/api/reports/${c.report.id}/grants/${c.w.gina.id}`,
		params: (c) => ({ id: c.report.id, staffId: c.w.gina.id }),
		// The grant to gina was made by hank: the head (and the granter) may revoke, another inspector may not.
		expect: { head: 204, inspector: 403, grantee: 403 },
		mutates: true
	},
	{
		name: 'POST messages',
		method: 'POST',
		handler: messagesRoute.POST as Handler,
		path: (c) => `/staff/api/reports/${c.report.id}/messages`,
		params: (c) => ({ id: c.report.id }),
		body: (c) => ({ body: ciphertext(c.report.reportKey, 'reply') }),
		expect: { inspector: 201, head: 201, grantee: 403 },
		mutates: true
	},
	{
		name: 'POST notes',
		method: 'POST',
		handler: notesRoute.POST as Handler,
		path: (c) => `/staff/api/reports/${c.report.id}/notes`,
		params: (c) => ({ id: c.report.id }),
		body: (c) => ({ body: ciphertext(c.report.reportKey, 'note') }),
		expect: { inspector: 201, head: 201, grantee: 201 },
		mutates: true
	},
	{
		name: 'POST links',
		method: 'POST',
		handler: linksRoute.POST as Handler,
		path: (c) => `/staff/api/reports/${c.report.id}/links`,
		params: (c) => ({ id: c.report.id }),
		body: (c) => ({ other: c.other.locator, kind: 'related' }),
		expect: { inspector: 201, head: 201, grantee: 403 },
		mutates: true
	},
	{
		name: 'GET files/{fileId}',
		method: 'GET',
		handler: fileRoute.GET as Handler,
		path: (c) => `/staff/api/reports/${c.report.id}/files/${c.report.fileId}`,
		params: (c) => ({ id: c.report.id, fileId: c.report.fileId! }),
		expect: REPORT_READERS,
		mutates: false
	},
	{
		name: 'POST export',
		method: 'POST',
		handler: exportRoute.POST as Handler,
		path: (c) => `/staff/api/reports/${c.report.id}/export`,
		params: (c) => ({ id: c.report.id }),
		body: () => ({ kind: 'print' }),
		expect: { inspector: 204, head: 204, grantee: 204 },
		mutates: false
	}
];

function expected(e: Endpoint, role: Role): number {
	if (role === 'signedOut' || role === 'no2fa') return 401;
	return e.expect[role] ?? 404;
}

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
