/**
 * Removes what abandoned submissions leave behind (architecture invariant 6): expired intakes with their
 * staged files and parts, and spent proof-of-work ids whose challenges have expired. Committed files are
 * never touched (a commit unlinks its files from the intake and deletes the intake in one transaction).
 * Scheduled by the job runner; safe to run at any time and on several servers at once.
 */
import { and, inArray, isNull, lte } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { attachment, intake } from '$lib/server/db/schema';
import { purgeSpent } from './pow';
import { databaseStorage, type AttachmentStorage } from './storage';

export interface CleanupCounts {
	intakes: number;
	attachments: number;
	parts: number;
	powSpent: number;
}

export async function cleanupExpired(
	db: Db,
	now: Date,
	storage: AttachmentStorage = databaseStorage(db)
): Promise<CleanupCounts> {
	const expired = (await db.select({ id: intake.id }).from(intake).where(lte(intake.expiresAt, now))).map((r) => r.id);
	let attachments = 0;
	let parts = 0;
	let intakes = 0;
	// In slices, so a large backlog never becomes one huge statement.
	for (let i = 0; i < expired.length; i += 500) {
		const ids = expired.slice(i, i + 500);
		const files = (
			await db
				.select({ id: attachment.id })
				.from(attachment)
				.where(and(inArray(attachment.intakeId, ids), isNull(attachment.reportId)))
		).map((r) => r.id);
		parts += await storage.deleteFiles(files);
		if (files.length > 0)
			attachments += (await db.delete(attachment).where(inArray(attachment.id, files)).returning({ id: attachment.id }))
				.length;
		intakes += (
			await db
				.delete(intake)
				.where(and(inArray(intake.id, ids), lte(intake.expiresAt, now)))
				.returning({ id: intake.id })
		).length;
	}
	return { intakes, attachments, parts, powSpent: await purgeSpent(db, now) };
}
