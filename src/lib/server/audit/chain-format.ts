/**
 * The audit chain's entry format (./chain.ts tells what the chain proves): the canonical encoding of an
 * entry and its hash, the genesis hash, and the types of entries and of verification results. Pure.
 */
import { createHash } from 'node:crypto';

export const FORMAT = 'qingfeng.audit.v1';

/** prev_hash of the first entry when no per-installation genesis is configured: 32 zero bytes. */
export const ZERO_HASH = '0'.repeat(64);

/** seq of the first entry. */
export const FIRST_SEQ = 1n;

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** What the caller supplies for a new entry. */
export interface AuditFields {
	/** When the staff action happened (an instant; stored with millisecond precision). */
	readonly at: string | Date;
	/** Staff id, or 'system' for background jobs. */
	readonly actor: string;
	/** Action code, e.g. 'report.open', 'workflow.approve', 'admin.calendar.edit'. */
	readonly action: string;
	readonly reportId: string | null;
	readonly organId: string | null;
	/** Ids and codes only: never plaintext of a report, never anything about the reporter. */
	readonly details: Json;
}

export interface AuditEntry extends AuditFields {
	/** bigint, a safe integer, or its decimal string (int8 columns often come back as strings). */
	readonly seq: bigint | number | string;
	readonly prevHash: string;
	readonly hash: string;
}

export type ChainFailureReason =
	| 'hash_mismatch'
	| 'prev_mismatch'
	| 'seq_gap'
	| 'seq_order'
	/** a field cannot be encoded (not a seq, not an instant, lone surrogate, prev_hash not 64 hex digits …) */
	| 'malformed'
	/** the entry at the anchored position is not the anchored head (the chain was rewritten up to there) */
	| 'anchor_mismatch'
	/** fewer entries than the anchor counted (rows cut off at the end) */
	| 'truncated';

export type VerifyResult =
	| { readonly ok: true; readonly count: number; readonly head: string; readonly lastSeq: bigint | null }
	| {
			readonly ok: false;
			/** seq of the first entry (in reading order) that fails, as stored; for 'truncated', the first missing seq. */
			readonly firstBad: bigint;
			/** its position in the input, counted from 0 (for 'truncated': the number of entries read). */
			readonly index: number;
			readonly reason: ChainFailureReason;
	  };

/** A head noted outside the database: the number of entries and the hash of the last one at that time. */
export interface ChainAnchor {
	readonly count: number | bigint;
	readonly head: string;
}

export interface VerifyOptions {
	/** prev_hash of the first entry (default ZERO_HASH; see `genesisHash`). */
	readonly genesis?: string;
	/** seq of the first entry (default 1). To verify from a trusted checkpoint: its seq + 1, genesis = its hash. */
	readonly firstSeq?: bigint | number;
	readonly anchor?: ChainAnchor;
}

export class AuditFormatError extends TypeError {
	constructor(message: string) {
		super(message);
		this.name = 'AuditFormatError';
	}
}

export const HEX64 = /^[0-9a-f]{64}$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;
export const encoder = new TextEncoder();

/** A per-installation genesis: SHA-256 of a fixed label and the installation id (hex). */
export function genesisHash(installationId: string): string {
	return sha256Hex(concat([field(`${FORMAT}/genesis`), field(installationId)]));
}

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units, as Array.prototype.sort does), no whitespace,
 * numbers and strings as JSON.stringify writes them. Anything that is not plain JSON throws AuditFormatError.
 */
export function canonicalJson(value: unknown): string {
	if (value === null) return 'null';
	switch (typeof value) {
		case 'boolean':
			return value ? 'true' : 'false';
		case 'number':
			if (!Number.isFinite(value)) throw new AuditFormatError('details: numbers must be finite');
			return JSON.stringify(value); // -0 is written as 0
		case 'string':
			return JSON.stringify(value);
		case 'object': {
			if (Array.isArray(value)) {
				const parts: string[] = [];
				for (let i = 0; i < value.length; i++) {
					if (!(i in value)) throw new AuditFormatError('details: sparse arrays are not JSON');
					parts.push(canonicalJson(value[i]));
				}
				return `[${parts.join(',')}]`;
			}
			const proto = Object.getPrototypeOf(value);
			if (proto !== Object.prototype && proto !== null) throw new AuditFormatError('details: only plain objects');
			const obj = value as Record<string, unknown>;
			const keys = Object.keys(obj).sort();
			return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
		}
		default:
			throw new AuditFormatError(`details: a ${typeof value} is not JSON`);
	}
}

/** The seq as a bigint; throws AuditFormatError for anything but a non-negative integer. */
export function normalizeSeq(seq: unknown): bigint {
	if (typeof seq === 'bigint' && seq >= 0n) return seq;
	if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0) return BigInt(seq);
	if (typeof seq === 'string' && /^(0|[1-9]\d*)$/.test(seq)) return BigInt(seq);
	throw new AuditFormatError(`seq: not a non-negative integer: ${String(seq)}`);
}

/**
 * The instant as `Date#toISOString()` writes it (UTC, milliseconds). Accepts a Date or an ISO 8601 string
 * with Z or an offset; digits below the millisecond must be zero (store `at` as timestamptz(3)).
 */
export function normalizeAt(at: unknown): string {
	let ms: number;
	if (at instanceof Date) ms = at.getTime();
	else if (typeof at === 'string') {
		const m = ISO_INSTANT.exec(at);
		if (!m) throw new AuditFormatError(`at: not an ISO 8601 instant: ${at}`);
		const frac = m[7] ?? '';
		if (/[1-9]/.test(frac.slice(3))) throw new AuditFormatError('at: finer than a millisecond');
		// The written fields must be a real date and time (no 31 February, no 24:00), whatever the offset.
		const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
		const wall = new Date(Date.UTC(y as number, (mo as number) - 1, d, h, mi, s));
		if (
			wall.getUTCFullYear() !== y ||
			wall.getUTCMonth() !== (mo as number) - 1 ||
			wall.getUTCDate() !== d ||
			wall.getUTCHours() !== h ||
			wall.getUTCMinutes() !== mi ||
			wall.getUTCSeconds() !== s
		) {
			throw new AuditFormatError(`at: not a real instant: ${at}`);
		}
		ms = Date.parse(at);
	} else throw new AuditFormatError('at: a Date or an ISO string');
	if (!Number.isFinite(ms)) throw new AuditFormatError('at: invalid instant');
	return new Date(ms).toISOString();
}

function text(name: string, value: unknown, allowEmpty = false): string {
	if (typeof value !== 'string') throw new AuditFormatError(`${name}: a string`);
	if (!allowEmpty && value.length === 0) throw new AuditFormatError(`${name}: empty`);
	if (LONE_SURROGATE.test(value)) throw new AuditFormatError(`${name}: lone surrogate`);
	return value;
}

function hashBytes(name: string, hex: unknown): Uint8Array {
	if (typeof hex !== 'string' || !HEX64.test(hex)) throw new AuditFormatError(`${name}: 64 lowercase hex digits`);
	return Uint8Array.from(Buffer.from(hex, 'hex'));
}

function field(value: string | Uint8Array): Uint8Array {
	const bytes = typeof value === 'string' ? encoder.encode(value) : value;
	const out = new Uint8Array(4 + bytes.length);
	new DataView(out.buffer).setUint32(0, bytes.length, false);
	out.set(bytes, 4);
	return out;
}

function opt(name: string, value: unknown): Uint8Array {
	if (value === null) return Uint8Array.of(0);
	const f = field(text(name, value));
	const out = new Uint8Array(1 + f.length);
	out[0] = 1;
	out.set(f, 1);
	return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

function sha256Hex(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

/** The bytes that are hashed (exported for the format test and for other implementations to compare). */
export function encodeEntry(entry: Omit<AuditEntry, 'hash'>): Uint8Array {
	return concat([
		field(FORMAT),
		field(normalizeSeq(entry.seq).toString()),
		field(normalizeAt(entry.at)),
		field(text('actor', entry.actor)),
		field(text('action', entry.action)),
		opt('reportId', entry.reportId),
		opt('organId', entry.organId),
		field(canonicalJson(entry.details)),
		field(hashBytes('prevHash', entry.prevHash))
	]);
}

/** SHA-256 of the canonical encoding, hex. Throws AuditFormatError when a field cannot be encoded. */
export function computeHash(entry: Omit<AuditEntry, 'hash'>): string {
	return sha256Hex(encodeEntry(entry));
}

/** Keys that must never appear in details (a tripwire for plaintext or reporter data, not a proof). */
