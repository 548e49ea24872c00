/**
 * Staging encrypted uploads (docs/reporting.md §2): an intake announces the files of one submission; their
 * parts arrive one by one (idempotent PUTs) and wait, linked to no report, until a commit (./commit.ts)
 * takes them or the cleanup job drops the expired intake.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import { toBase64Url } from '$lib/shared/encoding';
import { INTAKE_ID_LENGTH, INTAKE_LIFETIME_SECONDS, PART_SIZE } from '$lib/shared/limits';
import type { IntakeBody, IntakeAnswer } from '$lib/shared/wire/reporter';
import type { Db } from '$lib/server/db';
import { attachment, intake } from '$lib/server/db/schema';
import { ok, refuse, type Refusal, type Result } from '$lib/server/http/result';
import { rowsOf } from '$lib/server/org/sql';
import { verifyPow, type PowRefusal } from '../pow';
import { databaseStorage, type AttachmentStorage } from '../storage';
import { checkFileSizes, intakeIdOf, partCount, partLength, type IntakeSettings, type SizeRefusal } from './schemas';

/** Asked once a submission's proof of work checked out: a rate-limit refusal, or null to let it through. */
export type Admission = () => Refusal<'rate_limited'> | null;

export type CreateIntakeRefusal = SizeRefusal['code'] | PowRefusal | 'pow_replayed' | 'rate_limited';

/**
 * Opens an intake. `reportId` is set for follow-up uploads (authorised by a receipt token); otherwise the
 * body must carry a solved intake challenge, spent in the same statement that creates the intake.
 */
export async function createIntake(
	db: Db,
	body: IntakeBody,
	settings: IntakeSettings,
	reportId: string | null,
	now = new Date(),
	admit?: Admission
): Promise<Result<IntakeAnswer, CreateIntakeRefusal>> {
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
		if (!checked.ok) return refuse(checked.code, { field: 'pow' });
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
	if (pow && made[0]?.made !== 1) return refuse('pow_replayed', { field: 'pow' });
	return ok({ intake: toBase64Url(id), partSize: PART_SIZE, expiresAt: expiresAt.getTime() / 1000 });
}

/** Where a part goes, and the length it must have. */
export interface PartTarget {
	intakeId: Uint8Array;
	attachmentId: string;
	idx: number;
	length: number;
}

const INDEX = /^\d{1,6}$/;

/** Where a part goes and how long it must be, or the refusal. */
export async function locatePart(
	db: Db,
	intakeText: string,
	fileText: string,
	partText: string,
	now = new Date()
): Promise<Result<PartTarget, 'unknown_intake' | 'bad_part'>> {
	const intakeId = intakeIdOf(intakeText);
	if (!intakeId) return refuse('unknown_intake');
	if (!INDEX.test(fileText) || !INDEX.test(partText)) return refuse('bad_part');
	const [row] = await db
		.select({ id: attachment.id, bytes: attachment.bytes, parts: attachment.parts })
		.from(intake)
		.leftJoin(attachment, and(eq(attachment.intakeId, intake.id), eq(attachment.fileNo, Number(fileText))))
		.where(and(eq(intake.id, intakeId), gt(intake.expiresAt, now)));
	if (!row) return refuse('unknown_intake');
	const idx = Number(partText);
	if (row.id === null || row.parts === null || row.bytes === null || idx >= row.parts) return refuse('bad_part');
	return ok({ intakeId, attachmentId: row.id, idx, length: partLength(row.bytes, idx) });
}

/** Raised inside a transaction to roll it back with a refusal. */
export class Rollback<C extends Refusal['code']> extends Error {
	constructor(readonly refusal: Refusal<C>) {
		super('refused');
	}
}

/**
 * Stores one part (replacing an earlier upload of it). The intake row is share-locked meanwhile, so a
 * part never lands in a file whose commit is under way.
 */
export async function putPart(
	db: Db,
	target: PartTarget,
	data: Uint8Array,
	now = new Date(),
	storageOf: (db: Db) => AttachmentStorage = databaseStorage
): Promise<Result<null, 'bad_part' | 'unknown_intake'>> {
	if (data.length !== target.length) return refuse('bad_part', { field: 'body', extra: { expected: target.length } });
	const storage = storageOf(db);
	if (storage.putPartIfOpen) {
		const stored = await storage.putPartIfOpen(target.intakeId, now, target.attachmentId, target.idx, data);
		return stored ? ok(null) : refuse('unknown_intake');
	}
	try {
		await db.transaction(async (tx) => {
			const [open] = await tx
				.select({ id: intake.id })
				.from(intake)
				.where(and(eq(intake.id, target.intakeId), gt(intake.expiresAt, now)))
				.for('share');
			if (!open) throw new Rollback(refuse('unknown_intake'));
			await storageOf(tx as unknown as Db).putPart(target.attachmentId, target.idx, data);
		});
	} catch (e) {
		if (e instanceof Rollback) return e.refusal as Refusal<'unknown_intake'>;
		throw e;
	}
	return ok(null);
}
