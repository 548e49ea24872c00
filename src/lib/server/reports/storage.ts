/**
 * Where the bytes of encrypted attachments live. The default keeps them in the database (attachment_part,
 * one row per uploaded part), so one backup holds everything and app servers stay stateless. The interface
 * is small so an S3-compatible object store can take the parts when a deployment outgrows that: parts are
 * addressed by (attachment id, part index), written idempotently and read back in order.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { attachmentPart } from '$lib/server/db/schema';
import { rowsOf } from '$lib/server/org/sql';

export interface AttachmentStorage {
	/** Stores (or replaces) part `idx` of an attachment. */
	putPart(attachmentId: string, idx: number, data: Uint8Array): Promise<void>;
	/** Lengths of the parts present, per attachment. */
	partLengths(attachmentIds: readonly string[]): Promise<Map<string, Map<number, number>>>;
	/** The parts `0 … parts − 1` of an attachment, in order. */
	readFile(attachmentId: string, parts: number): AsyncIterable<Uint8Array>;
	/** Deletes every part of these attachments; returns how many parts went. */
	deleteFiles(attachmentIds: readonly string[]): Promise<number>;
	/**
	 * Stores part `idx` only while the intake is open (unexpired at `now`), holding a share lock on the
	 * intake row meanwhile, so a part never lands in a file whose commit is under way. Optional: a store
	 * without it gets the same guarantee from a transaction around {@link putPart} (intake.ts).
	 * Returns false when the intake is not open.
	 */
	putPartIfOpen?(
		intakeId: Uint8Array,
		now: Date,
		attachmentId: string,
		idx: number,
		data: Uint8Array
	): Promise<boolean>;
}

/** Parts as rows of attachment_part in the app's database. */
export function databaseStorage(db: Db): AttachmentStorage {
	return {
		async putPart(attachmentId, idx, data) {
			await db
				.insert(attachmentPart)
				.values({ attachmentId, idx, data })
				.onConflictDoUpdate({
					target: [attachmentPart.attachmentId, attachmentPart.idx],
					set: { data: sql`excluded.data` }
				});
		},
		async partLengths(attachmentIds) {
			const out = new Map<string, Map<number, number>>();
			if (attachmentIds.length === 0) return out;
			const rows = await db
				.select({
					attachmentId: attachmentPart.attachmentId,
					idx: attachmentPart.idx,
					length: sql<number>`octet_length(${attachmentPart.data})::int`
				})
				.from(attachmentPart)
				.where(inArray(attachmentPart.attachmentId, [...attachmentIds]));
			for (const r of rows) {
				let m = out.get(r.attachmentId);
				if (!m) out.set(r.attachmentId, (m = new Map()));
				m.set(r.idx, Number(r.length));
			}
			return out;
		},
		async *readFile(attachmentId, parts) {
			// One part at a time, so a 25 MiB file never sits in memory whole.
			for (let idx = 0; idx < parts; idx++) {
				const [row] = await db
					.select({ data: attachmentPart.data })
					.from(attachmentPart)
					.where(and(eq(attachmentPart.attachmentId, attachmentId), eq(attachmentPart.idx, idx)))
					.orderBy(asc(attachmentPart.idx));
				if (!row) throw new Error('attachment part missing');
				yield row.data;
			}
		},
		async putPartIfOpen(intakeId, now, attachmentId, idx, data) {
			// One statement (one round trip, one commit): the share lock, the check and the upsert.
			const rows = await db.execute(sql`
				with open as (select id from intake where id = ${intakeId} and expires_at > ${now.toISOString()}::timestamptz for share)
				insert into attachment_part (attachment_id, idx, data)
				select ${attachmentId}::uuid, ${idx}::int, ${data}::bytea from open
				on conflict (attachment_id, idx) do update set data = excluded.data
				returning idx`);
			return rowsOf(rows).length === 1;
		},
		async deleteFiles(attachmentIds) {
			if (attachmentIds.length === 0) return 0;
			const rows = await db
				.delete(attachmentPart)
				.where(inArray(attachmentPart.attachmentId, [...attachmentIds]))
				.returning({ idx: attachmentPart.idx });
			return rows.length;
		}
	};
}
