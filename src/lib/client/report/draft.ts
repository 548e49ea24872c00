/**
 * An opt-in, encrypted draft on the reporter's device. By default nothing is written anywhere: only an
 * explicit `saveDraft` stores one item in localStorage (key DRAFT_STORAGE_KEY), and `deleteDraft` removes it.
 *
 * Stored value (JSON): { "v": 1, "wrapped": base64(P), "body": base64(C) } and, in the GM suite only,
 * "suite": "gm" (issue 21: a GM deployment's page keeps its drafts in its own suite too):
 *   P = a fresh random 32-byte draft key, password-wrapped under Argon2id(passphrase) (format P of
 *       docs/crypto.md, 64 MiB, run in the crypto worker) or, under GM, PBKDF2-HMAC-SM3 at the receipt
 *       count; fresh salt each save;
 *   C = the draft as JSON, padded and encrypted under the draft key (format C of the suite, as report content).
 * Files are never included: Blob/File values (and typed arrays) are dropped from the object before it is
 * serialized. A wrong passphrase is `draft_wrong_passphrase`; the stored item is left alone.
 */
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';
import { fromUtf8, utf8 } from '../../crypto/encoding';
import { CryptoAuthError, CryptoError } from '../../crypto/errors';
import { RECEIPT_KDF, type Argon2Params } from '../../crypto/kdf';
import { generateReportKey } from '../../crypto/keys';
import { DEFAULT_SUITE, isSuiteId, type SuiteId } from '../../crypto/suite-id';
import { cryptoWorker, type KdfProgress } from '../crypto-client';
import { ReportError } from './errors';
import { cryptoFailure, type ReporterCrypto } from './files';
import { reporterSuite } from './report-suite';

/** The one localStorage key a draft uses. */
export const DRAFT_STORAGE_KEY = 'qingfeng.report-draft.v1';

/** The part of `Storage` a draft needs (window.localStorage by default). */
export interface DraftStorage {
	getItem(key: string): string | null;
	setItem(key: string, value: string): void;
	removeItem(key: string): void;
}

export interface DraftOptions {
	/** Default: window.localStorage. */
	storage?: DraftStorage;
	/** The crypto worker (default: the page's shared one). */
	crypto?: ReporterCrypto;
	/** Argon2id progress (the only slow step). */
	onProgress?: (p: KdfProgress) => void;
	signal?: AbortSignal;
	/** FOR TESTS ONLY: Argon2id parameters (default 64 MiB, 3 passes, like receipts; NaCl only). */
	kdf?: Argon2Params;
	/** The page's pinned suite: a save encrypts in it (default NaCl); a load follows the stored draft's. */
	suite?: SuiteId;
}

function storageOf(options: DraftOptions): DraftStorage {
	if (options.storage) return options.storage;
	try {
		if (typeof localStorage !== 'undefined' && localStorage) return localStorage;
	} catch {
		// access denied (e.g. storage disabled)
	}
	throw new ReportError('storage_unavailable', 'this device offers no local storage');
}

/** Serializes without files: Blobs, ArrayBuffers and typed arrays are left out. */
function serialize(draft: unknown): string {
	return JSON.stringify(draft, (_key, value: unknown) => {
		if (typeof Blob !== 'undefined' && value instanceof Blob) return undefined;
		if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return undefined;
		return value;
	});
}

/** Encrypts the draft under the passphrase and stores it (replacing any previous draft). */
export async function saveDraft<T>(passphrase: string, draft: T, options: DraftOptions = {}): Promise<void> {
	if (passphrase.length === 0)
		throw new ReportError('invalid_input', 'a draft needs a passphrase', { field: 'passphrase' });
	const storage = storageOf(options);
	const crypto = options.crypto ?? cryptoWorker();
	const suite = await reporterSuite(options.suite ?? DEFAULT_SUITE);
	const key = generateReportKey();
	try {
		const body = (() => {
			try {
				return suite.encryptContent(key, utf8(serialize(draft)));
			} catch (e) {
				if (e instanceof CryptoError && e.code === 'TOO_LARGE')
					throw new ReportError('content_too_large', 'the draft is too long', { cause: e });
				throw e;
			}
		})();
		let wrapped: Uint8Array;
		try {
			wrapped = await crypto.passwordWrapKey(key, passphrase, options.kdf ?? RECEIPT_KDF, {
				signal: options.signal,
				onProgress: (p) => 'state' in p && options.onProgress?.(p),
				suite: suite.id
			});
		} catch (e) {
			cryptoFailure(e);
		}
		try {
			const item = { v: 1, wrapped: encodeBase64(wrapped), body: encodeBase64(body) };
			storage.setItem(DRAFT_STORAGE_KEY, JSON.stringify(suite.id === 'nacl' ? item : { ...item, suite: suite.id }));
		} catch (e) {
			throw new ReportError('storage_unavailable', 'the draft could not be stored', { cause: e });
		}
	} finally {
		key.fill(0);
	}
}

/** True if a draft is stored (without reading it). */
export function hasDraft(options: Pick<DraftOptions, 'storage'> = {}): boolean {
	try {
		return storageOf(options).getItem(DRAFT_STORAGE_KEY) !== null;
	} catch {
		return false;
	}
}

/** Removes the draft (nothing happens if there is none). */
export function deleteDraft(options: Pick<DraftOptions, 'storage'> = {}): void {
	try {
		storageOf(options).removeItem(DRAFT_STORAGE_KEY);
	} catch {
		// no storage, so no draft
	}
}

/**
 * Decrypts the stored draft; null if there is none. A wrong passphrase (or a tampered draft) is
 * `draft_wrong_passphrase`; an unreadable item is `draft_corrupt`.
 */
export async function loadDraft<T = unknown>(passphrase: string, options: DraftOptions = {}): Promise<T | null> {
	const storage = storageOf(options);
	const raw = storage.getItem(DRAFT_STORAGE_KEY);
	if (raw === null) return null;
	let wrapped: Uint8Array;
	let body: Uint8Array;
	let suiteId: SuiteId;
	try {
		const item = JSON.parse(raw) as { v?: unknown; wrapped?: unknown; body?: unknown; suite?: unknown };
		if (item.v !== 1 || typeof item.wrapped !== 'string' || typeof item.body !== 'string') throw new Error('shape');
		const stored = item.suite ?? 'nacl';
		if (!isSuiteId(stored)) throw new Error('suite');
		suiteId = stored;
		wrapped = decodeBase64(item.wrapped);
		body = decodeBase64(item.body);
	} catch (e) {
		throw new ReportError('draft_corrupt', 'the stored draft cannot be read', { cause: e });
	}
	const crypto = options.crypto ?? cryptoWorker();
	let key: Uint8Array;
	try {
		key = await crypto.passwordUnwrapKey(wrapped, passphrase, {
			signal: options.signal,
			onProgress: (p) => 'state' in p && options.onProgress?.(p),
			suite: suiteId
		});
	} catch (e) {
		if (e instanceof CryptoAuthError) throw new ReportError('draft_wrong_passphrase', 'wrong passphrase', { cause: e });
		if (e instanceof CryptoError)
			throw new ReportError('draft_corrupt', 'the stored draft cannot be read', { cause: e });
		cryptoFailure(e);
	}
	try {
		return JSON.parse(fromUtf8((await reporterSuite(suiteId)).decryptContent(key, body))) as T;
	} catch (e) {
		if (e instanceof CryptoAuthError)
			throw new ReportError('draft_wrong_passphrase', 'wrong passphrase or tampered draft', { cause: e });
		throw new ReportError('draft_corrupt', 'the stored draft cannot be read', { cause: e });
	} finally {
		key.fill(0);
	}
}
