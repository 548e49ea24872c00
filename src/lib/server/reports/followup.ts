/**
 * Coming back with the receipt (docs/reporting.md §4): the KDF spec for a locator (a stable fake one for
 * locators that do not exist), opening with the auth key, short-lived HMAC-signed tokens, the report as the
 * reporter sees it, and file downloads. An unknown locator and a wrong secret get the same answer, after
 * the same work, as far as the server can make it.
 */
import { timingSafeEqual } from 'node:crypto';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { addWorkingDays } from '$lib/server/calendar';
import type { Db } from '$lib/server/db';
import { attachment, report, reportMessage } from '$lib/server/db/schema';
import { FailureLimiter } from '$lib/server/ratelimit';
import { fromBase64Url, isLocator, isUuid, toBase64Url } from '$lib/shared/encoding';
import type { MessageAuthor, PublicStatus } from '$lib/shared/vocabulary/report';
import type { ReceiptOpenAnswer, ReportView } from '$lib/shared/wire/reporter';
import { toBase64 } from '$lib/server/http/base64';
import { ok, refuse, type Result } from '$lib/server/http/result';
import { spendPow, verifyPow, type PowRefusal } from './pow';
import { mac, serverKey } from './secrets';
import { databaseStorage } from './storage';
import { deploymentSuite } from '$lib/server/keys/suite';
import { deploymentWire } from '$lib/server/keys/suite-wire';
import { followedStatus } from '$lib/server/leads/handdown-read';

/** Token lifetime. */
export const TOKEN_SECONDS = 30 * 60;
/** Working days within which a real-name reporter is told whether the report was accepted, and of the result. */
export const REAL_NAME_NOTICE_WORKING_DAYS = 15;

/**
 * The KDF spec for a locator; for an unknown one a fake with salt = HMAC(key, locator), stable forever. The
 * fake is computed for every locator, so a real one is not answered faster (issue 7 timing measurement).
 */
export async function receiptSpec(db: Db, locator: string): Promise<Uint8Array> {
	// In the deployment's suite (issue 21): a fake of the other suite would tell a real locator from an unknown one.
	const fake = deploymentWire().receiptSpecWithSalt(
		mac(await serverKey(db, 'receipt-salt'), new TextEncoder().encode(locator)).slice(0, 16)
	);
	const [row] = isLocator(locator)
		? await db.select({ kdfSpec: report.kdfSpec }).from(report).where(eq(report.locator, locator))
		: [];
	return row ? row.kdfSpec : fake;
}

/* ---------------------------------------------------------------- tokens */

const TOKEN_VERSION = 1;

function uuidBytes(id: string): Uint8Array {
	return new Uint8Array(Buffer.from(id.replace(/-/g, ''), 'hex'));
}

function uuidText(b: Uint8Array): string {
	const h = Buffer.from(b).toString('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** `base64url(1 | report id (16) | expiry (u32 BE, Unix s)) . base64url(HMAC-SHA-256(key, payload))`. */
export async function issueToken(db: Db, reportId: string, now = new Date()): Promise<string> {
	const payload = new Uint8Array(21);
	payload[0] = TOKEN_VERSION;
	payload.set(uuidBytes(reportId), 1);
	new DataView(payload.buffer).setUint32(17, Math.floor(now.getTime() / 1000) + TOKEN_SECONDS);
	return `${toBase64Url(payload)}.${toBase64Url(mac(await serverKey(db, 'receipt-token'), payload))}`;
}

/** The report id of a valid, unexpired token, or `token_invalid` (missing, expired or forged). */
export async function authorise(
	db: Db,
	token: string | null,
	now = new Date()
): Promise<Result<string, 'token_invalid'>> {
	const reportId = await verifyToken(db, token, now);
	return reportId === null ? refuse('token_invalid') : ok(reportId);
}

/** The report id of a valid, unexpired token, else null. */
export async function verifyToken(db: Db, token: string | null, now = new Date()): Promise<string | null> {
	if (token === null) return null;
	const [p, t, ...rest] = token.split('.');
	if (rest.length > 0 || p === undefined || t === undefined) return null;
	const payload = fromBase64Url(p, 21);
	const tag = fromBase64Url(t, 32);
	if (!payload || !tag || payload.length !== 21 || tag.length !== 32 || payload[0] !== TOKEN_VERSION) return null;
	if (!timingSafeEqual(tag, mac(await serverKey(db, 'receipt-token'), payload))) return null;
	if (new DataView(payload.buffer, payload.byteOffset).getUint32(17) * 1000 <= now.getTime()) return null;
	return uuidText(payload.subarray(1, 17));
}

/* ---------------------------------------------------------------- opening */

/** A fixed hash no auth key matches in practice, compared against when the locator does not exist. */
const DUMMY_HASH = new Uint8Array(32).fill(0xa5);

export type OpenRefusal = PowRefusal | 'pow_replayed' | 'rate_limited' | 'receipt_not_recognised';

export interface OpenInput {
	locator: string;
	authKey: Uint8Array;
	pow?: unknown;
}

/**
 * Opens a report with its locator and auth key. The proof of work is spent whatever the outcome, so each
 * guess costs one. Wrong secret and unknown locator: the same 403, after the same hash and comparison.
 * Failures per locator back off exponentially in `limiter` (in memory, keyed by an HMAC of the locator).
 */
export async function openReceipt(
	db: Db,
	input: OpenInput,
	limiter: FailureLimiter,
	now = new Date()
): Promise<Result<ReceiptOpenAnswer, OpenRefusal>> {
	const pow = await verifyPow(db, input.pow, 'receipt', now);
	if (!pow.ok) return refuse(pow.code, { field: 'pow' });
	const limitKey = `locator:${Buffer.from(mac(await serverKey(db, 'receipt-backoff'), new TextEncoder().encode(input.locator))).toString('base64')}`;
	const wait = limiter.wait(limitKey);
	if (wait > 0) return refuse('rate_limited', { retryAfter: wait });
	if (!(await spendPow(db, pow))) return refuse('pow_replayed', { field: 'pow' });
	const [row] = await db
		.select({ id: report.id, authHash: report.authHash })
		.from(report)
		.where(eq(report.locator, input.locator));
	const presented = deploymentSuite().receiptAuthHash(input.authKey);
	const stored = row?.authHash ?? DUMMY_HASH;
	const match = timingSafeEqual(presented, stored.length === 32 ? stored : DUMMY_HASH) && row !== undefined;
	if (!match) {
		limiter.fail(limitKey);
		return refuse('receipt_not_recognised');
	}
	limiter.reset(limitKey);
	const view = await reportView(db, row.id);
	return ok({ token: await issueToken(db, row.id, now), report: view! });
}

/* ---------------------------------------------------------------- the report as the reporter sees it */

export type { ReportView };

/**
 * Deadlines the reporter is promised: real-name reports only (2020 rules). The answer on acceptance is
 * promised only while the report waits for it (status `received`): once accepted, returned or sent on, the
 * status itself is the answer, and a date for it would contradict the status.
 */
export function reporterDeadlines(r: {
	realName: boolean;
	receivedOn: string;
	concludedOn: string | null;
	publicStatus: PublicStatus;
}): ReportView['deadlines'] {
	if (!r.realName) return [];
	const out: ReportView['deadlines'] = [];
	if (r.publicStatus === 'received')
		out.push({ what: 'acceptance_notice', due: addWorkingDays(r.receivedOn, REAL_NAME_NOTICE_WORKING_DAYS) });
	if (r.concludedOn)
		out.push({ what: 'result_feedback', due: addWorkingDays(r.concludedOn, REAL_NAME_NOTICE_WORKING_DAYS) });
	return out;
}

export async function reportView(db: Db, reportId: string): Promise<ReportView | null> {
	const [r] = await db.select().from(report).where(eq(report.id, reportId));
	if (!r) return null;
	const [messages, files] = await Promise.all([
		db.select().from(reportMessage).where(eq(reportMessage.reportId, reportId)).orderBy(asc(reportMessage.seq)),
		db
			.select({
				id: attachment.id,
				bytes: attachment.bytes,
				messageId: attachment.messageId,
				fileNo: attachment.fileNo
			})
			.from(attachment)
			.where(and(eq(attachment.reportId, reportId), isNull(attachment.intakeId)))
			.orderBy(asc(attachment.fileNo))
	]);
	const filesOf = (messageId: string | null) =>
		files.filter((f) => f.messageId === messageId).map((f) => ({ id: f.id, bytes: f.bytes }));
	// Issue 17: a report whose lead was handed down reads 已交由…办理，上级机关督办 while it has not ended.
	const followed = await followedStatus(db, r.id, r.publicStatus as PublicStatus);
	return {
		locator: r.locator,
		receivedOn: r.receivedOn,
		realName: r.realName,
		status: followed.status,
		...(followed.handledBy ? { handledBy: followed.handledBy } : {}),
		deadlines: reporterDeadlines({ ...r, publicStatus: r.publicStatus as PublicStatus }),
		content: toBase64(r.content),
		wrappedKey: toBase64(r.receiptWrapped),
		files: filesOf(null),
		messages: messages.map((m) => ({
			id: m.id,
			seq: m.seq,
			author: m.author as MessageAuthor,
			sentOn: m.sentOn,
			body: toBase64(m.body),
			files: filesOf(m.id)
		}))
	};
}

/** A committed file of the report, streamed part by part, or null. */
export async function reportFile(
	db: Db,
	reportId: string,
	fileId: string
): Promise<{ bytes: number; stream: AsyncIterable<Uint8Array> } | null> {
	if (!isUuid(fileId)) return null;
	const [f] = await db
		.select({ id: attachment.id, bytes: attachment.bytes, parts: attachment.parts })
		.from(attachment)
		.where(and(eq(attachment.id, fileId), eq(attachment.reportId, reportId), isNull(attachment.intakeId)));
	if (!f) return null;
	return { bytes: f.bytes, stream: databaseStorage(db).readFile(f.id, f.parts) };
}

/** The report of a receipt token, as its reporter sees it. */
export async function reportOfToken(
	db: Db,
	token: string | null,
	now = new Date()
): Promise<Result<ReportView, 'token_invalid'>> {
	const reportId = await verifyToken(db, token, now);
	const view = reportId === null ? null : await reportView(db, reportId);
	return view ? ok(view) : refuse('token_invalid');
}

/** A committed file of the report of a receipt token, streamed part by part. */
export async function fileOfToken(
	db: Db,
	token: string | null,
	fileId: string,
	now = new Date()
): Promise<Result<{ bytes: number; stream: AsyncIterable<Uint8Array> }, 'token_invalid' | 'not_found'>> {
	const reportId = await authorise(db, token, now);
	if (!reportId.ok) return reportId;
	const file = await reportFile(db, reportId.value, fileId);
	return file ? ok(file) : refuse('not_found', { field: 'fileId' });
}
