/**
 * The files and the paper form of the root key ceremony (docs/keys.md), shared by `npm run root` (an offline
 * machine), `npm run directory` (the server) and the admin page (signing in the browser with the seed file):
 *
 * - the seed file: JSON `{ format: "qingfeng-root-seed/v1", seed, publicKey, fingerprint, createdAt }`
 *   (base64), kept offline, never uploaded;
 * - the paper backup: the seed and a 16-bit check as 85 decimal digits in 17 groups of 5;
 * - the pending file (`directory export-pending`): unsigned entries and revocations to sign;
 * - the signed file (`root sign`): the signed entry and revocation-list bytes, base64.
 */
import nacl from 'tweetnacl';
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';
import {
	NACL_ENTRIES,
	rootFingerprint,
	rootKeyFromSeed,
	signDirectoryEntry,
	signRevocationList,
	SIGN_SEED_LENGTH,
	type EntryScheme
} from '../crypto/directory';
import { fromHex } from '../crypto/encoding';
import { randomBytes } from '../crypto/random';
import type { SuiteId } from '../crypto/suite-id';

/**
 * The root of a ceremony in one cipher suite (issue 21): NaCl (an Ed25519 seed) by default; a GM deployment
 * passes its suite's (`gmCeremony`, src/lib/crypto/gm/directory.ts: the 32-byte SM2 scalar is the seed), so
 * this module loads no 国密 code itself.
 */
export interface CeremonySuite {
	id: SuiteId;
	rootFromSeed(seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array };
	rootFingerprint(publicKey: Uint8Array): string;
	/** Signs entries, revocation lists, the release manifest and rotation statements with the root's secret key. */
	entries: EntryScheme;
	/** A new 32-byte seed (a root or an attestation key): random bytes (NaCl), a random SM2 scalar in [1, n−1] (GM). */
	newSeed(): Uint8Array;
}

export const NACL_CEREMONY: CeremonySuite = Object.freeze({
	id: 'nacl',
	rootFromSeed: rootKeyFromSeed,
	rootFingerprint,
	entries: NACL_ENTRIES,
	newSeed: () => randomBytes(SIGN_SEED_LENGTH)
});

export const SEED_FILE_FORMAT = 'qingfeng-root-seed/v1';
export const PENDING_FILE_FORMAT = 'qingfeng-directory-pending/v1';
export const SIGNED_FILE_FORMAT = 'qingfeng-directory-signed/v1';

export interface RootSeedFile {
	format: typeof SEED_FILE_FORMAT;
	seed: string;
	publicKey: string;
	fingerprint: string;
	createdAt: string;
	/** The cipher suite of the root (absent: NaCl, as before issue 21). */
	suite?: SuiteId;
}

export class CeremonyError extends Error {
	constructor(
		readonly code: 'BAD_SEED_FILE' | 'BAD_BACKUP' | 'BAD_CHECK' | 'BAD_PENDING' | 'BAD_SIGNED',
		message: string
	) {
		super(message);
		this.name = 'CeremonyError';
	}
}

/** The seed file for a 32-byte seed. */
export function seedFile(seed: Uint8Array, createdAt = new Date(), suite: CeremonySuite = NACL_CEREMONY): RootSeedFile {
	const pair = suite.rootFromSeed(seed);
	return {
		format: SEED_FILE_FORMAT,
		seed: encodeBase64(seed),
		publicKey: encodeBase64(pair.publicKey),
		fingerprint: suite.rootFingerprint(pair.publicKey),
		createdAt: createdAt.toISOString(),
		...(suite.id === 'nacl' ? {} : { suite: suite.id })
	};
}

/** Reads a seed file's text; the public key it names must be the seed's. Returns the seed. */
export function parseSeedFile(
	text: string,
	suite: CeremonySuite = NACL_CEREMONY
): { seed: Uint8Array; publicKey: Uint8Array; fingerprint: string } {
	let v: unknown;
	try {
		v = JSON.parse(text);
	} catch {
		throw new CeremonyError('BAD_SEED_FILE', 'not a root seed file (not JSON)');
	}
	const o = v as Partial<RootSeedFile> | null;
	if (!o || o.format !== SEED_FILE_FORMAT || typeof o.seed !== 'string' || typeof o.publicKey !== 'string')
		throw new CeremonyError('BAD_SEED_FILE', `not a root seed file (format ${SEED_FILE_FORMAT} expected)`);
	let seed: Uint8Array;
	try {
		seed = decodeBase64(o.seed);
	} catch {
		throw new CeremonyError('BAD_SEED_FILE', 'the seed is not base64');
	}
	if ((o.suite ?? 'nacl') !== suite.id)
		throw new CeremonyError(
			'BAD_SEED_FILE',
			`the seed file is a ${o.suite ?? 'nacl'} root, this deployment is ${suite.id}`
		);
	if (seed.length !== SIGN_SEED_LENGTH) throw new CeremonyError('BAD_SEED_FILE', 'the seed must be 32 bytes');
	const publicKey = suite.rootFromSeed(seed).publicKey;
	if (encodeBase64(publicKey) !== o.publicKey)
		throw new CeremonyError('BAD_SEED_FILE', 'the public key in the file is not the seed’s');
	return { seed, publicKey, fingerprint: suite.rootFingerprint(publicKey) };
}

const BACKUP_DIGITS = 85;

function backupCheck(seed: Uint8Array): Uint8Array {
	const tag = new TextEncoder().encode('qingfeng/v1/root-backup');
	const data = new Uint8Array(tag.length + seed.length);
	data.set(tag);
	data.set(seed, tag.length);
	return nacl.hash(data).slice(0, 2);
}

/** The paper backup of a seed: 85 digits (seed ‖ 16-bit check as one number) in groups of 5. */
export function formatPaperBackup(seed: Uint8Array): string {
	if (seed.length !== SIGN_SEED_LENGTH) throw new CeremonyError('BAD_BACKUP', 'the seed must be 32 bytes');
	let n = 0n;
	for (const b of [...seed, ...backupCheck(seed)]) n = (n << 8n) | BigInt(b);
	const digits = n.toString().padStart(BACKUP_DIGITS, '0');
	return digits.match(/\d{5}/g)!.join(' ');
}

/** Reads a typed paper backup (spaces and dashes ignored); a typo fails the check. */
export function parsePaperBackup(text: string): Uint8Array {
	const digits = text.replace(/[\s-]/g, '');
	if (!/^\d+$/.test(digits) || digits.length !== BACKUP_DIGITS)
		throw new CeremonyError('BAD_BACKUP', `the paper backup has ${BACKUP_DIGITS} digits`);
	let n = BigInt(digits);
	const bytes = new Uint8Array(SIGN_SEED_LENGTH + 2);
	for (let i = bytes.length - 1; i >= 0; i--) {
		bytes[i] = Number(n & 0xffn);
		n >>= 8n;
	}
	if (n !== 0n) throw new CeremonyError('BAD_BACKUP', 'the number is too large for a paper backup');
	const seed = bytes.slice(0, SIGN_SEED_LENGTH);
	const check = backupCheck(seed);
	if (check[0] !== bytes[SIGN_SEED_LENGTH] || check[1] !== bytes[SIGN_SEED_LENGTH + 1])
		throw new CeremonyError('BAD_CHECK', 'the check digits do not match: a digit was mistyped');
	return seed;
}

/** An unsigned directory entry waiting for the ceremony (ids and keys as hex/base64, times in seconds). */
export interface PendingEntry {
	entryId: string;
	staffId: string;
	/** For the people at the ceremony: whom the entry is for. */
	username: string;
	organId: string;
	role: string;
	publicKey: string;
	notBefore: number;
	notAfter: number;
}

/** A revocation list to sign: everything revoked so far plus the new revocations. */
export interface PendingRevocations {
	issuedAt: number;
	entryIds: string[];
	publicKeys: string[];
}

export interface PendingFile {
	format: typeof PENDING_FILE_FORMAT;
	/** Fingerprint of the root the server pins: the ceremony refuses to sign with another seed. */
	rootFingerprint: string;
	entries: PendingEntry[];
	revocations: PendingRevocations | null;
}

export interface SignedFile {
	format: typeof SIGNED_FILE_FORMAT;
	rootFingerprint: string;
	entries: string[];
	revocations: string | null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a pending file (shape only; the ceremony shows what it signs). */
export function parsePendingFile(text: string): PendingFile {
	let v: unknown;
	try {
		v = JSON.parse(text);
	} catch {
		throw new CeremonyError('BAD_PENDING', 'not a pending file (not JSON)');
	}
	if (
		!isRecord(v) ||
		v.format !== PENDING_FILE_FORMAT ||
		typeof v.rootFingerprint !== 'string' ||
		!Array.isArray(v.entries)
	)
		throw new CeremonyError('BAD_PENDING', `not a pending file (format ${PENDING_FILE_FORMAT} expected)`);
	for (const e of v.entries) {
		if (
			!isRecord(e) ||
			typeof e.entryId !== 'string' ||
			typeof e.staffId !== 'string' ||
			typeof e.organId !== 'string' ||
			typeof e.role !== 'string' ||
			typeof e.publicKey !== 'string' ||
			typeof e.notBefore !== 'number' ||
			typeof e.notAfter !== 'number'
		)
			throw new CeremonyError('BAD_PENDING', 'a pending entry is malformed');
	}
	const r = v.revocations;
	if (
		r !== null &&
		r !== undefined &&
		(!isRecord(r) || typeof r.issuedAt !== 'number' || !Array.isArray(r.entryIds) || !Array.isArray(r.publicKeys))
	)
		throw new CeremonyError('BAD_PENDING', 'the pending revocations are malformed');
	return { ...(v as unknown as PendingFile), revocations: (r ?? null) as PendingRevocations | null };
}

/** Reads a signed file (shape only; the server verifies every signature before storing). */
export function parseSignedFile(text: string): SignedFile {
	let v: unknown;
	try {
		v = JSON.parse(text);
	} catch {
		throw new CeremonyError('BAD_SIGNED', 'not a signed file (not JSON)');
	}
	if (
		!isRecord(v) ||
		v.format !== SIGNED_FILE_FORMAT ||
		!Array.isArray(v.entries) ||
		!v.entries.every((e) => typeof e === 'string') ||
		!(v.revocations === null || typeof v.revocations === 'string')
	)
		throw new CeremonyError('BAD_SIGNED', `not a signed file (format ${SIGNED_FILE_FORMAT} expected)`);
	return v as unknown as SignedFile;
}

/**
 * Signs everything in a pending file with the root seed. Refuses when the file was exported for another
 * root (the server pins one key; signing with another would be refused there anyway).
 */
export function signPending(pending: PendingFile, seed: Uint8Array, suite: CeremonySuite = NACL_CEREMONY): SignedFile {
	const root = suite.rootFromSeed(seed);
	try {
		const fingerprint = suite.rootFingerprint(root.publicKey);
		if (pending.rootFingerprint !== fingerprint)
			throw new CeremonyError(
				'BAD_PENDING',
				`the pending file is for root ${pending.rootFingerprint}, this seed is root ${fingerprint}`
			);
		const entries = pending.entries.map((e) =>
			encodeBase64(
				signDirectoryEntry(
					{
						entryId: fromHex(e.entryId),
						staffId: e.staffId,
						organId: e.organId,
						role: e.role,
						publicKey: decodeBase64(e.publicKey),
						notBefore: e.notBefore,
						notAfter: e.notAfter
					},
					root.secretKey,
					suite.entries
				)
			)
		);
		const r = pending.revocations;
		const revocations = r
			? encodeBase64(
					signRevocationList(
						{ issuedAt: r.issuedAt, entryIds: r.entryIds.map(fromHex), publicKeys: r.publicKeys.map(decodeBase64) },
						root.secretKey,
						suite.entries
					)
				)
			: null;
		return { format: SIGNED_FILE_FORMAT, rootFingerprint: fingerprint, entries, revocations };
	} finally {
		root.secretKey.fill(0);
	}
}
