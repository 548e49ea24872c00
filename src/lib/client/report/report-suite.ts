/**
 * The cipher suite of the reporter's side (issue 21): what the submission and the follow-up ask of the
 * deployment's suite (the page's `pinnedSuite`). NaCl uses the core's functions directly, as before, so a
 * NaCl page's bundle does not change; the GM suite is fetched only on a GM page (`loadSuite`'s dynamic import).
 */
import { encryptContent, decryptContent } from '../../crypto/content';
import { RECEIPT_KDF, type Argon2Params } from '../../crypto/kdf';
import { encodeKdfSpec, newKdfSpec } from '../../crypto/kdf-spec';
import { unwrapKey, wrapKey } from '../../crypto/keys';
import { receiptAuthHash } from '../../crypto/receipt';
import { sealKey } from '../../crypto/seal';
import { encryptSummary } from '../../crypto/summary';
import { DEFAULT_SUITE, loadSuite, type SuiteId } from '../../crypto/suite';
import { requireAcceptableKdfSpec } from '../kdf-floor';

export interface ReporterSuite {
	id: SuiteId;
	encryptContent(reportKey: Uint8Array, content: Uint8Array): Uint8Array;
	decryptContent(reportKey: Uint8Array, blob: Uint8Array): Uint8Array;
	encryptSummary(reportKey: Uint8Array, summary: Uint8Array): Uint8Array;
	sealKey(key: Uint8Array, recipientPublicKey: Uint8Array): Uint8Array;
	wrapKey(key: Uint8Array, kek: Uint8Array): Uint8Array;
	unwrapKey(wrapped: Uint8Array, kek: Uint8Array): Uint8Array;
	receiptAuthHash(authKey: Uint8Array): Uint8Array;
	/** A fresh receipt KDF spec; `argon2` (tests, NaCl only) overrides the production parameters. */
	newReceiptKdfSpec(argon2?: Argon2Params): Uint8Array;
	/** Throws (`WeakKdfError` or a format error) unless the server's receipt KDF spec is acceptable. */
	requireReceiptKdfSpec(kdfSpec: Uint8Array): void;
}

const NACL_REPORTER: ReporterSuite = Object.freeze({
	id: 'nacl',
	encryptContent,
	decryptContent,
	encryptSummary,
	sealKey,
	wrapKey,
	unwrapKey,
	receiptAuthHash,
	newReceiptKdfSpec: (argon2: Argon2Params = RECEIPT_KDF) => encodeKdfSpec(newKdfSpec(argon2)),
	requireReceiptKdfSpec: requireAcceptableKdfSpec
});

/** The reporter's suite for a page's pinned suite id (default NaCl). */
export async function reporterSuite(id: SuiteId = DEFAULT_SUITE): Promise<ReporterSuite> {
	if (id === 'nacl') return NACL_REPORTER;
	const s = await loadSuite(id);
	return Object.freeze({
		id: s.id,
		encryptContent: s.encryptContent,
		decryptContent: s.decryptContent,
		encryptSummary: s.encryptSummary,
		sealKey: s.sealKey,
		wrapKey: s.wrapKey,
		unwrapKey: s.unwrapKey,
		receiptAuthHash: s.receiptAuthHash,
		newReceiptKdfSpec: () => s.newReceiptKdfSpec(),
		requireReceiptKdfSpec: s.requireReceiptKdfSpec
	});
}
