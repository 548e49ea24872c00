/**
 * Reporter side of the key directory: checks what GET /api/v1/directory served before anything is
 * sealed to it. Pure (no fetch, no globals): the caller passes the parsed JSON and the time.
 *
 * - The root public key is taken from the answer only if the caller has no pinned one; with a pinned
 *   key (e.g. shipped with the page or compared by a person), any other served key is refused.
 * - The fingerprint is recomputed here; the served one must agree (it is only there for display).
 * - A revocation list, if served, must be signed by the same root key, or the whole answer is refused.
 * - Each entry must verify against the root key (signature, validity period, revocations, organ);
 *   entries that do not are returned in `rejected` and must never be encrypted to.
 * - The answer's cipher suite must be the one the page was served with (issue 21: `SUITE_MISMATCH` both ways,
 *   before any key is looked at); entries are then parsed with that suite's scheme only, whose version byte
 *   is under the root's signature, so entries of the other suite are refused even under a false label.
 */
import { decodeBase64 } from '@oslojs/encoding';
import { CryptoError, DirectoryError } from '../crypto/errors';
import {
	NACL_ENTRIES,
	rootFingerprint,
	sameRootKey,
	verifyDirectoryEntries,
	verifyRevocationList,
	type DirectoryEntry,
	type EntryScheme,
	type Revocations
} from '../crypto/directory';
import { DEFAULT_SUITE, isSuiteId, type SuiteId } from '../crypto/suite-id';

/** What the check needs of the pinned suite (a `Suite` from `loadSuite` has all three). */
export interface SuiteDirectory {
	id: SuiteId;
	entries: EntryScheme;
	rootFingerprint(rootPublicKey: Uint8Array): string;
}

/** The NaCl suite's directory parts (the default: no 国密 code is loaded for it). */
export const NACL_DIRECTORY: SuiteDirectory = Object.freeze({
	id: 'nacl',
	entries: NACL_ENTRIES,
	rootFingerprint
});

export interface VerifiedDirectory {
	rootPublicKey: Uint8Array;
	fingerprint: string;
	/** Entries whose signature, period, organ and revocation status all check out: the only ones to seal to. */
	valid: DirectoryEntry[];
	/** Refused entries (index into the served list) with the typed reason. */
	rejected: { index: number; error: CryptoError }[];
}

/** Why a served directory was refused as a whole. */
export class DirectoryAnswerError extends Error {
	constructor(
		readonly code: 'MALFORMED' | 'ROOT_MISMATCH' | 'FINGERPRINT_MISMATCH' | 'BAD_REVOCATIONS' | 'SUITE_MISMATCH',
		message: string,
		/** ROOT_MISMATCH: the served root key and the pinned one (their 校验码 are shown to the reporter). */
		readonly roots?: { served: Uint8Array; pinned: Uint8Array }
	) {
		super(`${code}: ${message}`);
		this.name = 'DirectoryAnswerError';
	}
}

function bytesOf(value: unknown, what: string): Uint8Array {
	if (typeof value !== 'string' || value.length > 8192)
		throw new DirectoryAnswerError('MALFORMED', `${what} is not base64`);
	try {
		return decodeBase64(value);
	} catch {
		throw new DirectoryAnswerError('MALFORMED', `${what} is not base64`);
	}
}

function isRecord(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface VerifyServedOptions {
	/** The organ the reporter's report goes to; entries for any other organ are refused. */
	organId: string;
	/** Time of the check (Date or ms since the epoch). */
	now: Date | number;
	/** A root public key the page already trusts; the served one must be the same. */
	pinnedRootPublicKey?: Uint8Array;
	/** The cipher suite the page was served with (default: NaCl); a directory of another suite is refused. */
	suite?: SuiteDirectory;
}

/** Verifies a served directory answer; throws `DirectoryAnswerError` if the answer cannot be trusted at all. */
export function verifyServedDirectory(answer: unknown, options: VerifyServedOptions): VerifiedDirectory {
	if (!isRecord(answer) || !isRecord(answer.root) || !Array.isArray(answer.entries)) {
		throw new DirectoryAnswerError('MALFORMED', 'not a directory answer');
	}
	const suite = options.suite ?? NACL_DIRECTORY;
	const offered = answer.suite ?? DEFAULT_SUITE; // servers before issue 21 are NaCl and say nothing
	if (!isSuiteId(offered)) throw new DirectoryAnswerError('MALFORMED', 'unknown cipher suite');
	if (offered !== suite.id)
		throw new DirectoryAnswerError(
			'SUITE_MISMATCH',
			`the server offers the ${offered} suite, this page is ${suite.id}`
		);
	const served = bytesOf(answer.root.publicKey, 'root.publicKey');
	if (served.length !== suite.entries.rootKeyLength)
		throw new DirectoryAnswerError('MALFORMED', `root public key must be ${suite.entries.rootKeyLength} bytes`);
	if (options.pinnedRootPublicKey && !sameRootKey(served, options.pinnedRootPublicKey)) {
		throw new DirectoryAnswerError('ROOT_MISMATCH', 'the served root key is not the trusted one', {
			served,
			pinned: options.pinnedRootPublicKey
		});
	}
	const rootPublicKey = options.pinnedRootPublicKey ?? served;
	const fingerprint = suite.rootFingerprint(rootPublicKey);
	if (answer.root.fingerprint !== fingerprint)
		throw new DirectoryAnswerError('FINGERPRINT_MISMATCH', 'served fingerprint does not match the root key');
	let revocations: Revocations | undefined;
	if (answer.revocations !== null && answer.revocations !== undefined) {
		try {
			revocations = verifyRevocationList(bytesOf(answer.revocations, 'revocations'), rootPublicKey, suite.entries);
		} catch (e) {
			if (e instanceof DirectoryAnswerError || e instanceof CryptoError)
				throw new DirectoryAnswerError('BAD_REVOCATIONS', String((e as Error).message));
			throw e;
		}
	}
	const raw: Uint8Array[] = [];
	const undecodable: { index: number; error: CryptoError }[] = [];
	answer.entries.forEach((e, index) => {
		try {
			raw.push(bytesOf(e, `entries[${index}]`));
		} catch {
			raw.push(new Uint8Array(0)); // refused below as malformed, keeping indexes aligned
			undecodable.push({ index, error: new DirectoryError('UNSIGNED', 'entry is not base64') });
		}
	});
	const { valid, rejected } = verifyDirectoryEntries(raw, rootPublicKey, {
		now: options.now,
		organId: options.organId,
		revocations,
		scheme: suite.entries
	});
	const bad = new Set(undecodable.map((u) => u.index));
	return {
		rootPublicKey,
		fingerprint,
		valid,
		rejected: [...undecodable, ...rejected.filter((r) => !bad.has(r.index))].sort((a, b) => a.index - b.index)
	};
}
