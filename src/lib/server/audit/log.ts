/**
 * The audit log in the database (architecture invariant 5): the writer and the reader on top of the pure
 * hash chain (./chain.ts). Entries are appended inside the transaction of the action they record, under a
 * transaction-level advisory lock, so concurrent appends serialize and a rolled-back action leaves no
 * entry (and no gap: seq is head + 1, not a sequence). Relative imports only: scripts/audit-verify.ts
 * runs this under tsx.
 */
import { asc, desc, gt, sql } from 'drizzle-orm';
import type { Db } from '../db/index';
import { auditAnchor, auditLog } from '../db/schema';
import {
	ChainVerifier,
	nextEntry,
	type AuditEntry,
	type AuditFields,
	type ChainAnchor,
	type Json,
	type VerifyResult
} from './chain';

/** Arbitrary fixed key of the advisory lock that serializes appends. */
export const AUDIT_LOCK = 7_311_020_416;

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

/** Anything that can run queries: the database or a transaction. */
export type Queryable = Pick<Db, 'execute' | 'select' | 'insert' | 'update' | 'delete'>;

/**
 * Appends one entry. Must run inside a transaction (the lock is released at its end); use `appendAuditTx`
 * when there is none.
 */
export async function appendAudit(tx: Queryable, fields: Omit<AuditFields, 'at'> & { at?: Date }): Promise<AuditEntry> {
	await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`);
	const [head] = await tx
		.select({ seq: auditLog.seq, hash: auditLog.hash })
		.from(auditLog)
		.orderBy(desc(auditLog.seq))
		.limit(1);
	const entry = nextEntry(head ? { seq: head.seq, hash: hex(head.hash) } : null, {
		...fields,
		at: fields.at ?? new Date()
	});
	await tx.insert(auditLog).values({
		seq: BigInt(entry.seq),
		at: new Date(entry.at as string),
		actor: entry.actor,
		action: entry.action,
		reportId: entry.reportId,
		organId: entry.organId,
		details: entry.details,
		prevHash: bytes(entry.prevHash),
		hash: bytes(entry.hash)
	});
	await tx
		.insert(auditAnchor)
		.values({ id: 1, count: BigInt(entry.seq), head: bytes(entry.hash) })
		.onConflictDoUpdate({ target: auditAnchor.id, set: { count: BigInt(entry.seq), head: bytes(entry.hash) } });
	return entry;
}

/** Appends in a transaction of its own. */
export async function appendAuditTx(db: Db, fields: Omit<AuditFields, 'at'> & { at?: Date }): Promise<AuditEntry> {
	return db.transaction((tx) => appendAudit(tx as unknown as Queryable, fields));
}

/**
 * An admin action (directory, keys, users, calendar): `admin.<action>`. Never throws into the caller's
 * action because of the details' shape: a details object the chain refuses is replaced by its keys.
 */
export async function auditAdmin(
	db: Db,
	actor: string | { id: string } | null | undefined,
	action: string,
	details: Record<string, Json> = {}
): Promise<void> {
	const actorId = typeof actor === 'string' ? actor : (actor?.id ?? 'system');
	const code = action.startsWith('admin.') ? action : `admin.${action}`;
	try {
		await appendAuditTx(db, { actor: actorId, action: code, reportId: null, organId: null, details });
	} catch (e) {
		if (e instanceof TypeError)
			await appendAuditTx(db, {
				actor: actorId,
				action: code,
				reportId: null,
				organId: null,
				details: { refusedDetails: Object.keys(details).slice(0, 20) }
			});
		else throw e;
	}
}

/** Stored rows as chain entries. */
export function entryOfRow(r: typeof auditLog.$inferSelect): AuditEntry {
	return {
		seq: r.seq,
		at: r.at,
		actor: r.actor,
		action: r.action,
		reportId: r.reportId,
		organId: r.organId,
		details: r.details as Json,
		prevHash: hex(r.prevHash),
		hash: hex(r.hash)
	};
}

/** Reads the whole log in seq order, `batch` rows at a time (keyset, so memory stays flat). */
export async function* readAuditLog(db: Db, batch = 1000): AsyncGenerator<AuditEntry> {
	let after: bigint | null = null;
	for (;;) {
		const q = db.select().from(auditLog);
		const rows = await (after === null ? q : q.where(gt(auditLog.seq, after))).orderBy(asc(auditLog.seq)).limit(batch);
		for (const r of rows) yield entryOfRow(r);
		if (rows.length < batch) return;
		after = rows[rows.length - 1]!.seq;
	}
}

/** The anchor row kept by the writer (count, head), or null for an empty log. */
export async function storedAnchor(db: Db): Promise<ChainAnchor | null> {
	const [a] = await db.select().from(auditAnchor).limit(1);
	return a ? { count: a.count, head: hex(a.head) } : null;
}

/**
 * Re-computes the chain in seq order and checks it against the stored anchor row and, if given, an anchor
 * kept elsewhere. A missing anchor row with entries present, or a log shorter than the anchor, fails.
 */
export async function verifyAuditLog(
	db: Db,
	opts: { anchor?: ChainAnchor } = {}
): Promise<VerifyResult & { anchorRow: ChainAnchor | null }> {
	const anchorRow = await storedAnchor(db);
	const anchors = [anchorRow, opts.anchor ?? null].filter((a): a is ChainAnchor => a !== null);
	const verifiers = (anchors.length ? anchors : [undefined]).map(
		(anchor) => new ChainVerifier(anchor ? { anchor } : {})
	);
	for await (const e of readAuditLog(db)) {
		let failed = false;
		for (const v of verifiers) if (v.push(e)) failed = true;
		if (failed) break;
	}
	const results = verifiers.map((v) => v.finish());
	const bad = results.find((r) => !r.ok);
	if (bad) return { ...bad, anchorRow };
	const ok = results[0]!;
	// Entries present but no anchor row: the anchor was deleted (or the log was written around the writer).
	if (ok.ok && ok.count > 0 && !anchorRow)
		return { ok: false, firstBad: 1n, index: 0, reason: 'anchor_mismatch', anchorRow };
	// The anchor must be the head: entries after it were not written by the writer.
	if (ok.ok && anchorRow && BigInt(ok.count) !== BigInt(anchorRow.count)) {
		return {
			ok: false,
			firstBad: BigInt(anchorRow.count) + 1n,
			index: Number(anchorRow.count),
			reason: 'anchor_mismatch',
			anchorRow
		};
	}
	return { ...ok, anchorRow };
}
