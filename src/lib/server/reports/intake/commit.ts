/**
 * Committing a submission (docs/reporting.md §3): every check first, then one transaction that writes the
 * report, its key wraps and its files, so either the whole report is stored or nothing is (architecture
 * invariant 6). The files come from an intake (staged by ./staging.ts; the intake is deleted in the same
 * transaction, so no upload time stays linked to a report: invariant 3) or inline in the body; both paths
 * write the files through the attachment storage interface (../storage.ts). A reporter's follow-up
 * message commits the files of its intake the same way.
 */
import { timingSafeEqual } from 'node:crypto';
import { and, count, eq, gt, isNull, sql } from 'drizzle-orm';
import { PART_SIZE, REPORTER_MESSAGES_PER_DAY, REPORTER_MESSAGES_TOTAL } from '$lib/shared/limits';
import type { CommitAnswer, MessageAnswer, MessageBody, ReportBody } from '$lib/shared/wire/reporter';
import type { Db } from '$lib/server/db';
import { attachment, intake, report, reportKeyWrap, reportMessage } from '$lib/server/db/schema';
import { ok, refuse, type Refusal, type Result } from '$lib/server/http/result';
import { routeReport } from '$lib/server/org/routing';
import { dayIn } from './day';
import { spendPow, verifyPow, type PowRefusal } from '../pow';
import { databaseStorage, type AttachmentStorage } from '../storage';
import { routingAndRecipients } from './routing-cache';
import {
	checkReportBody,
	intakeIdOf,
	isContentCiphertext,
	partCount,
	partLength,
	type BodyRefusal,
	type FilesSource,
	type IntakeSettings
} from './schemas';
import { Rollback, type Admission } from './staging';
import { storeInlineReport } from './commit-sql';
import { recordProtectionRequest } from '$lib/server/backoffice/protection';

/** Why the files of an intake cannot be committed. */
export type ConsumeRefusal = 'unknown_intake' | 'incomplete_upload';

export type CommitRefusal =
	| BodyRefusal['code']
	| ConsumeRefusal
	| PowRefusal
	| 'pow_replayed'
	| 'rate_limited'
	| 'locator_taken'
	| 'unknown_unit'
	| 'no_receiving_organ'
	| 'routing_changed'
	| 'no_recipients'
	| 'recipients_changed';

export interface CommitOptions {
	now?: Date;
	/** Asked, once the proof of work of an inline commit checked out, whether the caller's rate limit lets it in. */
	admit?: Admission;
	/** Where attachment parts go (default: the database, ../storage.ts). */
	storage?: (db: Db) => AttachmentStorage;
}

type Wrap = { staffId: string; entryId: Uint8Array; sealed: Uint8Array };

type StagedFile = { id: string; fileNo: number; bytes: number; parts: number };

/**
 * Inside a transaction: locks the intake (open, unexpired, of `reportId` or of none) and checks that every
 * part of every file arrived with its exact length. Throws {@link Rollback}. Asks nothing about the report,
 * so its answer is the same whatever the submission's locator (no existence oracle, docs/security.md).
 */
async function checkIntake(
	tx: Db,
	intakeId: Uint8Array,
	reportId: string | null,
	now: Date,
	storage: AttachmentStorage
): Promise<StagedFile[]> {
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
	if (rows.length === 0) throw new Rollback(refuse('unknown_intake', { field: 'intake' }));
	const files = rows.filter((f): f is StagedFile => f.id !== null);
	const present = await storage.partLengths(files.map((f) => f.id));
	const missing: { file: number; part: number }[] = [];
	for (const f of files.sort((a, b) => a.fileNo - b.fileNo)) {
		const have = present.get(f.id);
		for (let i = 0; i < f.parts; i++)
			if (have?.get(i) !== partLength(f.bytes, i)) missing.push({ file: f.fileNo, part: i });
	}
	if (missing.length > 0)
		throw new Rollback(refuse('incomplete_upload', { field: 'intake', extra: { missing: missing.slice(0, 100) } }));
	return files;
}

/** Inside a transaction, after {@link checkIntake}: links the files to the report (and message), deletes the intake. */
async function linkIntake(
	tx: Db,
	intakeId: Uint8Array,
	files: StagedFile[],
	link: { reportId: string; messageId: string | null }
): Promise<void> {
	if (files.length > 0)
		await tx
			.update(attachment)
			.set({ reportId: link.reportId, messageId: link.messageId, intakeId: null })
			.where(eq(attachment.intakeId, intakeId));
	await tx.delete(intake).where(eq(intake.id, intakeId));
}

/** Inside a transaction: the inline files of a report, as attachment rows and their parts in `storage`. */
async function storeInline(tx: Db, reportId: string, files: Uint8Array[], storage: AttachmentStorage): Promise<void> {
	if (files.length === 0) return;
	const rows = await tx
		.insert(attachment)
		.values(files.map((f, fileNo) => ({ reportId, fileNo, bytes: f.length, parts: partCount(f.length) })))
		.returning({ id: attachment.id, fileNo: attachment.fileNo });
	for (const r of rows) {
		const f = files[r.fileNo]!;
		for (let i = 0; i * PART_SIZE < f.length; i++)
			await storage.putPart(r.id, i, f.subarray(i * PART_SIZE, (i + 1) * PART_SIZE));
	}
}

/**
 * The one transaction of a commit: spend the challenge (inline commits), insert the report unless its
 * locator is taken, its key wraps, and its files (from the intake, or inline). A taken locator commits what
 * came before it (an inline commit's challenge stays spent) and writes nothing else.
 */
async function storeReport(
	db: Db,
	row: typeof report.$inferInsert,
	wraps: Wrap[],
	files: FilesSource,
	pow: { id: Uint8Array; expiresAt: Date } | null,
	now: Date,
	storageOf: (db: Db) => AttachmentStorage
): Promise<Result<string, ConsumeRefusal | 'pow_replayed' | 'locator_taken'>> {
	// The common case (files inline, parts in the database): the same writes as one statement (./commit-sql.ts).
	if (pow && 'inline' in files && storageOf === databaseStorage) {
		const out = await storeInlineReport(db, row, wraps, files.inline, pow);
		if ('stored' in out) return ok(out.stored);
		return out.refused === 'pow_replayed'
			? refuse('pow_replayed', { field: 'pow' })
			: refuse('locator_taken', { field: 'receipt.locator' });
	}
	try {
		return await db.transaction(async (t) => {
			const tx = t as unknown as Db;
			if (pow && !(await spendPow(tx, pow))) throw new Rollback(refuse('pow_replayed', { field: 'pow' }));
			const storage = storageOf(tx);
			// The intake is checked before the locator: an incomplete upload gets the same answer whether or not
			// the locator is taken, so an intake cannot be used to probe for reports.
			const staged = 'intakeId' in files ? await checkIntake(tx, files.intakeId, null, now, storage) : null;
			// A taken locator is found by the insert (on conflict do nothing), not by a query first.
			const [inserted] = await tx
				.insert(report)
				.values(row)
				.onConflictDoNothing({ target: report.locator })
				.returning({ id: report.id });
			if (!inserted) {
				// The intake is spent by the refusal (expired now; the clean-up job drops it and its files), so each
				// locator probed costs a new intake and its proof of work, like a report.
				if ('intakeId' in files) await tx.update(intake).set({ expiresAt: now }).where(eq(intake.id, files.intakeId));
				return refuse('locator_taken', { field: 'receipt.locator' });
			}
			await tx.insert(reportKeyWrap).values(wraps.map((w) => ({ reportId: inserted.id, ...w })));
			if ('intakeId' in files && staged)
				await linkIntake(tx, files.intakeId, staged, { reportId: inserted.id, messageId: null });
			else if ('inline' in files) await storeInline(tx, inserted.id, files.inline, storage);
			return ok(inserted.id);
		});
	} catch (e) {
		if (e instanceof Rollback) return e.refusal as Refusal<ConsumeRefusal | 'pow_replayed'>;
		throw e;
	}
}

/**
 * When a commit finds its locator taken: the same report committed before (a retry after a lost answer:
 * same locator and the same receipt auth hash) is a success again; anything else is null.
 */
async function sameReportStored(db: Db, receipt: ReportBody['receipt']): Promise<CommitAnswer | null> {
	const [row] = await db
		.select({ authHash: report.authHash, receivedOn: report.receivedOn })
		.from(report)
		.where(eq(report.locator, receipt.locator));
	if (!row || row.authHash.length !== receipt.authHash.length || !timingSafeEqual(row.authHash, receipt.authHash))
		return null;
	return { locator: receipt.locator, receivedOn: row.receivedOn };
}

/**
 * Commits a report: every check first, then one transaction. The files come from an intake, or inline
 * with a proof of work (`admit` is then asked, after the work is checked, whether the caller's rate limit
 * lets it through). Idempotent: committing the same report again succeeds again.
 */
export async function commitReport(
	db: Db,
	body: ReportBody,
	settings: IntakeSettings,
	options: CommitOptions = {}
): Promise<Result<CommitAnswer, CommitRefusal>> {
	const now = options.now ?? new Date();
	const files = checkReportBody(body, settings);
	if (!files.ok) return files;

	// An inline commit's proof of work is checked before anything reads the database (only an expired one, which
	// a retry after a lost answer may carry, asks whether the same report was stored).
	let pow: { id: Uint8Array; expiresAt: Date } | null = null;
	if ('inline' in files.value) {
		const checked = await verifyPow(db, body.pow, 'intake', now);
		if (!checked.ok) {
			const again = checked.code === 'pow_expired' ? await sameReportStored(db, body.receipt) : null;
			return again ? ok(again) : refuse(checked.code, { field: 'pow' });
		}
		const refused = options.admit?.();
		if (refused) return refused;
		pow = checked;
	}

	const r = body.routing;
	// The recipients of the organ the client names are looked up alongside the routing (one wait instead of
	// two); they are used only when routing chooses that same organ.
	const [snapshot, recipients] = await routingAndRecipients(db, r.unit, body.organ, now, settings.routingCacheMs ?? 0);
	const routed = routeReport(snapshot, {
		unitId: r.unit,
		position: r.position,
		escalate: r.escalate,
		...(r.byRegion ? { byRegion: true } : {})
	});
	if (routed.status === 'unknown_unit') return refuse('unknown_unit', { field: 'routing.unit' });
	if (routed.status === 'no_organ') return refuse('no_receiving_organ', { field: 'routing.unit' });
	if (routed.organ.id !== body.organ)
		return refuse('routing_changed', { field: 'organ', extra: { organ: routed.organ.id } });

	if (recipients.size === 0) return refuse('no_recipients', { field: 'organ' });
	const wraps: Wrap[] = [];
	const covered = new Set<string>();
	const byEntry = new Map<string, string>();
	for (const x of recipients.values()) for (const hex of x.entries.keys()) byEntry.set(hex, x.staffId);
	for (const w of body.wraps) {
		const staffId = byEntry.get(Buffer.from(w.entryId).toString('hex'));
		const who = staffId === undefined ? undefined : recipients.get(staffId);
		if (!who || covered.has(who.staffId)) return refuse('recipients_changed', { field: 'wraps' });
		covered.add(who.staffId);
		wraps.push({ staffId: who.staffId, entryId: w.entryId, sealed: w.sealed });
	}
	if (covered.size !== recipients.size) return refuse('recipients_changed', { field: 'wraps' });

	const receivedOn = dayIn(settings.timezone, now);
	const row = {
		locator: body.receipt.locator,
		unitId: r.unit,
		position: r.position,
		category: r.category,
		realName: r.realName,
		escalate: r.escalate,
		organId: routed.organ.id,
		receivedOn,
		content: body.content,
		contentBytes: body.content.length,
		summary: body.summary ?? null,
		kdfSpec: body.receipt.kdfSpec,
		authHash: body.receipt.authHash,
		receiptWrapped: body.receipt.wrappedKey,
		// A report by region (the reporter could not find the unit): `unitId` is the region, the unit and
		// post are in the encrypted content; the back office shows it as such (no Art. 22 flag).
		...(r.byRegion ? { caseData: { byRegion: true } } : {})
	};

	const stored = await storeReport(db, row, wraps, files.value, pow, now, options.storage ?? databaseStorage);
	if (stored.ok) return ok({ locator: body.receipt.locator, receivedOn });
	// A retry after a lost answer finds its intake consumed (or its challenge spent): the same report stored
	// before is a success again. Only the holder of the receipt's auth hash gets that answer.
	if (stored.code === 'locator_taken' || stored.code === 'pow_replayed' || stored.code === 'unknown_intake') {
		const again = await sameReportStored(db, body.receipt);
		if (again) return ok(again);
	}
	return stored;
}

export type MessageRefusal = 'bad_content' | 'invalid_field' | 'too_many_messages' | ConsumeRefusal;

/**
 * Inside a transaction: refuses a reporter's message over the caps (REPORTER_MESSAGES_PER_DAY on one day,
 * REPORTER_MESSAGES_TOTAL in all). The report row is locked first, so concurrent messages count one by one.
 */
async function checkMessageCap(tx: Db, reportId: string, sentOn: string): Promise<void> {
	await tx.select({ id: report.id }).from(report).where(eq(report.id, reportId)).for('update');
	const [row] = await tx
		.select({
			total: count(),
			today: sql<number>`count(*) filter (where ${reportMessage.sentOn} = ${sentOn})`.mapWith(Number)
		})
		.from(reportMessage)
		.where(and(eq(reportMessage.reportId, reportId), eq(reportMessage.author, 'reporter')));
	const retryAfter = 3600;
	if ((row?.total ?? 0) >= REPORTER_MESSAGES_TOTAL)
		throw new Rollback(refuse('too_many_messages', { field: 'body', extra: { limit: REPORTER_MESSAGES_TOTAL } }));
	if ((row?.today ?? 0) >= REPORTER_MESSAGES_PER_DAY)
		throw new Rollback(
			refuse('too_many_messages', { field: 'body', retryAfter, extra: { limit: REPORTER_MESSAGES_PER_DAY } })
		);
}

/** Adds a reporter's message (and the files of an intake opened with the same token) to a report. */
export async function addReporterMessage(
	db: Db,
	reportId: string,
	body: MessageBody,
	settings: IntakeSettings,
	now = new Date(),
	storageOf: (db: Db) => AttachmentStorage = databaseStorage
): Promise<Result<MessageAnswer, MessageRefusal>> {
	if (!isContentCiphertext(body.body)) return refuse('bad_content', { field: 'body' });
	let intakeId: Uint8Array | null = null;
	if (body.intake !== null) {
		intakeId = intakeIdOf(body.intake);
		if (!intakeId) return refuse('invalid_field', { field: 'intake' });
	}
	const sentOn = dayIn(settings.timezone, now);
	try {
		const row = await db.transaction(async (t) => {
			const tx = t as unknown as Db;
			await checkMessageCap(tx, reportId, sentOn);
			const [row] = await tx
				.insert(reportMessage)
				.values({ reportId, author: 'reporter', sentOn, body: body.body })
				.returning({ id: reportMessage.id, seq: reportMessage.seq });
			if (body.purpose === 'protection') await recordProtectionRequest(tx, reportId, row!.id, sentOn);
			if (intakeId) {
				const files = await checkIntake(tx, intakeId, reportId, now, storageOf(tx));
				await linkIntake(tx, intakeId, files, { reportId, messageId: row!.id });
			}
			return row!;
		});
		return ok({ id: row.id, seq: row.seq, sentOn });
	} catch (e) {
		if (e instanceof Rollback) return e.refusal as Refusal<ConsumeRefusal | 'too_many_messages'>;
		throw e;
	}
}
