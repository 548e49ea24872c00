/**
 * Verifying the audit chain (./chain.ts): entries checked one at a time in seq order, against the genesis
 * hash or an anchor kept outside the database; the first broken entry is reported with its reason.
 */
import {
	HEX64,
	ZERO_HASH,
	FIRST_SEQ,
	type AuditEntry,
	type ChainFailureReason,
	type VerifyResult,
	type VerifyOptions,
	AuditFormatError,
	normalizeSeq,
	computeHash
} from './chain-format';

type Failure = Extract<VerifyResult, { ok: false }>;

/** Checks entries one at a time, in seq order; for streaming rows from a database cursor. */
export class ChainVerifier {
	private readonly genesis: string;
	private readonly firstSeq: bigint;
	private readonly anchorSeq: bigint | null;
	private readonly anchorHead: string | null;
	private index = 0;
	private lastHash: string;
	private lastSeq: bigint | null = null;
	private failure: Failure | null = null;

	constructor(options: VerifyOptions = {}) {
		this.genesis = options.genesis ?? ZERO_HASH;
		if (!HEX64.test(this.genesis)) throw new AuditFormatError('genesis: 64 lowercase hex digits');
		this.firstSeq = normalizeSeq(options.firstSeq ?? FIRST_SEQ);
		this.lastHash = this.genesis;
		const count = options.anchor ? normalizeSeq(options.anchor.count) : 0n;
		this.anchorSeq = options.anchor && count > 0n ? this.firstSeq + count - 1n : null;
		this.anchorHead = options.anchor ? options.anchor.head : null;
	}

	/** Checks the next entry; returns the failure (and keeps returning it), or null. */
	push(entry: AuditEntry): Failure | null {
		if (this.failure) return this.failure;
		const index = this.index;
		const expected = this.lastSeq === null ? this.firstSeq : this.lastSeq + 1n;
		const fail = (firstBad: bigint, reason: ChainFailureReason): Failure =>
			(this.failure = { ok: false, firstBad, index, reason });

		let seq: bigint;
		try {
			seq = normalizeSeq(entry.seq);
		} catch {
			return fail(expected, 'malformed');
		}
		if (seq < expected) return fail(seq, 'seq_order');
		if (seq > expected) return fail(seq, 'seq_gap');
		if (entry.prevHash !== this.lastHash)
			return fail(
				seq,
				typeof entry.prevHash === 'string' && HEX64.test(entry.prevHash) ? 'prev_mismatch' : 'malformed'
			);
		let hash: string;
		try {
			hash = computeHash(entry);
		} catch {
			return fail(seq, 'malformed');
		}
		if (hash !== entry.hash) return fail(seq, 'hash_mismatch');
		if (this.anchorSeq !== null && seq === this.anchorSeq && hash !== this.anchorHead)
			return fail(seq, 'anchor_mismatch');

		this.index++;
		this.lastSeq = seq;
		this.lastHash = hash;
		return null;
	}

	/** The verdict once every entry has been pushed. */
	finish(): VerifyResult {
		if (this.failure) return this.failure;
		if (this.anchorSeq !== null && (this.lastSeq === null || this.lastSeq < this.anchorSeq)) {
			const missing = this.lastSeq === null ? this.firstSeq : this.lastSeq + 1n;
			return { ok: false, firstBad: missing, index: this.index, reason: 'truncated' };
		}
		return { ok: true, count: this.index, head: this.lastHash, lastSeq: this.lastSeq };
	}
}

/** Verifies entries given in seq order (an array or any iterable). */
export function verifyChainSync(entries: Iterable<AuditEntry>, options: VerifyOptions = {}): VerifyResult {
	const v = new ChainVerifier(options);
	for (const e of entries) if (v.push(e)) break;
	return v.finish();
}

/** Verifies entries given in seq order, from an iterable or an async iterable (a database cursor). */
export async function verifyChain(
	entries: Iterable<AuditEntry> | AsyncIterable<AuditEntry>,
	options: VerifyOptions = {}
): Promise<VerifyResult> {
	const v = new ChainVerifier(options);
	for await (const e of entries) if (v.push(e)) break;
	return v.finish();
}
