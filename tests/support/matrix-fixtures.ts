/**
 * The authorization matrix's table: every staff API endpoint with the status each role gets, through the real route handlers. Test-only; nothing of the app imports it.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { encryptContent, sealKey, utf8 } from '$lib/crypto';
import * as auditRoute from '../../src/routes/staff/api/audit/+server';
import * as holidaysRoute from '../../src/routes/staff/api/holidays/+server';
import * as holidayRoute from '../../src/routes/staff/api/holidays/[day]/+server';
import * as inboxRoute from '../../src/routes/staff/api/inbox/+server';
import * as noticesRoute from '../../src/routes/staff/api/notices/+server';
import * as seenRoute from '../../src/routes/staff/api/notices/seen/+server';
import * as reportRoute from '../../src/routes/staff/api/reports/[id]/+server';
import * as actionsRoute from '../../src/routes/staff/api/reports/[id]/actions/+server';
import * as assignRoute from '../../src/routes/staff/api/reports/[id]/assign/+server';
import * as exportRoute from '../../src/routes/staff/api/reports/[id]/export/+server';
import * as fileRoute from '../../src/routes/staff/api/reports/[id]/files/[fileId]/+server';
import * as grantsRoute from '../../src/routes/staff/api/reports/[id]/grants/+server';
import * as revokeRoute from '../../src/routes/staff/api/reports/[id]/grants/[staffId]/+server';
import * as linksRoute from '../../src/routes/staff/api/reports/[id]/links/+server';
import * as messagesRoute from '../../src/routes/staff/api/reports/[id]/messages/+server';
import * as notesRoute from '../../src/routes/staff/api/reports/[id]/notes/+server';
import { toBase64 as b64 } from '$lib/server/http/base64';
import { type BoWorld, type StoredReport } from './backoffice';

export const ROLES = ['inspector', 'head', 'admin', 'other', 'conflicted', 'grantee', 'no2fa', 'signedOut'] as const;
export type Role = (typeof ROLES)[number];

export type Handler = (event: RequestEvent) => Promise<Response> | Response;

export interface Cell {
	report: StoredReport;
	other: StoredReport;
	w: BoWorld;
}

export interface Endpoint {
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

export const ciphertext = (key: Uint8Array, text: string) => b64(encryptContent(key, utf8(JSON.stringify({ text }))));

export const REPORT_READERS = { inspector: 200, head: 200, grantee: 200 } as const;

export const ENDPOINTS: Endpoint[] = [
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

export function expected(e: Endpoint, role: Role): number {
	if (role === 'signedOut' || role === 'no2fa') return 401;
	return e.expect[role] ?? 404;
}
