/**
 * The audit chain's anchor outside the database (issue 16). The anchor row in audit_anchor can be rewritten
 * by whoever rewrites the log; a signed anchor kept elsewhere cannot. An anchor file is JSON:
 *
 *   { "format": "qingfeng-audit-anchor-v1", "count": "<entries>", "head": "<64 hex>", "at": "<ISO time>",
 *     "publicKey": "<64 hex, Ed25519>", "signature": "<128 hex>" }
 *
 * signature = Ed25519 (the operator's anchor key, AUDIT_ANCHOR_KEY_FILE) over the UTF-8 bytes of
 * `qingfeng-audit-anchor-v1\n<count>\n<head>\n<at>`. The verifier pins the public key (AUDIT_ANCHOR_PUBLIC_KEY
 * or --anchor-key) so a forged file signed by another key is refused. Relative imports only: scripts run this
 * under tsx.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nacl from 'tweetnacl';
import type { Db } from '../db/index';
import type { ChainAnchor } from './chain';
import { verifyAuditLog } from './log';

export const ANCHOR_FORMAT = 'qingfeng-audit-anchor-v1';

export interface SignedAnchor {
	format: typeof ANCHOR_FORMAT;
	count: string;
	head: string;
	at: string;
	publicKey: string;
	signature: string;
}

/** A refused anchor file or key: `code` says why. */
export class AnchorError extends Error {
	constructor(
		readonly code: 'malformed' | 'bad_signature' | 'wrong_key' | 'bad_key' | 'chain_broken',
		message: string
	) {
		super(message);
		this.name = 'AnchorError';
	}
}

const HEX64 = /^[0-9a-f]{64}$/;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

function message(count: string, head: string, at: string): Uint8Array {
	return new TextEncoder().encode(`${ANCHOR_FORMAT}\n${count}\n${head}\n${at}`);
}

/** Reads a 32-byte Ed25519 seed written as 64 hex digits (whitespace around it ignored). */
export function parseSeed(text: string): Uint8Array {
	const t = text.trim().toLowerCase();
	if (!HEX64.test(t)) throw new AnchorError('bad_key', 'the anchor key must be 64 hex digits (a 32-byte Ed25519 seed)');
	return unhex(t);
}

/** Reads a pinned Ed25519 public key written as 64 hex digits. */
export function parsePublicKey(text: string): Uint8Array {
	const t = text.trim().toLowerCase();
	if (!HEX64.test(t)) throw new AnchorError('bad_key', 'the anchor public key must be 64 hex digits');
	return unhex(t);
}

/** The public half of a seed, as 64 hex digits. */
export function anchorPublicKey(seed: Uint8Array): string {
	return hex(nacl.sign.keyPair.fromSeed(seed).publicKey);
}

/** Signs `anchor` (a verified count and head) with the operator's seed. */
export function signAnchor(anchor: ChainAnchor, seed: Uint8Array, at = new Date()): SignedAnchor {
	const pair = nacl.sign.keyPair.fromSeed(seed);
	const count = BigInt(anchor.count).toString();
	const iso = at.toISOString();
	const signature = nacl.sign.detached(message(count, anchor.head, iso), pair.secretKey);
	return {
		format: ANCHOR_FORMAT,
		count,
		head: anchor.head,
		at: iso,
		publicKey: hex(pair.publicKey),
		signature: hex(signature)
	};
}

/**
 * Parses and checks an anchor file's text: format, signature, and (if given) that it was signed by the
 * pinned key. Returns the anchor to verify the chain against.
 */
export function checkSignedAnchor(text: string, pinned?: Uint8Array): ChainAnchor & { at: string } {
	let a: Partial<SignedAnchor>;
	try {
		a = JSON.parse(text) as Partial<SignedAnchor>;
	} catch {
		throw new AnchorError('malformed', 'the anchor file is not JSON');
	}
	if (
		typeof a !== 'object' ||
		a === null ||
		a.format !== ANCHOR_FORMAT ||
		typeof a.count !== 'string' ||
		!/^\d{1,18}$/.test(a.count) ||
		typeof a.head !== 'string' ||
		!HEX64.test(a.head) ||
		typeof a.at !== 'string' ||
		Number.isNaN(Date.parse(a.at)) ||
		typeof a.publicKey !== 'string' ||
		!HEX64.test(a.publicKey) ||
		typeof a.signature !== 'string' ||
		!/^[0-9a-f]{128}$/.test(a.signature)
	)
		throw new AnchorError('malformed', `not a ${ANCHOR_FORMAT} anchor file`);
	const key = unhex(a.publicKey);
	if (pinned && Buffer.compare(Buffer.from(pinned), Buffer.from(key)) !== 0)
		throw new AnchorError('wrong_key', 'the anchor was not signed by the pinned anchor key');
	if (!nacl.sign.detached.verify(message(a.count, a.head, a.at), unhex(a.signature), key))
		throw new AnchorError('bad_signature', 'the anchor signature does not verify');
	return { count: BigInt(a.count), head: a.head, at: a.at };
}

/**
 * Verifies the chain (against the anchor row, and `previous` if given) and, only if it holds, signs its
 * head. Refuses to anchor a broken chain.
 */
export async function signCurrentHead(
	db: Db,
	seed: Uint8Array,
	now = new Date(),
	previous?: ChainAnchor
): Promise<SignedAnchor> {
	const r = await verifyAuditLog(db, previous ? { anchor: previous } : {});
	if (!r.ok) throw new AnchorError('chain_broken', `audit chain broken at entry seq ${r.firstBad}: ${r.reason}`);
	return signAnchor({ count: BigInt(r.count), head: r.head }, seed, now);
}

/** Writes a signed anchor as `audit-anchor-<count>-<time>.json` in `dir` (atomically); returns the path. */
export function writeAnchorFile(dir: string, anchor: SignedAnchor): string {
	mkdirSync(dir, { recursive: true, mode: 0o700 });
	const stamp = anchor.at.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
	const file = path.join(dir, `audit-anchor-${anchor.count}-${stamp}.json`);
	const tmp = `${file}.tmp`;
	writeFileSync(tmp, JSON.stringify(anchor, null, '\t') + '\n', { mode: 0o600 });
	renameSync(tmp, file);
	return file;
}

/** Reads the seed from AUDIT_ANCHOR_KEY_FILE's path. */
export function readSeedFile(file: string): Uint8Array {
	return parseSeed(readFileSync(file, 'utf8'));
}
