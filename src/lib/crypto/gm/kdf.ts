/**
 * The GM suite's key derivation (国密, issue 21): PBKDF2-HMAC-SM3 for everything a person types or keeps
 * (receipt secrets, staff passwords), with the iteration count and salt in the data like the NaCl suite's
 * Argon2id spec (docs/crypto.md, "The GM suite byte by byte": calibration and the comparison with Argon2id).
 *
 *   KDF spec             = 47 4B | iterations (u32) | salt (16)                                           22 bytes
 *   password-wrapped key = 47 50 | iterations (u32) | salt (16) | nonce (12) | SM4-GCM(K, nonce, key, AD = 47 50 | iterations | salt)   82 bytes
 *                          K = PBKDF2-HMAC-SM3(NFC(password), salt, iterations, 32)[0..16]
 *   receipt: M = PBKDF2-HMAC-SM3(12 canonical characters, salt, iterations, 32) (one PBKDF2 block)
 *            authKey = subkey_gm(M, "receipt-auth"), unwrapKey = subkey_gm(M, "receipt-unwrap")
 *            authHash = SM3("qingfeng/gm1/receipt-auth" | authKey)
 * One PBKDF2 block, then HMAC-SM3 to split it: deriving 64 bytes with PBKDF2 would cost the reporter two
 * blocks while a guesser needs only the first (the one the auth hash checks).
 */
import { CryptoAuthError, CryptoFormatError } from '../errors';
import { ByteReader, ByteWriter, HEADER_LENGTH, Kind, checkHeader, expectLength } from '../format';
import { KEY_LENGTH, checkKey } from '../keys';
import { randomBytes } from '../random';
import { concatBytes, utf8 } from '../encoding';
import {
	generateLocator,
	generateReceiptSecret,
	parseReceiptSecret,
	type NewReceipt,
	type ReceiptKeys
} from '../receipt';
import {
	SM4_GCM_NONCE_BYTES,
	SM4_GCM_TAG_BYTES,
	SM4_KEY_BYTES,
	pbkdf2HmacSm3,
	sm3,
	sm4GcmOpen,
	sm4GcmSeal
} from './primitives';
import { GM_VERSION, gmSubkey, gmWrapKey } from './formats';

/** Length of every PBKDF2 salt. */
export const GM_SALT_LENGTH = 16;
/** Length of a GM KDF spec. */
export const GM_KDF_SPEC_LENGTH = HEADER_LENGTH + 4 + GM_SALT_LENGTH;
/** Length of a GM password-wrapped key. */
export const GM_PASSWORD_WRAPPED_KEY_LENGTH = GM_KDF_SPEC_LENGTH + SM4_GCM_NONCE_BYTES + KEY_LENGTH + SM4_GCM_TAG_BYTES;

/**
 * Iterations of PBKDF2-HMAC-SM3 for receipts and staff passwords: calibrated so that one derivation takes
 * about as long as the NaCl suite's Argon2id (≈ 0.5 s in Node, ≈ 0.6-0.9 s in Chromium on the project
 * machine; docs/crypto.md has the figures).
 */
export const GM_RECEIPT_ITERATIONS = 12_000;
export const GM_STAFF_ITERATIONS = 12_000;
/** FOR TESTS ONLY: a cheap count so unit tests not about the cost stay fast. */
export const GM_TEST_ONLY_ITERATIONS = 10;
/** Parsers refuse more and fewer than 1 (the format's range; a browser's bounds are below). */
export const GM_MAX_ITERATIONS = 10_000_000;

/**
 * What a browser accepts from a server (docs/crypto.md, "PBKDF2-HMAC-SM3: calibration"), like the NaCl suite's
 * Argon2id floor and ceiling (src/lib/client/kdf-floor.ts). The floor is the calibrated production count: a
 * server that serves less would make a receipt's keys cheaper to guess from what it later sees. The ceiling is
 * ten times that count (≈ 4 to 9 s in Chromium on the project machine, ≈ 20 s on a 4× throttled page): room to
 * raise the count as devices get faster, but a hostile server cannot make a reporter's or a staff member's
 * browser derive for minutes (the format itself allows 10 000 000, ≈ 30 min).
 */
export const GM_KDF_FLOOR_ITERATIONS = GM_RECEIPT_ITERATIONS;
export const GM_KDF_CEILING_ITERATIONS = 10 * GM_RECEIPT_ITERATIONS;

/** Throws `CryptoFormatError('MALFORMED')`, naming the bound, unless `iterations` is at most the ceiling. */
export function requireGmKdfCeiling(iterations: number, what: string): void {
	if (iterations > GM_KDF_CEILING_ITERATIONS)
		throw new CryptoFormatError(
			'MALFORMED',
			`${what}: ${iterations} PBKDF2-HMAC-SM3 iterations, above the ceiling of ${GM_KDF_CEILING_ITERATIONS}`
		);
}

/** Throws `CryptoFormatError('MALFORMED')`, naming the bound, unless `iterations` is within the floor and the ceiling. */
export function requireGmKdfBounds(iterations: number, what: string): void {
	if (iterations < GM_KDF_FLOOR_ITERATIONS)
		throw new CryptoFormatError(
			'MALFORMED',
			`${what}: ${iterations} PBKDF2-HMAC-SM3 iterations, below the floor of ${GM_KDF_FLOOR_ITERATIONS}`
		);
	requireGmKdfCeiling(iterations, what);
}

/** True if a KDF cost is within the floor and the ceiling (the server's check of what it stores). */
export const isGmKdfInBounds = (iterations: number): boolean =>
	iterations >= GM_KDF_FLOOR_ITERATIONS && iterations <= GM_KDF_CEILING_ITERATIONS;

export interface GmKdfSpec {
	iterations: number;
	salt: Uint8Array;
}

function checkIterations(n: number): void {
	if (!Number.isInteger(n) || n < 1 || n > GM_MAX_ITERATIONS)
		throw new CryptoFormatError('MALFORMED', 'kdf: iterations out of range');
}

export function newGmKdfSpec(iterations: number): GmKdfSpec {
	checkIterations(iterations);
	return { iterations, salt: randomBytes(GM_SALT_LENGTH) };
}

function writeSpec(w: ByteWriter, spec: GmKdfSpec): ByteWriter {
	checkIterations(spec.iterations);
	expectLength(spec.salt, GM_SALT_LENGTH, 'salt');
	return w.u32(spec.iterations).raw(spec.salt);
}

function readSpec(r: ByteReader): GmKdfSpec {
	const spec = { iterations: r.u32(), salt: r.raw(GM_SALT_LENGTH).slice() };
	checkIterations(spec.iterations);
	return spec;
}

export function encodeGmKdfSpec(spec: GmKdfSpec): Uint8Array {
	return writeSpec(new ByteWriter(GM_KDF_SPEC_LENGTH).header(Kind.kdfSpec, GM_VERSION), spec).bytes;
}

export function decodeGmKdfSpec(bytes: Uint8Array): GmKdfSpec {
	checkHeader(bytes, Kind.kdfSpec, 'kdf spec', GM_VERSION);
	expectLength(bytes, GM_KDF_SPEC_LENGTH, 'kdf spec');
	const r = new ByteReader(bytes, 'kdf spec');
	r.raw(HEADER_LENGTH);
	return readSpec(r);
}

function derive(secret: string, spec: GmKdfSpec): Uint8Array {
	return pbkdf2HmacSm3(utf8(secret.normalize('NFC')), spec.salt, spec.iterations, KEY_LENGTH);
}

/** Wraps with an explicit spec and nonce (test vectors; use `gmPasswordWrapKey`). */
export function gmPasswordWrapKeyWith(key: Uint8Array, password: string, spec: GmKdfSpec, nonce: Uint8Array) {
	checkKey(key);
	expectLength(nonce, SM4_GCM_NONCE_BYTES, 'nonce');
	const w = writeSpec(new ByteWriter(GM_PASSWORD_WRAPPED_KEY_LENGTH).header(Kind.passwordWrappedKey, GM_VERSION), spec);
	const ad = w.written().slice();
	const kek = derive(password, spec);
	const out = w.raw(nonce).raw(sm4GcmSeal(kek.subarray(0, SM4_KEY_BYTES), nonce, key, ad)).bytes;
	kek.fill(0);
	return out;
}

export async function gmPasswordWrapKey(key: Uint8Array, password: string, iterations = GM_STAFF_ITERATIONS) {
	return gmPasswordWrapKeyWith(key, password, newGmKdfSpec(iterations), randomBytes(SM4_GCM_NONCE_BYTES));
}

export async function gmPasswordUnwrapKey(wrapped: Uint8Array, password: string): Promise<Uint8Array> {
	checkHeader(wrapped, Kind.passwordWrappedKey, 'password-wrapped key', GM_VERSION);
	expectLength(wrapped, GM_PASSWORD_WRAPPED_KEY_LENGTH, 'password-wrapped key');
	const r = new ByteReader(wrapped, 'password-wrapped key');
	r.raw(HEADER_LENGTH);
	const spec = readSpec(r);
	requireGmKdfCeiling(spec.iterations, 'password-wrapped key'); // served by the server: never minutes of work
	const ad = wrapped.subarray(0, GM_KDF_SPEC_LENGTH);
	const nonce = r.raw(SM4_GCM_NONCE_BYTES);
	const kek = derive(password, spec);
	const key = sm4GcmOpen(kek.subarray(0, SM4_KEY_BYTES), nonce, r.raw(r.remaining), ad);
	kek.fill(0);
	if (!key) throw new CryptoAuthError('DECRYPT_FAILED', 'password-wrapped key: wrong password or tampered');
	return key;
}

/** Receipt keys from a typed secret and the report's GM KDF spec (bytes as stored). */
export async function gmDeriveReceiptKeys(secretText: string, kdfSpec: Uint8Array): Promise<ReceiptKeys> {
	const secret = parseReceiptSecret(secretText);
	const spec = decodeGmKdfSpec(kdfSpec);
	requireGmKdfCeiling(spec.iterations, 'receipt KDF spec'); // served by the server: never minutes of work
	const master = pbkdf2HmacSm3(utf8(secret), spec.salt, spec.iterations, KEY_LENGTH);
	const keys = { authKey: gmSubkey(master, 'receipt-auth'), unwrapKey: gmSubkey(master, 'receipt-unwrap') };
	master.fill(0);
	return keys;
}

/** What the server stores for an auth key: SM3("qingfeng/gm1/receipt-auth" | authKey). */
export function gmReceiptAuthHash(authKey: Uint8Array): Uint8Array {
	checkKey(authKey, 'auth key');
	return sm3(concatBytes(utf8('qingfeng/gm1/receipt-auth'), authKey));
}

/** A new receipt for a report key in the GM suite (same receipt text as the NaCl suite). */
export async function gmCreateReceipt(reportKey: Uint8Array, iterations = GM_RECEIPT_ITERATIONS): Promise<NewReceipt> {
	const secret = generateReceiptSecret();
	const kdfSpec = encodeGmKdfSpec(newGmKdfSpec(iterations));
	const keys = await gmDeriveReceiptKeys(secret, kdfSpec);
	const result: NewReceipt = {
		locator: generateLocator(),
		secret,
		kdfSpec,
		authKey: keys.authKey,
		authHash: gmReceiptAuthHash(keys.authKey),
		wrappedReportKey: gmWrapKey(reportKey, keys.unwrapKey)
	};
	keys.unwrapKey.fill(0);
	return result;
}

/** The KDF spec of a GM password-wrapped key (format errors before any derivation; the server's check). */
export function gmPasswordWrappedSpec(wrapped: Uint8Array): GmKdfSpec {
	checkHeader(wrapped, Kind.passwordWrappedKey, 'password-wrapped key', GM_VERSION);
	expectLength(wrapped, GM_PASSWORD_WRAPPED_KEY_LENGTH, 'password-wrapped key');
	const r = new ByteReader(wrapped, 'password-wrapped key');
	r.raw(HEADER_LENGTH);
	return readSpec(r);
}
