/**
 * Staging and committing encrypted uploads (docs/reporting.md §2–3). An intake announces the files of one
 * submission; their parts arrive one by one (idempotent PUTs); the commit checks everything and writes the
 * report, its key wraps and the files in one transaction, deleting the intake in the same transaction, so
 * either the whole report is stored or nothing is (architecture invariant 6), and no upload time stays
 * linked to a report (invariant 3).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, isNull, sql, type SQL } from 'drizzle-orm';
import { ATTACHMENT_HEADER_LENGTH, CHUNK_CIPHERTEXT_SIZE, CHUNK_SIZE } from '$lib/crypto/attachment';
import { CONTENT_OVERHEAD } from '$lib/crypto/content';
import { CryptoError } from '$lib/crypto/errors';
import { FORMAT_VERSION, Kind } from '$lib/crypto/format';
import { decodeKdfSpec } from '$lib/crypto/kdf-spec';
import { isProductionParams } from '$lib/crypto/kdf';
import { TAG_LENGTH } from '$lib/crypto/keys';
import { attachmentBucket, isContentBucket } from '$lib/crypto/padding';
import { fromBase64Url, toBase64Url } from '$lib/shared/encoding';
import { INLINE_MAX_BYTES, INTAKE_ID_LENGTH, INTAKE_LIFETIME_SECONDS, PART_SIZE } from '$lib/shared/limits';
import type { IntakeBody, MessageBody, ReportBody } from '$lib/shared/wire/reporter';
import type { Db } from '$lib/server/db';
import { attachment, intake, report, reportKeyWrap, reportMessage } from '$lib/server/db/schema';
import { fail, type ApiResult } from '$lib/server/http/answer';
import { check } from '$lib/server/http/body';
import { REPORTER_BODIES } from '$lib/server/http/bodies';
import { routeReport } from '$lib/server/org/routing';
import { rowsOf } from '$lib/server/org/sql';
import { loadRoutingSnapshot } from '$lib/server/org/store';
import type { OrgSnapshot } from '$lib/server/org/types';
import { dateIn } from './dates';
import { verifyPow } from './pow';
import { computeRecipients, type Recipient } from './recipients';
import { databaseStorage } from './storage';

export interface IntakeSettings {
	maxFiles: number;
	maxFileBytes: number;
	maxReportBytes: number;
	timezone: string;
	/**
	 * How long (ms) a commit may reuse the routing and the recipients it computed for the same unit and
	 * organ (config ROUTING_CACHE_MS; 0 or absent: every commit reads them). A directory change (a
	 * revoked key, a declared conflict) reaches commits at most this late.
	 */
	routingCacheMs?: number;
}

/** Checks the sizes of the files of a submission; null when they are acceptable. */
function checkFileSizes(
	sizes: readonly number[],
	settings: IntakeSettings,
	field: (i: number) => string,
	max = settings.maxReportBytes
): ApiResult | null {
	if (sizes.length > settings.maxFiles) return fail(400, 'too_many_files', 'files', { max: settings.maxFiles });
	let total = 0;
	for (const [i, bytes] of sizes.entries()) {
		if (bytes > settings.maxFileBytes) return fail(413, 'file_too_large', field(i), { max: settings.maxFileBytes });
		if (!isAttachmentStreamLength(bytes)) return fail(400, 'invalid_field', field(i));
		total += bytes;
	}
	if (total > max) return fail(413, 'report_too_large', 'files', { max });
	return null;
}

/** Raised inside a transaction to roll it back with a 4xx answer. */
class Refusal extends Error {
	constructor(readonly result: ApiResult) {
		super('refused');
	}
}

/** True if `n` is the length of an attachment stream (header, padded bucket, one tag per 64 KiB chunk). */
export function isAttachmentStreamLength(n: number): boolean {
	if (!Number.isSafeInteger(n)) return false;
	const body = n - ATTACHMENT_HEADER_LENGTH;
	if (body <= 0) return false;
	const chunks = Math.ceil(body / CHUNK_CIPHERTEXT_SIZE);
	const padded = body - chunks * TAG_LENGTH;
	return padded > 0 && Math.ceil(padded / CHUNK_SIZE) === chunks && attachmentBucket(padded) === padded;
}

/** Number of parts of a file of `bytes` bytes, and the length of part `i`. */
export function partCount(bytes: number): number {
	return Math.ceil(bytes / PART_SIZE);
}
export function partLength(bytes: number, i: number): number {
	return Math.min(PART_SIZE, bytes - i * PART_SIZE);
}

/**
 * Opens an intake. `reportId` is set for follow-up uploads (authorised by a receipt token); otherwise the
 * body must carry a solved intake challenge, spent in the same transaction that creates the intake.
 */
export async function createIntake(
	db: Db,
	body: IntakeBody,
	settings: IntakeSettings,
	reportId: string | null,
	now = new Date(),
	admit?: () => ApiResult | null
): Promise<ApiResult> {
	const files = body.files;
	const sizes = checkFileSizes(
		files.map((f) => f.bytes),
		settings,
		(i) => `files[${i}].bytes`
	);
	if (sizes) return sizes;

	let pow: { id: Uint8Array; expiresAt: Date } | null = null;
	if (reportId === null) {
		const checked = await verifyPow(db, body.pow, 'intake', now);
		if (!checked.ok) return fail(400, checked.code, 'pow');
		pow = checked;
	}
	// The caller's rate limit counts only submissions that got this far (a valid proof of work when one is
	// needed), so requests without work cannot use up an address's allowance.
	const refused = admit?.();
	if (refused) return refused;
	const id = new Uint8Array(randomBytes(INTAKE_ID_LENGTH));
	const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + INTAKE_LIFETIME_SECONDS * 1000);
	// One statement (one round trip, one commit, atomic): spend the challenge; only if it was unspent, create
	// the intake and its files. Same effect as spendPow + two inserts in a transaction.
	const made = rowsOf<{ made: number }>(
		await db.execute(sql`
			with ${pow ? sql`spent as (insert into pow_spent (id, expires_at) values (${pow.id}, ${pow.expiresAt.toISOString()}::timestamptz) on conflict do nothing returning id),` : sql``}
			made as (
				insert into intake (id, report_id, expires_at, files)
				select ${id}::bytea, ${reportId}::uuid, ${expiresAt.toISOString()}::timestamptz, ${files.length}::int
				${pow ? sql`where exists (select 1 from spent)` : sql``}
				returning id
			),
			staged as (
				insert into attachment (intake_id, file_no, bytes, parts)
				select made.id, f.file_no, f.bytes, f.parts
				from made cross join unnest(${`{${files.map((_, i) => i).join(',')}}`}::int[], ${`{${files.map((f) => f.bytes).join(',')}}`}::int[], ${`{${files.map((f) => partCount(f.bytes)).join(',')}}`}::int[]) as f(file_no, bytes, parts)
				returning 1
			)
			select count(*)::int as made from made`)
	);
	if (pow && made[0]?.made !== 1) return fail(400, 'pow_replayed', 'pow');
	return { status: 201, body: { intake: toBase64Url(id), partSize: PART_SIZE, expiresAt: expiresAt.getTime() / 1000 } };
}

const INDEX = /^\d{1,6}$/;

/** Where a part goes and how long it must be, or the refusal. */
export async function locatePart(
	db: Db,
	intakeText: string,
	fileText: string,
	partText: string,
	now = new Date()
): Promise<
	| { ok: true; intakeId: Uint8Array; attachmentId: string; idx: number; length: number }
	| { ok: false; result: ApiResult }
> {
	const intakeId = fromBase64Url(intakeText, INTAKE_ID_LENGTH);
	if (!intakeId || intakeId.length !== INTAKE_ID_LENGTH) return { ok: false, result: fail(404, 'unknown_intake') };
	if (!INDEX.test(fileText) || !INDEX.test(partText)) return { ok: false, result: fail(400, 'bad_part') };
	const [row] = await db
		.select({ id: attachment.id, bytes: attachment.bytes, parts: attachment.parts })
		.from(intake)
		.leftJoin(attachment, and(eq(attachment.intakeId, intake.id), eq(attachment.fileNo, Number(fileText))))
		.where(and(eq(intake.id, intakeId), gt(intake.expiresAt, now)));
	if (!row) return { ok: false, result: fail(404, 'unknown_intake') };
	const idx = Number(partText);
	if (row.id === null || row.parts === null || row.bytes === null || idx >= row.parts)
		return { ok: false, result: fail(400, 'bad_part') };
	return { ok: true, intakeId, attachmentId: row.id, idx, length: partLength(row.bytes, idx) };
}

/**
 * Stores one part (replacing an earlier upload of it). The intake row is share-locked meanwhile, so a
 * part never lands in a file whose commit is under way.
 */
export async function putPart(
	db: Db,
	target: { intakeId: Uint8Array; attachmentId: string; idx: number; length: number },
	data: Uint8Array,
	now = new Date()
): Promise<ApiResult> {
	if (data.length !== target.length) return fail(400, 'bad_part', 'body', { expected: target.length });
	const storage = databaseStorage(db);
	if (storage.putPartIfOpen) {
		const stored = await storage.putPartIfOpen(target.intakeId, now, target.attachmentId, target.idx, data);
		return stored ? { status: 204, body: null } : fail(404, 'unknown_intake');
	}
	try {
		await db.transaction(async (tx) => {
			const [open] = await tx
				.select({ id: intake.id })
				.from(intake)
				.where(and(eq(intake.id, target.intakeId), gt(intake.expiresAt, now)))
				.for('share');
			if (!open) throw new Refusal(fail(404, 'unknown_intake'));
			await databaseStorage(tx as unknown as Db).putPart(target.attachmentId, target.idx, data);
		});
	} catch (e) {
		if (e instanceof Refusal) return e.result;
		throw e;
	}
	return { status: 204, body: null };
}

/**
 * Inside a transaction: locks the intake (open, unexpired, of `reportId` or of none), checks that every
 * part of every file arrived with its exact length, links the files to the report (and message), and
 * deletes the intake. Throws {@link Refusal}.
 */
async function consumeIntake(
	tx: Db,
	intakeId: Uint8Array,
	reportId: string | null,
	link: { reportId: string; messageId: number | null },
	now: Date
): Promise<void> {
	// The intake row locked and its files read in one query (a left join: an intake may have no files).
	const rows = await tx
		.select({ id: attachment.id, fileNo: attachment.fileNo, bytes: attachment.bytes, parts: attachment.parts })
		.from(intake)
		.leftJoin(attachment, eq(attachment.intakeId, intake.id))
		.where(
			and(
				eq(intake.id, intakeId),
				gt(intake.expiresAt, now),
				reportId === null ? isNull(intake.reportId) : eq(intake.reportId, reportId)
			)
		)
		.for('update', { of: intake });
	if (rows.length === 0) throw new Refusal(fail(404, 'unknown_intake', 'intake'));
	const files = rows.filter((f): f is { id: string; fileNo: number; bytes: number; parts: number } => f.id !== null);
	const present = await databaseStorage(tx).partLengths(files.map((f) => f.id));
	const missing: { file: number; part: number }[] = [];
	for (const f of files.sort((a, b) => a.fileNo - b.fileNo)) {
		const have = present.get(f.id);
		for (let i = 0; i < f.parts; i++)
			if (have?.get(i) !== partLength(f.bytes, i)) missing.push({ file: f.fileNo, part: i });
	}
	if (missing.length > 0)
		throw new Refusal(fail(409, 'incomplete_upload', 'intake', { missing: missing.slice(0, 100) }));
	if (files.length > 0)
		await tx
			.update(attachment)
			.set({ reportId: link.reportId, messageId: link.messageId, intakeId: null })
			.where(eq(attachment.intakeId, intakeId));
	await tx.delete(intake).where(eq(intake.id, intakeId));
}

/** True if `blob` is framed as format `kind`. */
function framed(blob: Uint8Array, kind: number): boolean {
	return blob[0] === FORMAT_VERSION && blob[1] === kind;
}

/** True if `blob` is a content ciphertext of a bucketed length. */
export function isContentCiphertext(blob: Uint8Array): boolean {
	return framed(blob, Kind.content) && isContentBucket(blob.length - CONTENT_OVERHEAD);
}

/** Checks a parsed JSON value against the report schema, the version first. */
export function parseReportBody(value: unknown): { ok: true; value: ReportBody } | { ok: false; result: ApiResult } {
	if (typeof value !== 'object' || value === null || Array.isArray(value))
		return { ok: false, result: fail(400, 'invalid_field', 'body') };
	if ((value as { v?: unknown }).v !== 1) return { ok: false, result: fail(400, 'unsupported_version', 'v') };
	return check(REPORTER_BODIES.ReportBody, value);
}

type RoutingAndRecipients = [OrgSnapshot, Map<string, Recipient>];
const routingCache = new WeakMap<Db, Map<string, { at: number; value: Promise<RoutingAndRecipients> }>>();

/**
 * The routing snapshot of `unit` and the recipients of `organ` for it, read together (one wait), reused
 * for `cacheMs` by later commits to the same unit and organ. Concurrent commits share one read.
 */
function routingAndRecipients(
	db: Db,
	unit: string,
	organ: string,
	now: Date,
	cacheMs: number
): Promise<RoutingAndRecipients> {
	const read = () => Promise.all([loadRoutingSnapshot(db, unit, now), computeRecipients(db, organ, unit, now)]);
	if (!(cacheMs > 0)) return read();
	let cache = routingCache.get(db);
	if (!cache) routingCache.set(db, (cache = new Map()));
	const key = `${unit}\u0000${organ}`;
	const t = Date.now();
	const hit = cache.get(key);
	if (hit && t - hit.at < cacheMs) return hit.value;
	if (cache.size > 10_000) {
		for (const [k, e] of cache) if (t - e.at >= cacheMs) cache.delete(k);
		if (cache.size > 10_000) cache.clear();
	}
	const value = read();
	const entry = { at: t, value };
	cache.set(key, entry);
	value.catch(() => cache.get(key) === entry && cache.delete(key));
	return value;
}

/**
 * When a commit finds its locator taken: the same report committed before (a retry after a lost answer:
 * same locator and the same receipt auth hash) is answered as a success again; anything else is null.
 */
async function sameReportStored(db: Db, receipt: ReportBody['receipt']): Promise<ApiResult | null> {
	const [row] = await db
		.select({ authHash: report.authHash, receivedOn: report.receivedOn })
		.from(report)
		.where(eq(report.locator, receipt.locator));
	if (!row || row.authHash.length !== receipt.authHash.length || !timingSafeEqual(row.authHash, receipt.authHash))
		return null;
	return { status: 201, body: { locator: receipt.locator, receivedOn: row.receivedOn } };
}

/**
 * Commits a report (docs/reporting.md §3): every check first, then one transaction. The files come from
 * an intake, or inline with a proof of work (`admit` is then asked, after the work is checked, whether the
 * caller's rate limit lets it through). Idempotent: committing the same report again answers 201 again.
 */
export async function commitReport(
	db: Db,
	body: ReportBody,
	settings: IntakeSettings,
	now = new Date(),
	admit?: () => ApiResult | null
): Promise<ApiResult> {
	if (!isContentCiphertext(body.content)) return fail(400, 'bad_content', 'content');
	for (const [i, w] of body.wraps.entries()) {
		if (!framed(w.sealed, Kind.sealedKey)) return fail(400, 'invalid_field', `wraps[${i}].sealed`);
	}
	if (!framed(body.receipt.wrappedKey, Kind.wrappedKey)) return fail(400, 'invalid_field', 'receipt.wrappedKey');
	try {
		if (!isProductionParams(decodeKdfSpec(body.receipt.kdfSpec))) return fail(400, 'weak_kdf', 'receipt.kdfSpec');
	} catch (e) {
		if (e instanceof CryptoError) return fail(400, 'invalid_field', 'receipt.kdfSpec');
		throw e;
	}
	let intakeId: Uint8Array | null = null;
	if (body.intake !== undefined) {
		if (body.files !== undefined) return fail(400, 'invalid_field', 'files');
		if (body.pow !== undefined) return fail(400, 'invalid_field', 'pow');
		intakeId = fromBase64Url(body.intake, INTAKE_ID_LENGTH);
		if (!intakeId || intakeId.length !== INTAKE_ID_LENGTH) return fail(400, 'invalid_field', 'intake');
	} else {
		if (body.files === undefined) return fail(400, 'invalid_field', 'intake');
		const sizes = checkFileSizes(
			body.files.map((f) => f.length),
			settings,
			(i) => `files[${i}]`,
			Math.min(INLINE_MAX_BYTES, settings.maxReportBytes)
		);
		if (sizes) return sizes;
		for (const [i, f] of body.files.entries())
			if (!framed(f, Kind.attachment)) return fail(400, 'invalid_field', `files[${i}]`);
	}

	const r = body.routing;
	// The recipients of the organ the client names are looked up alongside the routing (one wait instead of
	// two); they are used only when routing chooses that same organ.
	const [snapshot, claimedRecipients] = await routingAndRecipients(
		db,
		r.unit,
		body.organ,
		now,
		settings.routingCacheMs ?? 0
	);
	const routed = routeReport(snapshot, { unitId: r.unit, position: r.position, kind: r.kind, escalate: r.escalate });
	if (routed.status === 'unknown_unit') return fail(400, 'unknown_unit', 'routing.unit');
	if (routed.status === 'no_organ') return fail(409, 'no_receiving_organ', 'routing.unit');
	if (routed.organ.id !== body.organ) return fail(409, 'routing_changed', 'organ', { organ: routed.organ.id });

	const recipients = claimedRecipients;
	if (recipients.size === 0) return fail(409, 'no_recipients', 'organ');
	const wraps: { staffId: string; entryId: Uint8Array; sealed: Uint8Array }[] = [];
	const covered = new Set<string>();
	const byEntry = new Map<string, string>();
	for (const x of recipients.values()) for (const hex of x.entries.keys()) byEntry.set(hex, x.staffId);
	for (const w of body.wraps) {
		const staffId = byEntry.get(Buffer.from(w.entryId).toString('hex'));
		const who = staffId === undefined ? undefined : recipients.get(staffId);
		if (!who || covered.has(who.staffId)) return fail(409, 'recipients_changed', 'wraps');
		covered.add(who.staffId);
		wraps.push({ staffId: who.staffId, entryId: w.entryId, sealed: w.sealed });
	}
	if (covered.size !== recipients.size) return fail(409, 'recipients_changed', 'wraps');

	const receivedOn = dateIn(settings.timezone, now);
	const row = {
		locator: body.receipt.locator,
		unitId: r.unit,
		position: r.position,
		kind: r.kind,
		category: r.category,
		realName: r.realName,
		escalate: r.escalate,
		organId: routed.organ.id,
		receivedOn,
		content: body.content,
		contentBytes: body.content.length,
		kdfSpec: body.receipt.kdfSpec,
		authHash: body.receipt.authHash,
		receiptWrapped: body.receipt.wrappedKey
	};
	const created: ApiResult = { status: 201, body: { locator: body.receipt.locator, receivedOn } };

	if (intakeId === null) {
		const pow = await verifyPow(db, body.pow, 'intake', now);
		if (!pow.ok) return (await sameReportStored(db, body.receipt)) ?? fail(400, pow.code, 'pow');
		const refused = admit?.();
		if (refused) return refused;
		const stored = await insertInline(db, row, wraps, body.files ?? [], pow);
		if (stored.reportId !== null) return created;
		const again = await sameReportStored(db, body.receipt);
		if (again) return again;
		return stored.spent ? fail(409, 'locator_taken', 'receipt.locator') : fail(400, 'pow_replayed', 'pow');
	}

	// A taken locator is found by the insert below (on conflict do nothing → locator_taken), not by a query first.
	try {
		await db.transaction(async (tx) => {
			const [inserted] = await tx
				.insert(report)
				.values(row)
				.onConflictDoNothing({ target: report.locator })
				.returning({ id: report.id });
			if (!inserted) throw new Refusal(fail(409, 'locator_taken', 'receipt.locator'));
			await tx.insert(reportKeyWrap).values(wraps.map((w) => ({ reportId: inserted.id, ...w })));
			await consumeIntake(tx as unknown as Db, intakeId, null, { reportId: inserted.id, messageId: null }, now);
		});
	} catch (e) {
		if (e instanceof Refusal) {
			if ((e.result.body as { error?: { code?: string } }).error?.code === 'locator_taken')
				return (await sameReportStored(db, body.receipt)) ?? e.result;
			return e.result;
		}
		throw e;
	}
	return created;
}

/**
 * The inline commit as one statement (one round trip, one commit, atomic): spend the challenge; only if it
 * was unspent, insert the report (unless its locator is taken), its key wraps, its files and their single
 * parts. Same rows as the intake path, without the intake.
 */
async function insertInline(
	db: Db,
	row: typeof report.$inferInsert,
	wraps: { staffId: string; entryId: Uint8Array; sealed: Uint8Array }[],
	files: Uint8Array[],
	pow: { id: Uint8Array; expiresAt: Date }
): Promise<{ reportId: string | null; spent: boolean }> {
	const values = (rows: SQL[]) => sql.join(rows, sql`, `);
	const wrapRows = values(wraps.map((w) => sql`(${w.staffId}::uuid, ${w.entryId}::bytea, ${w.sealed}::bytea)`));
	const fileRows = values(files.map((f, i) => sql`(${i}::int, ${f.length}::int, ${f}::bytea)`));
	const result = rowsOf<{ id: string | null; spent: boolean }>(
		await db.execute(sql`
			with spent as (
				insert into pow_spent (id, expires_at) values (${pow.id}::bytea, ${pow.expiresAt.toISOString()}::timestamptz)
				on conflict do nothing returning id
			),
			r as (
				insert into report (locator, unit_id, position, kind, category, real_name, escalate, organ_id, received_on, content, content_bytes, kdf_spec, auth_hash, receipt_wrapped)
				select ${row.locator}, ${row.unitId}, ${row.position}, ${row.kind}, ${row.category}, ${row.realName}::boolean, ${row.escalate}::boolean, ${row.organId},
					${row.receivedOn}::date, ${row.content}::bytea, ${row.contentBytes}::int, ${row.kdfSpec}::bytea, ${row.authHash}::bytea, ${row.receiptWrapped}::bytea
				where exists (select 1 from spent)
				on conflict (locator) do nothing
				returning id
			),
			w as (
				insert into report_key_wrap (report_id, staff_id, entry_id, sealed)
				select r.id, x.staff_id, x.entry_id, x.sealed from r cross join (values ${wrapRows}) as x(staff_id, entry_id, sealed)
				returning 1
			)${
				files.length === 0
					? sql``
					: sql`,
			f as (select * from (values ${fileRows}) as f(file_no, bytes, data)),
			a as (
				insert into attachment (report_id, file_no, bytes, parts)
				select r.id, f.file_no, f.bytes, 1 from r cross join f
				returning id, file_no
			),
			p as (
				insert into attachment_part (attachment_id, idx, data)
				select a.id, 0, f.data from a join f on f.file_no = a.file_no
				returning 1
			)`
			}
			select (select id from r)::text as id, exists (select 1 from spent) as spent`)
	);
	return { reportId: result[0]?.id ?? null, spent: Boolean(result[0]?.spent) };
}

/** Adds a reporter's message (and the files of an intake opened with the same token) to a report. */
export async function addReporterMessage(
	db: Db,
	reportId: string,
	body: MessageBody,
	settings: IntakeSettings,
	now = new Date()
): Promise<ApiResult> {
	if (!isContentCiphertext(body.body)) return fail(400, 'bad_content', 'body');
	let intakeId: Uint8Array | null = null;
	if (body.intake !== null) {
		intakeId = fromBase64Url(body.intake, INTAKE_ID_LENGTH);
		if (!intakeId || intakeId.length !== INTAKE_ID_LENGTH) return fail(400, 'invalid_field', 'intake');
	}
	const sentOn = dateIn(settings.timezone, now);
	try {
		const id = await db.transaction(async (tx) => {
			const [row] = await tx
				.insert(reportMessage)
				.values({ reportId, author: 'reporter', sentOn, body: body.body })
				.returning({ id: reportMessage.id });
			if (intakeId) await consumeIntake(tx as unknown as Db, intakeId, reportId, { reportId, messageId: row!.id }, now);
			return row!.id;
		});
		return { status: 201, body: { id, sentOn } };
	} catch (e) {
		if (e instanceof Refusal) return e.result;
		throw e;
	}
}
