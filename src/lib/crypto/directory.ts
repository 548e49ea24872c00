/**
 * The organization's root Ed25519 signing key and the signed key directory: each entry binds a staff
 * member's X25519 public key to their organ and role for a validity period. Reporter browsers verify
 * entries against the root public key they were given (and whose fingerprint they can compare)
 * before sealing a report key to anyone.
 *
 * Entry (signed):  body | Ed25519 signature over body (64)
 *   body = 01 44 | entryId (16) | staffId | organId | role | publicKey (32) | notBefore (u64 BE, Unix s) | notAfter (u64 BE)
 *   each string = length (u8, 1…255) | UTF-8 bytes
 * Revocation list: 01 52 | issuedAt (u64 BE, Unix s) | count (u32 BE) | entryIds (16 each) | count (u32 BE) | publicKeys (32 each) | signature (64)
 * Fingerprint: SHA-512("qingfeng/v1/root-fingerprint" | publicKey), bytes 0..30 taken 5 at a time as
 *   big-endian 40-bit numbers mod 100000 → six groups of five digits (≈ 99.7 bits).
 */
import nacl from 'tweetnacl';
import { CryptoFormatError, DirectoryError, CryptoError } from './errors';
import { ByteReader, ByteWriter, FORMAT_VERSION, HEADER_LENGTH, Kind, checkHeader, expectLength } from './format';
import { bytesEqual, concatBytes, fromUtf8, toHex, utf8 } from './encoding';
import { randomBytes } from './random';

/** Length of an Ed25519 public key. */
export const SIGN_PUBLIC_KEY_LENGTH = 32;
/** Length of an Ed25519 secret key as tweetnacl holds it (seed ‖ public key). */
export const SIGN_SECRET_KEY_LENGTH = 64;
/** Length of an Ed25519 seed (what is wrapped and backed up). */
export const SIGN_SEED_LENGTH = 32;
/** Length of an Ed25519 signature. */
export const SIGNATURE_LENGTH = 64;
/** Length of a directory entry id. */
export const ENTRY_ID_LENGTH = 16;

/**
 * The signature scheme and key sizes of one suite's directory formats. The entry and revocation-list
 * layouts are the same in every suite; byte 0 (the suite's format version) is inside what the root signs,
 * so an entry signed for one suite is never read as the other's. The GM suite's: ./gm/directory.ts.
 */
export interface EntryScheme {
	/** Byte 0 of the entries and lists. */
	readonly version: number;
	/** Length of a root public key. */
	readonly rootKeyLength: number;
	/** Length of the public key an entry certifies (a box key, or an attestation key). */
	readonly entryKeyLength: number;
	/** Length of a signature. */
	readonly signatureLength: number;
	sign(body: Uint8Array, rootSecretKey: Uint8Array): Uint8Array;
	verify(body: Uint8Array, signature: Uint8Array, rootPublicKey: Uint8Array): boolean;
}

/** The NaCl suite's directory (format version 1): Ed25519 root, 32-byte keys. */
export const NACL_ENTRIES: EntryScheme = Object.freeze({
	version: FORMAT_VERSION,
	rootKeyLength: SIGN_PUBLIC_KEY_LENGTH,
	entryKeyLength: 32,
	signatureLength: SIGNATURE_LENGTH,
	sign(body: Uint8Array, rootSecretKey: Uint8Array): Uint8Array {
		expectLength(rootSecretKey, SIGN_SECRET_KEY_LENGTH, 'root secret key');
		return nacl.sign.detached(body, rootSecretKey);
	},
	verify: (body: Uint8Array, signature: Uint8Array, rootPublicKey: Uint8Array): boolean =>
		nacl.sign.detached.verify(body, signature, rootPublicKey)
});

/** The organization's root signing keypair. */
export interface RootKeyPair {
	publicKey: Uint8Array;
	secretKey: Uint8Array;
	/** 32-byte seed: the part to wrap (password/recovery, see staff-keys.ts) and back up. */
	seed: Uint8Array;
}

/** Generates a new root signing keypair. */
export function generateRootKey(): RootKeyPair {
	return rootKeyFromSeed(randomBytes(SIGN_SEED_LENGTH));
}

/** Rebuilds the root keypair from its 32-byte seed. */
export function rootKeyFromSeed(seed: Uint8Array): RootKeyPair {
	expectLength(seed, SIGN_SEED_LENGTH, 'root key seed');
	const pair = nacl.sign.keyPair.fromSeed(seed);
	return { publicKey: pair.publicKey, secretKey: pair.secretKey, seed: seed.slice() };
}

/** Short human-checkable fingerprint of the root public key: six groups of five digits. */
export function rootFingerprint(publicKey: Uint8Array): string {
	expectLength(publicKey, SIGN_PUBLIC_KEY_LENGTH, 'root public key');
	const h = nacl.hash(concatBytes(utf8('qingfeng/v1/root-fingerprint'), publicKey));
	const groups: string[] = [];
	for (let g = 0; g < 6; g++) {
		let v = 0;
		for (let i = 0; i < 5; i++) v = v * 256 + (h[g * 5 + i] as number);
		groups.push(String(v % 100000).padStart(5, '0'));
	}
	return groups.join(' ');
}

/** One directory entry (unsigned content). Times are Unix seconds; valid for notBefore ≤ now < notAfter. */
export interface DirectoryEntry {
	entryId: Uint8Array;
	staffId: string;
	organId: string;
	role: string;
	/** X25519 public key reports are sealed to. */
	publicKey: Uint8Array;
	notBefore: number;
	notAfter: number;
}

function encodeString(s: string, what: string): Uint8Array {
	const b = utf8(s);
	if (b.length < 1 || b.length > 255)
		throw new CryptoFormatError('INVALID_ARGUMENT', `${what} must be 1–255 UTF-8 bytes`);
	return b;
}

function readString(r: ByteReader, what: string): string {
	const n = r.u8();
	if (n === 0) throw new CryptoFormatError('MALFORMED', `directory entry: empty ${what}`);
	return fromUtf8(r.raw(n));
}

/** Canonical bytes of an entry: exactly what the root key signs. */
export function encodeDirectoryEntry(entry: DirectoryEntry, scheme: EntryScheme = NACL_ENTRIES): Uint8Array {
	expectLength(entry.entryId, ENTRY_ID_LENGTH, 'entry id');
	expectLength(entry.publicKey, scheme.entryKeyLength, 'entry public key');
	if (!(entry.notBefore < entry.notAfter))
		throw new CryptoFormatError('INVALID_ARGUMENT', 'notBefore must precede notAfter');
	const staff = encodeString(entry.staffId, 'staffId');
	const organ = encodeString(entry.organId, 'organId');
	const role = encodeString(entry.role, 'role');
	const keyAndTimes = scheme.entryKeyLength + 16;
	const length = HEADER_LENGTH + ENTRY_ID_LENGTH + 3 + staff.length + organ.length + role.length + keyAndTimes;
	return new ByteWriter(length)
		.header(Kind.directoryEntry, scheme.version)
		.raw(entry.entryId)
		.u8(staff.length)
		.raw(staff)
		.u8(organ.length)
		.raw(organ)
		.u8(role.length)
		.raw(role)
		.raw(entry.publicKey)
		.u64(entry.notBefore)
		.u64(entry.notAfter).bytes;
}

/** A new random entry id. */
export function newEntryId(): Uint8Array {
	return randomBytes(ENTRY_ID_LENGTH);
}

/** Signs an entry with the root secret key; returns body ‖ signature. */
export function signDirectoryEntry(
	entry: DirectoryEntry,
	rootSecretKey: Uint8Array,
	scheme: EntryScheme = NACL_ENTRIES
): Uint8Array {
	const body = encodeDirectoryEntry(entry, scheme);
	return concatBytes(body, scheme.sign(body, rootSecretKey));
}

/** A parsed, not yet verified entry. */
export interface ParsedEntry {
	entry: DirectoryEntry;
	body: Uint8Array;
	signature: Uint8Array | null;
}

/** Parses an entry without checking its signature; `CryptoFormatError` on any defect. */
export function parseDirectoryEntry(bytes: Uint8Array, scheme: EntryScheme = NACL_ENTRIES): ParsedEntry {
	checkHeader(bytes, Kind.directoryEntry, 'directory entry', scheme.version);
	const r = new ByteReader(bytes, 'directory entry');
	r.raw(HEADER_LENGTH);
	const entryId = r.raw(ENTRY_ID_LENGTH).slice();
	const staffId = readString(r, 'staffId');
	const organId = readString(r, 'organId');
	const role = readString(r, 'role');
	const publicKey = r.raw(scheme.entryKeyLength).slice();
	const notBefore = r.u64();
	const notAfter = r.u64();
	if (!(notBefore < notAfter)) throw new CryptoFormatError('MALFORMED', 'directory entry: empty validity period');
	const body = bytes.subarray(0, r.offset);
	let signature: Uint8Array | null = null;
	if (r.remaining === scheme.signatureLength) signature = r.raw(scheme.signatureLength);
	else if (r.remaining !== 0) throw new CryptoFormatError('BAD_LENGTH', 'directory entry: bad signature length');
	return { entry: { entryId, staffId, organId, role, publicKey, notBefore, notAfter }, body, signature };
}

/** Revoked entry ids and public keys (hex), from a verified list or passed in by the caller. */
export interface Revocations {
	entryIds: ReadonlySet<string>;
	publicKeys: ReadonlySet<string>;
}

/** Builds a revocation set from raw ids and keys (e.g. a list the caller already trusts). */
export function revocationsFrom(
	entryIds: Iterable<Uint8Array> = [],
	publicKeys: Iterable<Uint8Array> = []
): Revocations {
	return { entryIds: new Set([...entryIds].map(toHex)), publicKeys: new Set([...publicKeys].map(toHex)) };
}

/** Options for verification. */
export interface VerifyOptions {
	/** Current time (Date or milliseconds since the epoch). */
	now: Date | number;
	/** Entries or keys that must be refused. */
	revocations?: Revocations;
	/** If set, entries for other organs are refused with `WRONG_ORGAN`. */
	organId?: string;
	/** The suite's directory scheme (default: NaCl). */
	scheme?: EntryScheme;
}

function nowSeconds(now: Date | number): number {
	return Math.floor((typeof now === 'number' ? now : now.getTime()) / 1000);
}

/**
 * Verifies a signed entry against the root public key and returns it. Throws `CryptoFormatError`
 * if malformed, and `DirectoryError` with `UNSIGNED`, `BAD_SIGNATURE`, `NOT_YET_VALID`, `EXPIRED`,
 * `REVOKED` or `WRONG_ORGAN`.
 */
export function verifyDirectoryEntry(
	bytes: Uint8Array,
	rootPublicKey: Uint8Array,
	options: VerifyOptions
): DirectoryEntry {
	const scheme = options.scheme ?? NACL_ENTRIES;
	expectLength(rootPublicKey, scheme.rootKeyLength, 'root public key');
	const { entry, body, signature } = parseDirectoryEntry(bytes, scheme);
	if (!signature) throw new DirectoryError('UNSIGNED', 'directory entry has no signature');
	if (!scheme.verify(body, signature, rootPublicKey))
		throw new DirectoryError('BAD_SIGNATURE', 'directory entry: signature does not verify');
	const now = nowSeconds(options.now);
	if (now < entry.notBefore) throw new DirectoryError('NOT_YET_VALID', 'directory entry is not valid yet');
	if (now >= entry.notAfter) throw new DirectoryError('EXPIRED', 'directory entry has expired');
	const rev = options.revocations;
	if (rev && (rev.entryIds.has(toHex(entry.entryId)) || rev.publicKeys.has(toHex(entry.publicKey)))) {
		throw new DirectoryError('REVOKED', 'directory entry has been revoked');
	}
	if (options.organId !== undefined && entry.organId !== options.organId)
		throw new DirectoryError('WRONG_ORGAN', 'directory entry is for another organ');
	return entry;
}

/**
 * Verifies many entries; the caller seals only to `valid`. Malformed or refused entries are listed
 * in `rejected` with their typed error, never silently dropped.
 */
export function verifyDirectoryEntries(
	entries: Uint8Array[],
	rootPublicKey: Uint8Array,
	options: VerifyOptions
): { valid: DirectoryEntry[]; rejected: { index: number; error: CryptoError }[] } {
	const valid: DirectoryEntry[] = [];
	const rejected: { index: number; error: CryptoError }[] = [];
	entries.forEach((bytes, index) => {
		try {
			valid.push(verifyDirectoryEntry(bytes, rootPublicKey, options));
		} catch (e) {
			if (!(e instanceof CryptoError)) throw e;
			rejected.push({ index, error: e });
		}
	});
	return { valid, rejected };
}

/** A revocation list before signing. */
export interface RevocationList {
	/** Unix seconds. */
	issuedAt: number;
	entryIds: Uint8Array[];
	publicKeys: Uint8Array[];
}

/** Signs a revocation list with the root secret key. */
export function signRevocationList(
	list: RevocationList,
	rootSecretKey: Uint8Array,
	scheme: EntryScheme = NACL_ENTRIES
): Uint8Array {
	const keyLength = scheme.entryKeyLength;
	const length =
		HEADER_LENGTH + 8 + 4 + list.entryIds.length * ENTRY_ID_LENGTH + 4 + list.publicKeys.length * keyLength;
	const w = new ByteWriter(length)
		.header(Kind.revocationList, scheme.version)
		.u64(list.issuedAt)
		.u32(list.entryIds.length);
	for (const id of list.entryIds) {
		expectLength(id, ENTRY_ID_LENGTH, 'revoked entry id');
		w.raw(id);
	}
	w.u32(list.publicKeys.length);
	for (const pk of list.publicKeys) {
		expectLength(pk, keyLength, 'revoked public key');
		w.raw(pk);
	}
	return concatBytes(w.bytes, scheme.sign(w.bytes, rootSecretKey));
}

/** Verifies a signed revocation list and returns its contents as a set (typed errors as for entries). */
export function verifyRevocationList(
	bytes: Uint8Array,
	rootPublicKey: Uint8Array,
	scheme: EntryScheme = NACL_ENTRIES
): Revocations & { issuedAt: number } {
	const keyLength = scheme.entryKeyLength;
	expectLength(rootPublicKey, scheme.rootKeyLength, 'root public key');
	checkHeader(bytes, Kind.revocationList, 'revocation list', scheme.version);
	const r = new ByteReader(bytes, 'revocation list');
	r.raw(HEADER_LENGTH);
	const issuedAt = r.u64();
	const nIds = r.u32();
	if (nIds * ENTRY_ID_LENGTH > r.remaining) throw new CryptoFormatError('BAD_LENGTH', 'revocation list: truncated');
	const ids: Uint8Array[] = [];
	for (let i = 0; i < nIds; i++) ids.push(r.raw(ENTRY_ID_LENGTH));
	const nKeys = r.u32();
	if (nKeys * keyLength > r.remaining) throw new CryptoFormatError('BAD_LENGTH', 'revocation list: truncated');
	const keys: Uint8Array[] = [];
	for (let i = 0; i < nKeys; i++) keys.push(r.raw(keyLength));
	const body = bytes.subarray(0, r.offset);
	if (r.remaining === 0) throw new DirectoryError('UNSIGNED', 'revocation list has no signature');
	const signature = r.raw(scheme.signatureLength);
	r.end();
	if (!scheme.verify(body, signature, rootPublicKey))
		throw new DirectoryError('BAD_SIGNATURE', 'revocation list: signature does not verify');
	return { issuedAt, ...revocationsFrom(ids, keys) };
}

/** True if two root public keys are the same (constant time). */
export function sameRootKey(a: Uint8Array, b: Uint8Array): boolean {
	return bytesEqual(a, b);
}
