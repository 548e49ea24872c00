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
	createStaffKeys,
	encryptContent,
	generateLocator,
	generateReportKey,
	generateRootKey,
	newEntryId,
	sealKey,
	signDirectoryEntry,
	TEST_ONLY_CHEAP_KDF,
	utf8,
	type BoxKeyPair,
	type RootKeyPair
} from '$lib/crypto';
import { createSession, validateSessionToken, type Session, type StaffUser } from '$lib/server/auth/session';
import type { AdminLevel } from '$lib/shared/vocabulary/org';
import type { Db } from '$lib/server/db';
import { attachment, attachmentPart, report, reportKeyWrap, staffUser } from '$lib/server/db/schema';
import { storeDirectoryEntry } from '$lib/server/keys/directory';
import { pinRootKey, registerRootKey } from '$lib/server/keys/root-key';
import { enrolStaffKey } from '$lib/server/keys/staff-keys';
import { rowsOf } from '$lib/server/org/sql';
import { replaceOrgData } from '$lib/server/org/store';
import { gmSuite } from '$lib/crypto/gm/suite';
import type { SuiteId } from '$lib/crypto/suite';

/** Friday 2026-11-27 10:00 in Shanghai. */
export const NOW = new Date('2026-11-27T02:00:00Z');

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

const s = (d: Date) => Math.floor(d.getTime() / 1000);

/**
 * Units u-prov > u-city > u-k1, u-k2; organs o-top > o-prov > o-city > o-k1, o-k2. Every member has real
 * keys and a directory entry for their organ (adam: none). `suite` 'gm' (issue 21): an SM2 root, SM2 staff
 * keys and entries, and the deployment's suite pinned as GM (the caller unpins with `pinRootKey(undefined)`).
 */
export async function buildBackofficeWorld(db: Db, suite: SuiteId = 'nacl'): Promise<BoWorld> {
	const names = ['alice', 'bob', 'hank', 'adam', 'olga', 'gina', 'carol'];
	const users = await db
		.insert(staffUser)
		.values(
			names.map((u) => ({
				username: u,
				displayName: u.toUpperCase(),
				isAdmin: u === 'adam',
				authSalt: new Uint8Array(16),
				authParams: { m: 64, t: 1, p: 1 },
				authHash: '!'
			}))
		)
		.returning({ id: staffUser.id, username: staffUser.username });
	const id = (u: string) => users.find((x) => x.username === u)!.id;
	const unit = (uid: string, parentId: string | null, name: string, level: AdminLevel, regionPath: string) => ({
		id: uid,
		parentId,
		name,
		level,
		regionPath
	});
	const organ = (oid: string, name: string, level: AdminLevel, parentOrganId: string | null) => ({
		id: oid,
		name,
		kind: 'commission' as const,
		level,
		unitId: null,
		hostUnitId: null,
		parentOrganId
	});
	await replaceOrgData(
		db,
		{
			units: [
				unit('u-prov', null, '示范省', 'province', '示范省'),
				unit('u-city', 'u-prov', '青山市', 'city', '示范省/青山市'),
				unit('u-k1', 'u-city', '东区', 'county', '示范省/青山市/东区'),
				unit('u-k2', 'u-city', '西区', 'county', '示范省/青山市/西区')
			],
			organs: [
				organ('o-top', '中央（演示）', 'central', null),
				organ('o-prov', '示范省纪委监委', 'province', 'o-top'),
				organ('o-city', '青山市纪委监委', 'city', 'o-prov'),
				organ('o-k1', '东区纪委监委', 'county', 'o-city'),
				organ('o-k2', '西区纪委监委', 'county', 'o-city')
			],
			jurisdiction: [
				{ organId: 'o-prov', unitId: 'u-prov' },
				{ organId: 'o-city', unitId: 'u-city' },
				{ organId: 'o-k1', unitId: 'u-k1' },
				{ organId: 'o-k2', unitId: 'u-k2' }
			],
			staff: [
				{ id: id('alice'), organId: 'o-city', role: 'inspector', hasKey: true },
				{ id: id('bob'), organId: 'o-city', role: 'inspector', hasKey: true },
				{ id: id('hank'), organId: 'o-city', role: 'head', hasKey: true },
				{ id: id('adam'), organId: 'o-city', role: 'admin', hasKey: false },
				{ id: id('olga'), organId: 'o-k1', role: 'inspector', hasKey: true },
				{ id: id('gina'), organId: 'o-prov', role: 'inspector', hasKey: true },
				{ id: id('carol'), organId: 'o-prov', role: 'head', hasKey: true }
			],
			conflicts: [{ staffId: id('bob'), unitId: 'u-k2', reason: '曾任职' }],
			posts: []
		},
		{ demo: false }
	);
	const gm = suite === 'gm';
	const root: RootKeyPair = gm
		? (({ publicKey, secretKey }) => ({ publicKey, secretKey, seed: secretKey }))(gmSuite.generateSigningKeyPair())
		: generateRootKey();
	pinRootKey(root.publicKey, suite); // as the deployment's ROOT_PUBLIC_KEY (and QF_CRYPTO_SUITE) would (docs/keys.md)
	const created = await registerRootKey(db, root.publicKey);
	if (!created.ok) throw new Error(created.reason);
	const keyed = async (u: string, organId: string, role: string): Promise<Member> => {
		const keys = gm
			? await gmSuite.createStaffKeys('pw', { testOnlyCheap: true })
			: await createStaffKeys('pw', TEST_ONLY_CHEAP_KDF);
		const enrolled = await enrolStaffKey(db, id(u), keys.bundle, { allowWeakKdf: true });
		if (!enrolled.ok) throw new Error(enrolled.reason);
		const entryId = newEntryId();
		const signed = signDirectoryEntry(
			{
				entryId,
				staffId: id(u),
				organId,
				role,
				publicKey: keys.keyPair.publicKey,
				notBefore: s(NOW) - 86_400,
				notAfter: s(NOW) + 86_400 * 3650
			},
			root.secretKey,
			gm ? gmSuite.entries : undefined
		);
		const stored = await storeDirectoryEntry(db, signed, NOW);
		if (!stored.ok) throw new Error(stored.reason);
		return { id: id(u), username: u, keyPair: keys.keyPair, entryId };
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
