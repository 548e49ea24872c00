/**
 * Test helpers for the back office: a small directory with real staff keys under a real root key, reports
 * stored as the reporter's API stores them (ciphertext under a random report key, the key sealed to the
 * routed organ's recipients), sessions made with the real session module, and RequestEvents for the real
 * route handlers of src/routes/staff/api.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { makeTransferProof } from '../../src/lib/crypto/transfer';
import { sql } from 'drizzle-orm';
import {
	encryptContent,
	generateLocator,
	generateReportKey,
	sealKey,
	utf8,
	type BoxKeyPair,
	type RootKeyPair
} from '$lib/crypto';
import { createSession, validateSessionToken, type Session, type StaffUser } from '$lib/server/auth/session';
import type { StaffCtx } from '$lib/server/backoffice/context';
import type { Db } from '$lib/server/db';
import { attachment, attachmentPart, report, reportKeyWrap } from '$lib/server/db/schema';
import { directoryApi } from '$lib/server/keys/api';
import { organKeyState } from '$lib/server/leads/organ-key';
import { rowsOf } from '$lib/server/org/sql';
import { gmSuite } from '$lib/crypto/gm/suite';
import { openOrganKeys, type OrganKeys } from '$lib/client/staff/leads-crypto';
import type { OrganKeyState } from '$lib/shared/wire/leads';
import type { SuiteId } from '$lib/crypto/suite';
import { insertStaffUsers, keyStaff, NOW, pinTestRoot, storeOrgTree } from './org-world';

export { NOW };

export interface Member {
	id: string;
	username: string;
	keyPair: BoxKeyPair | null;
	entryId: Uint8Array | null;
}

export interface BoWorld {
	root: RootKeyPair;
	/** o-city inspector. */
	alice: Member;
	/** o-city inspector with a declared conflict for u-k2. */
	bob: Member;
	/** o-city head. */
	hank: Member;
	/** Administrator (admin role in o-city, no inspector/head membership). */
	adam: Member;
	/** o-k1 inspector (another organ). */
	olga: Member;
	/** o-prov inspector and head (the higher organ). */
	gina: Member;
	carol: Member;
}

/**
 * Units u-prov > u-city > u-k1, u-k2; organs o-top > o-prov > o-city > o-k1, o-k2. Every member has real
 * keys and a directory entry for their organ (adam: none). `suite` 'gm' (issue 21): an SM2 root, SM2 staff
 * keys and entries, and the deployment's suite pinned as GM (the caller unpins with `pinRootKey(undefined)`).
 */
export async function buildBackofficeWorld(db: Db, suite: SuiteId = 'nacl'): Promise<BoWorld> {
	const names = ['alice', 'bob', 'hank', 'adam', 'olga', 'gina', 'carol'] as const;
	const ids = await insertStaffUsers(db, names, { displayName: (u) => u.toUpperCase(), isAdmin: (u) => u === 'adam' });
	const id = (u: (typeof names)[number]) => ids[names.indexOf(u)]!;
	await storeOrgTree(
		db,
		[
			{ id: id('alice'), organId: 'o-city', role: 'inspector', hasKey: true },
			{ id: id('bob'), organId: 'o-city', role: 'inspector', hasKey: true },
			{ id: id('hank'), organId: 'o-city', role: 'head', hasKey: true },
			{ id: id('adam'), organId: 'o-city', role: 'admin', hasKey: false },
			{ id: id('olga'), organId: 'o-k1', role: 'inspector', hasKey: true },
			{ id: id('gina'), organId: 'o-prov', role: 'inspector', hasKey: true },
			{ id: id('carol'), organId: 'o-prov', role: 'head', hasKey: true }
		],
		[{ staffId: id('bob'), unitId: 'u-k2', reason: '曾任职' }]
	);
	const root = await pinTestRoot(db, suite);
	const keyed = async (u: (typeof names)[number], organId: string, role: string): Promise<Member> => {
		const { keyPair, entryId } = await keyStaff(db, root, id(u), organId, role, 3650);
		return { id: id(u), username: u, keyPair, entryId };
	};
	return {
		root,
		alice: await keyed('alice', 'o-city', 'inspector'),
		bob: await keyed('bob', 'o-city', 'inspector'),
		hank: await keyed('hank', 'o-city', 'head'),
		adam: { id: id('adam'), username: 'adam', keyPair: null, entryId: null },
		olga: await keyed('olga', 'o-k1', 'inspector'),
		gina: await keyed('gina', 'o-prov', 'inspector'),
		carol: await keyed('carol', 'o-prov', 'head')
	};
}

export interface StoredReport {
	id: string;
	locator: string;
	reportKey: Uint8Array;
	fileId: string | null;
}

/**
 * Stores a report as commitReport would (content ciphertext, wraps for `recipients`), optionally with one
 * attachment. `forcedWraps` adds wraps for staff the routing would never seal to (to prove that the
 * server's check holds even when a key leaked).
 */
export async function storeReport(
	db: Db,
	opts: {
		organId?: string;
		unitId?: string;
		realName?: boolean;
		receivedOn?: string;
		recipients: Member[];
		forcedWraps?: Member[];
		file?: boolean;
		category?: string;
	}
): Promise<StoredReport> {
	const reportKey = generateReportKey();
	const locator = generateLocator();
	const [row] = await db
		.insert(report)
		.values({
			locator,
			unitId: opts.unitId ?? 'u-k2',
			position: 'top_leader',
			category: opts.category ?? 'integrity',
			realName: opts.realName ?? true,
			escalate: false,
			organId: opts.organId ?? 'o-city',
			receivedOn: opts.receivedOn ?? '2026-11-27',
			content: encryptContent(reportKey, utf8(JSON.stringify({ v: 1, description: 'canary-7f3a' }))),
			contentBytes: 1024,
			kdfSpec: new Uint8Array(27),
			authHash: new Uint8Array(32),
			receiptWrapped: new Uint8Array(74)
		})
		.returning({ id: report.id });
	const reportId = row!.id;
	for (const m of [...opts.recipients, ...(opts.forcedWraps ?? [])]) {
		const pk = m.keyPair?.publicKey ?? new Uint8Array(32).fill(7);
		const seal = pk.length === 65 ? gmSuite.sealKey : sealKey; // an SM2 key: a GM world's (issue 21)
		await db
			.insert(reportKeyWrap)
			.values({ reportId, staffId: m.id, entryId: m.entryId ?? new Uint8Array(16), sealed: seal(reportKey, pk) });
	}
	let fileId: string | null = null;
	if (opts.file) {
		const data = new Uint8Array(4096).fill(9);
		const [a] = await db
			.insert(attachment)
			.values({ fileNo: 0, bytes: data.length, parts: 1, reportId })
			.returning({ id: attachment.id });
		await db.insert(attachmentPart).values({ attachmentId: a!.id, idx: 0, data });
		fileId = a!.id;
	}
	return { id: reportId, locator, reportKey, fileId };
}

/** A signed-in session (2FA verified unless told otherwise), as hooks would put it in locals. */
export async function signIn(
	db: Db,
	userId: string,
	twoFactorVerified = true
): Promise<{ user: StaffUser; session: Session }> {
	const { token } = await createSession(db, userId, { twoFactorVerified });
	const valid = await validateSessionToken(db, token, { idleMinutes: 60, maxHours: 12 });
	if (!valid) throw new Error('session did not validate');
	return { user: valid.user, session: valid.session };
}

/** A RequestEvent for a route handler. */
export function requestEvent(opts: {
	method: string;
	path: string;
	params?: Record<string, string>;
	locals: { user: StaffUser | null; session: Session | null };
	body?: unknown;
	headers?: Record<string, string>;
}): RequestEvent {
	const url = new URL(`http://localhost${opts.path}`);
	const hasBody = opts.body !== undefined;
	const request = new Request(url, {
		method: opts.method,
		headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...(opts.headers ?? {}) },
		body: hasBody ? (typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body)) : undefined
	});
	return {
		request,
		url,
		params: opts.params ?? {},
		locals: { ...opts.locals },
		platform: undefined,
		route: { id: null },
		cookies: { get: () => undefined, getAll: () => [], set: () => {}, delete: () => {}, serialize: () => '' },
		fetch,
		getClientAddress: () => '192.0.2.1',
		setHeaders: () => {},
		isDataRequest: false,
		isSubRequest: false,
		isRemoteRequest: false
	} as unknown as RequestEvent;
}

/** Everything a staff call could change, for "changes nothing" checks. */
export async function snapshot(db: Db): Promise<string> {
	const [counts] = rowsOf<Record<string, unknown>>(
		await db.execute(sql`select
			(select count(*)::int from report_event) as events,
			(select count(*)::int from report_note) as notes,
			(select count(*)::int from report_message) as messages,
			(select count(*)::int from report_key_wrap) as wraps,
			(select count(*)::int from report_link) as links,
			(select count(*)::int from report_pending) as pending,
			(select count(*)::int from report_deadline) as deadlines,
			(select count(*)::int from audit_log) as audit,
			(select count(*)::int from staff_notice) as notices,
			(select count(*)::int from staff_notice where seen) as seen,
			(select string_agg(day::text || kind || name, ',' order by day) from holiday) as holidays,
			(select string_agg(id::text || state || organ_id || coalesce(handler_id::text, '-') || public_status, ',' order by id) from report) as reports`)
	);
	return JSON.stringify(counts);
}

/** Every row of every table of the public schema, one `table: json` line each, for canary checks. */
export async function publicRowsDump(db: Db): Promise<string> {
	const tables = rowsOf<{ t: string }>(
		await db.execute(
			sql`select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`
		)
	);
	const parts: string[] = [];
	for (const { t } of tables) {
		const rows = rowsOf<{ j: string }>(await db.execute(sql.raw(`select row_to_json(x)::text as j from "${t}" x`)));
		for (const r of rows) parts.push(`${t}: ${r.j}`);
	}
	return parts.join('\n');
}

/**
 * A transfer's wrap for `to`, as the sending inspector's browser makes it (issue 16): the sealed key and
 * the proof (format T) made with `from`'s key, bound to the report, `to`'s entry and the sealed key.
 */
export function transferWrap(
	reportId: string,
	reportKey: Uint8Array,
	from: Member,
	to: Member
): { entryId: string; sealed: string; proof: string } {
	const sealed = sealKey(reportKey, to.keyPair!.publicKey);
	const proof = makeTransferProof(
		reportKey,
		{ reportId, recipientEntryId: to.entryId!, sealed },
		{ entryId: from.entryId!, keyPair: from.keyPair! },
		to.keyPair!.publicKey
	);
	const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
	return { entryId: b64(to.entryId!), sealed: b64(sealed), proof: b64(proof) };
}

/**
 * The helpers of the lead-register tests (issue 17) for a back-office world on the database `getDb()`
 * returns: a member's staff context (`users` is filled by the test), a server core's value (a refusal
 * throws), the organ key state and the organ's directory as the member's browser fetches them, the organ
 * keys it opens with the member's key pair, and a person as a lead names one.
 */
export function leadHelpers(getDb: () => Db) {
	const users = new Map<string, StaffUser>();
	const ctx = (m: Member, now = NOW): StaffCtx => ({ db: getDb(), user: users.get(m.id)!, now });
	const pair = (m: Member) => m.keyPair as BoxKeyPair;
	const value = <T>(r: { ok: boolean }): T => {
		if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
		return (r as unknown as { value: T }).value;
	};
	const state = async (m: Member, organ: string) => value<OrganKeyState>(await organKeyState(ctx(m), organ));
	const dirAnswer = async (organ: string) => (await directoryApi(getDb(), new URLSearchParams({ organ }), NOW)).body;
	const keysOf = async (m: Member, organ: string): Promise<OrganKeys> => {
		const k = openOrganKeys(await state(m, organ), pair(m));
		if (!k) throw new Error('no organ keys');
		return k;
	};
	const person = (name: string, unit = '东区财政局') => ({ name, unit, post: '局长', level: 'division' });
	return { users, ctx, pair, value, state, dirAnswer, keysOf, person };
}
