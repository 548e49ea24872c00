/**
 * One error hierarchy for everything in src/lib/crypto. Callers can test `instanceof CryptoError`
 * and branch on `code`; the message is for logs and developers, never shown as-is to reporters.
 */

/** Every reason a crypto operation can refuse its input. */
export type CryptoErrorCode =
	// format (parsing)
	| 'UNSUPPORTED_VERSION'
	| 'WRONG_KIND'
	| 'BAD_LENGTH'
	| 'MALFORMED'
	| 'BAD_CHECKSUM'
	| 'TOO_LARGE'
	| 'INVALID_ARGUMENT'
	// authenticity (decryption)
	| 'DECRYPT_FAILED'
	| 'TRUNCATED'
	| 'APPENDED'
	| 'KEY_MISMATCH'
	| 'STATE'
	// key directory
	| 'UNSIGNED'
	| 'BAD_SIGNATURE'
	| 'EXPIRED'
	| 'NOT_YET_VALID'
	| 'REVOKED'
	| 'WRONG_ORGAN';

/** Base class of every error thrown by src/lib/crypto. */
export class CryptoError extends Error {
	readonly code: CryptoErrorCode;
	constructor(code: CryptoErrorCode, message: string) {
		super(`${code}: ${message}`);
		this.name = 'CryptoError';
		this.code = code;
	}
}

/** The bytes or text are not a well-formed instance of the expected format (version, kind, lengths, fields). */
export class CryptoFormatError extends CryptoError {
	constructor(code: CryptoErrorCode, message: string) {
		super(code, message);
		this.name = 'CryptoFormatError';
	}
}

/** The format is fine but authentication failed: wrong key, tampered, truncated, reordered or extended data. */
export class CryptoAuthError extends CryptoError {
	constructor(code: CryptoErrorCode, message: string) {
		super(code, message);
		this.name = 'CryptoAuthError';
	}
}

/** A key-directory entry or revocation list must not be trusted (signature, validity, revocation). */
export class DirectoryError extends CryptoError {
	constructor(code: CryptoErrorCode, message: string) {
		super(code, message);
		this.name = 'DirectoryError';
	}
}
