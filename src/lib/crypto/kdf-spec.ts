/**
 * Self-describing Argon2id derivations: the parameters and salt travel with what they protect, so
 * costs can be raised later without losing old data.
 *
 * KDF spec, 27 bytes:           01 4B | m (u32 BE, KiB) | t (u32 BE) | p (u8) | salt (16)
 * Password-wrapped key, 99 bytes: 01 50 | m (u32) | t (u32) | p (u8) | salt (16) | nonce (24) | secretbox(key (32), nonce, KEK) (48)
 *   KEK = Argon2id(password NFC-normalized as UTF-8, salt, m, t, p, 32 bytes)
 */
import nacl from 'tweetnacl';
import { CryptoAuthError, CryptoFormatError } from './errors';
import { ByteReader, ByteWriter, HEADER_LENGTH, Kind, checkHeader, expectLength } from './format';
import { KEY_LENGTH, NONCE_LENGTH, TAG_LENGTH, checkKey } from './keys';
import { deriveKey, type Argon2Params } from './kdf';
import { randomBytes } from './random';
import { utf8 } from './encoding';

/** Length of every Argon2id salt. */
export const SALT_LENGTH = 16;
/** Length of an encoded KDF spec. */
export const KDF_SPEC_LENGTH = HEADER_LENGTH + 4 + 4 + 1 + SALT_LENGTH;
/** Length of a password-wrapped key. */
export const PASSWORD_WRAPPED_KEY_LENGTH = KDF_SPEC_LENGTH + NONCE_LENGTH + KEY_LENGTH + TAG_LENGTH;

/** Argon2id parameters plus salt. */
export interface KdfSpec extends Argon2Params {
	salt: Uint8Array;
}

/** Upper bound on memory a parsed spec may ask for (4 GiB), so a hostile server cannot exhaust the client. */
const MAX_MEMORY_KIB = 4 * 1024 * 1024;
const MAX_PASSES = 64;

/** Throws `CryptoFormatError('MALFORMED')` unless the parameters are ones Argon2id and this client accept. */
export function checkParams(params: Argon2Params): void {
	const { m, t, p } = params;
	if (!Number.isInteger(p) || p < 1 || p > 255)
		throw new CryptoFormatError('MALFORMED', 'kdf: parallelism out of range');
	if (!Number.isInteger(t) || t < 1 || t > MAX_PASSES)
		throw new CryptoFormatError('MALFORMED', 'kdf: passes out of range');
	if (!Number.isInteger(m) || m < 8 * p || m > MAX_MEMORY_KIB)
		throw new CryptoFormatError('MALFORMED', 'kdf: memory out of range');
}

/** A fresh spec with a random salt. */
export function newKdfSpec(params: Argon2Params): KdfSpec {
	checkParams(params);
	return { m: params.m, t: params.t, p: params.p, salt: randomBytes(SALT_LENGTH) };
}

function writeSpec(w: ByteWriter, spec: KdfSpec): ByteWriter {
	checkParams(spec);
	expectLength(spec.salt, SALT_LENGTH, 'salt');
	return w.u32(spec.m).u32(spec.t).u8(spec.p).raw(spec.salt);
}

function readSpec(r: ByteReader): KdfSpec {
	const spec = { m: r.u32(), t: r.u32(), p: r.u8(), salt: r.raw(SALT_LENGTH).slice() };
	checkParams(spec);
	return spec;
}

/** Encodes a KDF spec (27 bytes). */
export function encodeKdfSpec(spec: KdfSpec): Uint8Array {
	return writeSpec(new ByteWriter(KDF_SPEC_LENGTH).header(Kind.kdfSpec), spec).bytes;
}

/** Parses a KDF spec; typed `CryptoFormatError` on any defect. */
export function decodeKdfSpec(bytes: Uint8Array): KdfSpec {
	checkHeader(bytes, Kind.kdfSpec, 'kdf spec');
	expectLength(bytes, KDF_SPEC_LENGTH, 'kdf spec');
	const r = new ByteReader(bytes, 'kdf spec');
	r.raw(HEADER_LENGTH);
	return readSpec(r);
}

/** Runs Argon2id for a spec. Text secrets are NFC-normalized and UTF-8 encoded first. */
export function deriveFromSpec(secret: string | Uint8Array, spec: KdfSpec, length: number): Promise<Uint8Array> {
	const input = typeof secret === 'string' ? utf8(secret.normalize('NFC')) : secret;
	return deriveKey(input, spec.salt, { m: spec.m, t: spec.t, p: spec.p }, length);
}

/** Wraps with an explicit spec and nonce (test vectors; use `passwordWrapKey`). */
export async function passwordWrapKeyWith(
	key: Uint8Array,
	password: string,
	spec: KdfSpec,
	nonce: Uint8Array
): Promise<Uint8Array> {
	checkKey(key);
	expectLength(nonce, NONCE_LENGTH, 'nonce');
	const kek = await deriveFromSpec(password, spec, KEY_LENGTH);
	const w = writeSpec(new ByteWriter(PASSWORD_WRAPPED_KEY_LENGTH).header(Kind.passwordWrappedKey), spec);
	const out = w.raw(nonce).raw(nacl.secretbox(key, nonce, kek)).bytes;
	kek.fill(0);
	return out;
}

/** Wraps a 32-byte secret under a key derived from a password (fresh salt and nonce). */
export function passwordWrapKey(key: Uint8Array, password: string, params: Argon2Params): Promise<Uint8Array> {
	return passwordWrapKeyWith(key, password, newKdfSpec(params), randomBytes(NONCE_LENGTH));
}

/** Reads the KDF spec of a password-wrapped key without deriving anything. */
export function passwordWrappedSpec(wrapped: Uint8Array): KdfSpec {
	checkHeader(wrapped, Kind.passwordWrappedKey, 'password-wrapped key');
	expectLength(wrapped, PASSWORD_WRAPPED_KEY_LENGTH, 'password-wrapped key');
	const r = new ByteReader(wrapped, 'password-wrapped key');
	r.raw(HEADER_LENGTH);
	return readSpec(r);
}

/**
 * Unwraps a password-wrapped key. Throws `CryptoFormatError` for malformed input and
 * `CryptoAuthError('DECRYPT_FAILED')` for a wrong password or tampered bytes.
 */
export async function passwordUnwrapKey(wrapped: Uint8Array, password: string): Promise<Uint8Array> {
	const spec = passwordWrappedSpec(wrapped);
	const kek = await deriveFromSpec(password, spec, KEY_LENGTH);
	const nonce = wrapped.subarray(KDF_SPEC_LENGTH, KDF_SPEC_LENGTH + NONCE_LENGTH);
	const key = nacl.secretbox.open(wrapped.subarray(KDF_SPEC_LENGTH + NONCE_LENGTH), nonce, kek);
	kek.fill(0);
	if (!key) throw new CryptoAuthError('DECRYPT_FAILED', 'password-wrapped key: wrong password or tampered');
	return key;
}
