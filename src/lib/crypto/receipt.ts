/**
 * Receipts (查询码 + 查询密码): a public locator that names the report, and a secret that only the
 * reporter holds. Both are Crockford base32 (digits and upper-case letters without I, L, O, U), easy
 * to type on a phone; parsing forgives case, spaces, dashes and O/0, I/L/1 confusions.
 *
 * Locator: 10 random characters (50 bits), printed XXXXX-XXXXX. It is an identifier, not a secret.
 * Secret:  11 random characters (55 bits) + 1 check character, printed XXXX-XXXX-XXXX.
 *   check  = SHA-512("qingfeng/v1/receipt-check" | 11 characters)[0] & 31
 * Keys:    Argon2id(12 canonical characters as ASCII, salt, RECEIPT_KDF, 64 bytes)
 *   authKey = bytes 0..32 (sent to the server at login; the server keeps receiptAuthHash(authKey))
 *   unwrapKey = bytes 32..64 (never leaves the browser; wraps the report key, see keys.ts)
 * The salt and parameters are stored server-side as a KDF spec (kdf-spec.ts) and handed out for a locator.
 */
import nacl from 'tweetnacl';
import { CryptoFormatError } from './errors';
import { CROCKFORD_ALPHABET, concatBytes, group, normalizeCrockford, utf8 } from './encoding';
import { deriveFromSpec, newKdfSpec, encodeKdfSpec, type KdfSpec } from './kdf-spec';
import { RECEIPT_KDF, type Argon2Params } from './kdf';
import { KEY_LENGTH, unwrapKey, wrapKey } from './keys';
import { randomBytes, type RandomSource } from './random';

/** Characters in a locator. */
export const LOCATOR_LENGTH = 10;
/** Random characters in a receipt secret (55 bits ≥ 53). */
export const SECRET_RANDOM_CHARS = 11;
/** Characters in a receipt secret, check character included. */
export const SECRET_LENGTH = SECRET_RANDOM_CHARS + 1;

function randomChars(n: number, random: RandomSource): string {
	const bytes = random(n);
	let out = '';
	// 256 is a multiple of 32, so the low 5 bits of a uniform byte are uniform.
	for (const b of bytes) out += CROCKFORD_ALPHABET[b & 31];
	bytes.fill(0);
	return out;
}

/** A new random locator (10 canonical characters). */
export function generateLocator(random: RandomSource = randomBytes): string {
	return randomChars(LOCATOR_LENGTH, random);
}

/** Locator for display: XXXXX-XXXXX. */
export function formatLocator(locator: string): string {
	return group(locator, 5);
}

/** Parses a typed locator into its canonical form; `CryptoFormatError` if it cannot be one. */
export function parseLocator(text: string): string {
	const canonical = normalizeCrockford(text);
	if (canonical.length !== LOCATOR_LENGTH)
		throw new CryptoFormatError('BAD_LENGTH', `locator must have ${LOCATOR_LENGTH} characters`);
	return canonical;
}

/** The check character of 11 canonical secret characters. */
export function receiptCheckChar(randomPart: string): string {
	const h = nacl.hash(concatBytes(utf8('qingfeng/v1/receipt-check'), utf8(randomPart)));
	return CROCKFORD_ALPHABET[(h[0] as number) & 31] as string;
}

/** A new receipt secret (12 canonical characters, the last a check character). */
export function generateReceiptSecret(random: RandomSource = randomBytes): string {
	const part = randomChars(SECRET_RANDOM_CHARS, random);
	return part + receiptCheckChar(part);
}

/** Secret for display: XXXX-XXXX-XXXX. */
export function formatReceiptSecret(secret: string): string {
	return group(secret, 4);
}

/**
 * Parses a typed receipt secret into canonical form. Throws `CryptoFormatError` with `MALFORMED`
 * (a character outside the alphabet), `BAD_LENGTH` or `BAD_CHECKSUM` (a typo), before any
 * expensive derivation or server request.
 */
export function parseReceiptSecret(text: string): string {
	const canonical = normalizeCrockford(text);
	if (canonical.length !== SECRET_LENGTH)
		throw new CryptoFormatError('BAD_LENGTH', `receipt secret must have ${SECRET_LENGTH} characters`);
	const part = canonical.slice(0, SECRET_RANDOM_CHARS);
	if (receiptCheckChar(part) !== canonical[SECRET_RANDOM_CHARS])
		throw new CryptoFormatError('BAD_CHECKSUM', 'receipt secret: check character does not match');
	return canonical;
}

/** The two keys a receipt secret yields. */
export interface ReceiptKeys {
	/** Proves knowledge of the secret to the server. */
	authKey: Uint8Array;
	/** Unwraps the report key; never sent anywhere. */
	unwrapKey: Uint8Array;
}

/** Derives the auth and unwrap keys from a typed secret and the report's KDF spec (Argon2id). */
export async function deriveReceiptKeys(secretText: string, spec: KdfSpec): Promise<ReceiptKeys> {
	const secret = parseReceiptSecret(secretText);
	const out = await deriveFromSpec(utf8(secret), spec, 2 * KEY_LENGTH);
	return { authKey: out.slice(0, KEY_LENGTH), unwrapKey: out.slice(KEY_LENGTH) };
}

/** What the server may store for an auth key: SHA-512("qingfeng/v1/receipt-auth" | authKey)[0..32]. */
export function receiptAuthHash(authKey: Uint8Array): Uint8Array {
	return nacl.hash(concatBytes(utf8('qingfeng/v1/receipt-auth'), authKey)).slice(0, KEY_LENGTH);
}

/** Everything created with a new receipt. Only `locator` and `secret` are shown to the reporter. */
export interface NewReceipt {
	/** Public locator (canonical). */
	locator: string;
	/** Receipt secret (canonical); shown once, never sent. */
	secret: string;
	/** KDF spec (27 bytes) the server stores and returns for the locator. */
	kdfSpec: Uint8Array;
	/** Sent at submission; the server stores `authHash` only. */
	authKey: Uint8Array;
	/** Hash of the auth key, for the server. */
	authHash: Uint8Array;
	/** The report key wrapped under the unwrap key (74 bytes), stored server-side. */
	wrappedReportKey: Uint8Array;
}

/** Creates a receipt for a report key: locator, secret, salt, and the report key wrapped for the reporter. */
export async function createReceipt(reportKey: Uint8Array, params: Argon2Params = RECEIPT_KDF): Promise<NewReceipt> {
	const secret = generateReceiptSecret();
	const spec = newKdfSpec(params);
	const keys = await deriveReceiptKeys(secret, spec);
	const result: NewReceipt = {
		locator: generateLocator(),
		secret,
		kdfSpec: encodeKdfSpec(spec),
		authKey: keys.authKey,
		authHash: receiptAuthHash(keys.authKey),
		wrappedReportKey: wrapKey(reportKey, keys.unwrapKey)
	};
	keys.unwrapKey.fill(0);
	return result;
}

/** Recovers the report key from the wrapped key with the receipt's unwrap key; typed errors as `unwrapKey`. */
export function openReceiptWrappedKey(wrappedReportKey: Uint8Array, keys: ReceiptKeys): Uint8Array {
	return unwrapKey(wrappedReportKey, keys.unwrapKey);
}
