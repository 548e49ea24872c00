/**
 * Browser-side crypto of the back office (issue 6): opening a report with the staff member's unlocked
 * key, decrypting its content, messages and notes, encrypting notes and replies, and re-sealing the
 * report key for other staff (transfer up or down, grants) after verifying the signed directory.
 *
 * Pure functions: no fetch, no globals. The pages pass the keyring's keypair (`withSecretKey`), the
 * served JSON and the time. Nothing here keeps a key: callers zero the report key when done (`forget`).
 */
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';
import { decryptContent, encryptContent } from '../../crypto/content';
import { decryptSummary } from '../../crypto/summary';
import { decryptNote, encryptNote, isNoteBlob, type NoteContext } from '../../crypto/notes';
import { fromUtf8, utf8 } from '../../crypto/encoding';
import { openSealedKey, sealKey, type BoxKeyPair } from '../../crypto/seal';
import type { DirectoryEntry } from '../../crypto/directory';
import { bytesEqual } from '../../crypto/encoding';
import { checkTransferProof, makeTransferProof, transferProofSender } from '../../crypto/transfer';
import { verifyServedDirectory } from '../directory-verify';
import type { ReportContentAsRead } from '../../shared/report-document';
import { decodeSummary } from '../../shared/report-summary';
import { deploymentSuite } from '../deployment-suite';

/*
 * Every function here works in the deployment's cipher suite (issue 21, ../deployment-suite.ts): NaCl as
 * before, or GM (SM2 seals, SM4-GCM content, notes and summaries, SM2-signed transfer proofs, GM directory).
 */
const open = (sealed: Uint8Array, pair: BoxKeyPair) =>
	(deploymentSuite()?.openSealedKey ?? openSealedKey)(sealed, pair);
const seal = (key: Uint8Array, publicKey: Uint8Array) => (deploymentSuite()?.sealKey ?? sealKey)(key, publicKey);
const decrypt = (key: Uint8Array, blob: Uint8Array) => (deploymentSuite()?.decryptContent ?? decryptContent)(key, blob);
const encrypt = (key: Uint8Array, data: Uint8Array) => (deploymentSuite()?.encryptContent ?? encryptContent)(key, data);

/** The plaintext of a report (docs/reporting.md §6), as far as the back office reads it. */
export type StaffReportContent = ReportContentAsRead;

/** A decryption that failed (wrong key, tampered or malformed): shown as such, never thrown at the page. */
export class StaffDecryptError extends Error {
	constructor(message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.name = 'StaffDecryptError';
	}
}

function bytes(b64: string, what: string): Uint8Array {
	try {
		return decodeBase64(b64);
	} catch (e) {
		throw new StaffDecryptError(`${what}: not base64`, { cause: e });
	}
}

/** Opens the caller's own wrap of a report key (format S, base64) with the unlocked keypair. */
export function openReportKey(sealed: string, pair: BoxKeyPair): Uint8Array {
	try {
		return open(bytes(sealed, 'wrap'), pair);
	} catch (e) {
		if (e instanceof StaffDecryptError) throw e;
		throw new StaffDecryptError('the report key does not open with this key', { cause: e });
	}
}

/** Decrypts a content-format ciphertext (base64) holding JSON. */
export function decryptJson<T>(reportKey: Uint8Array, b64: string): T {
	try {
		return JSON.parse(fromUtf8(decrypt(reportKey, bytes(b64, 'content')))) as T;
	} catch (e) {
		if (e instanceof StaffDecryptError) throw e;
		throw new StaffDecryptError('does not decrypt', { cause: e });
	}
}

/** Encrypts a JSON value in the content format (padded), base64 for the wire. */
export function encryptJson(reportKey: Uint8Array, value: unknown): string {
	return encodeBase64(encrypt(reportKey, utf8(JSON.stringify(value))));
}

/** The report's content. */
export function decryptReportContent(reportKey: Uint8Array, content: string): StaffReportContent {
	const c = decryptJson<StaffReportContent>(reportKey, content);
	if (!c || typeof c !== 'object') throw new StaffDecryptError('content is not an object');
	return c;
}

/** A message, a note or a rationale: plaintext `{ text }` (docs/reporting.md §4). */
export function decryptText(reportKey: Uint8Array, body: string): string {
	const v = decryptJson<{ text?: unknown }>(reportKey, body);
	return v && typeof v.text === 'string' ? v.text : '';
}

export function encryptText(reportKey: Uint8Array, text: string): string {
	return encryptJson(reportKey, { text });
}

/**
 * An internal note's text (issue 16): written as format N under the notes key bound to `ctx` (report,
 * author, kind); notes of before (format C under the report key) still read. A v2 note whose author is
 * unknown (`ctx` null: the account was deleted) cannot be read.
 */
export function encryptNoteText(reportKey: Uint8Array, ctx: NoteContext, text: string): string {
	return encodeBase64(encryptNote(reportKey, ctx, utf8(JSON.stringify({ text })), deploymentSuite()));
}

export function decryptNoteText(reportKey: Uint8Array, ctx: NoteContext | null, b64: string): string {
	const blob = bytes(b64, 'note');
	if (!isNoteBlob(blob)) return decryptText(reportKey, b64);
	if (!ctx) throw new StaffDecryptError('the note has no author to open it with');
	let v: { text?: unknown } | null;
	try {
		v = JSON.parse(fromUtf8(decryptNote(reportKey, ctx, blob, deploymentSuite()))) as { text?: unknown } | null;
	} catch (e) {
		throw new StaffDecryptError('the note does not decrypt in this context', { cause: e });
	}
	return v && typeof v.text === 'string' ? v.text : '';
}

/** The inbox summary (format I, base64) as the inbox shows it; throws StaffDecryptError when it does not open. */
export function decryptInboxSummary(reportKey: Uint8Array, b64: string): { person: string; snippet: string } {
	let s;
	try {
		s = decodeSummary(decryptSummary(reportKey, bytes(b64, 'summary'), deploymentSuite()));
	} catch (e) {
		if (e instanceof StaffDecryptError) throw e;
		throw new StaffDecryptError('the summary does not decrypt', { cause: e });
	}
	if (!s) throw new StaffDecryptError('not a summary');
	return { person: s.person, snippet: s.subject };
}

/** Title and snippet for the inbox: the person reported and the first line of the description. */
export function summarize(content: StaffReportContent, maxSnippet = 80): { person: string; snippet: string } {
	const name = content.person?.name?.trim() ?? '';
	const post = content.person?.post?.trim() ?? '';
	const person = [name, post].filter(Boolean).join(' · ');
	const first =
		(content.description ?? '')
			.split(/\r?\n/)
			.find((l) => l.trim().length > 0)
			?.trim() ?? '';
	const chars = Array.from(first);
	const snippet = chars.length > maxSnippet ? `${chars.slice(0, maxSnippet).join('')}…` : first;
	return { person, snippet };
}

export interface Wrap {
	entryId: string;
	sealed: string;
	/** Format T (../../crypto/transfer.ts), base64: who sealed it, for which report and recipient. */
	proof?: string;
}

export interface ResealResult {
	/** Root fingerprint of the verified directory (show it). */
	fingerprint: string;
	/** Staff members the key was sealed to (one wrap each). */
	recipients: number;
	/** Served entries that failed verification (never sealed to). */
	rejected: number;
	wraps: (Wrap & { staffId: string })[];
}

/** One valid entry per staff member (a renewed entry overlapping the old one has the same key). */
function perStaff(entries: DirectoryEntry[]): DirectoryEntry[] {
	const seen = new Map<string, DirectoryEntry>();
	for (const e of entries) if (!seen.has(e.staffId)) seen.set(e.staffId, e);
	return [...seen.values()];
}

/**
 * Verifies a served directory answer (POST /api/v1/directory { organ, unit? }) for `organId` and seals the
 * report key to each valid recipient. Throws DirectoryAnswerError when the answer cannot be trusted.
 */
export function resealForOrgan(
	reportKey: Uint8Array,
	answer: unknown,
	options: {
		organId: string;
		now: Date | number;
		pinnedRootPublicKey?: Uint8Array;
		only?: (e: DirectoryEntry) => boolean;
		/** A transfer: each wrap gets a proof (format T) made with the sender's key, bound to the report. */
		proof?: { reportId: string; sender: { entryId: Uint8Array; keyPair: BoxKeyPair } };
	}
): ResealResult {
	const verified = verifyServedDirectory(answer, {
		organId: options.organId,
		now: options.now,
		pinnedRootPublicKey: options.pinnedRootPublicKey,
		suite: deploymentSuite()
	});
	const chosen = perStaff(verified.valid.filter((e) => (options.only ? options.only(e) : true)));
	return {
		fingerprint: verified.fingerprint,
		recipients: chosen.length,
		rejected: verified.rejected.length,
		wraps: chosen.map((e) => {
			const sealed = seal(reportKey, e.publicKey);
			const proof = options.proof
				? encodeBase64(
						makeTransferProof(
							reportKey,
							{ reportId: options.proof.reportId, recipientEntryId: e.entryId, sealed },
							options.proof.sender,
							e.publicKey,
							deploymentSuite()
						)
					)
				: undefined;
			return {
				staffId: e.staffId,
				entryId: encodeBase64(e.entryId),
				sealed: encodeBase64(sealed),
				...(proof ? { proof } : {})
			};
		})
	};
}

/** A transferred wrap that the receiving browser refuses (issue 16): no key is shown or used. */
export class TransferWrapError extends StaffDecryptError {
	constructor(
		readonly reason: 'no_proof' | 'unknown_sender' | 'bad_proof' | 'wrong_content',
		message: string,
		options?: { cause?: unknown }
	) {
		super(message, options);
		this.name = 'TransferWrapError';
	}
}

/**
 * The receiving side of a transfer (issue 16): opens the caller's wrap and checks it before the key is used.
 * The proof must name a sender entry of the sending organ that the root-signed directory (`senderDirectory`,
 * the answer of POST /api/v1/directory for `senderOrganId`) holds as valid, be made with that entry's key,
 * bind this report, the caller's entry and this very sealed key, and commit to the key it opens to; and that
 * key must decrypt the report's content. Throws TransferWrapError otherwise (DirectoryAnswerError when the
 * directory answer itself cannot be trusted).
 */
export function openTransferredKey(opts: {
	reportId: string;
	wrap: Wrap;
	pair: BoxKeyPair;
	senderOrganId: string;
	senderDirectory: unknown;
	content: string;
	now: Date | number;
	pinnedRootPublicKey?: Uint8Array;
}): Uint8Array {
	const key = openReportKey(opts.wrap.sealed, opts.pair);
	try {
		if (!opts.wrap.proof) throw new TransferWrapError('no_proof', 'the transferred wrap carries no proof');
		const proof = bytes(opts.wrap.proof, 'proof');
		let senderId: Uint8Array;
		try {
			senderId = transferProofSender(proof, deploymentSuite());
		} catch (e) {
			throw new TransferWrapError('bad_proof', 'not a transfer proof', { cause: e });
		}
		const verified = verifyServedDirectory(opts.senderDirectory, {
			organId: opts.senderOrganId,
			now: opts.now,
			pinnedRootPublicKey: opts.pinnedRootPublicKey,
			suite: deploymentSuite()
		});
		const sender = verified.valid.find((e) => bytesEqual(e.entryId, senderId));
		if (!sender) throw new TransferWrapError('unknown_sender', 'the proof names no valid entry of the sending organ');
		try {
			checkTransferProof(
				proof,
				key,
				{
					reportId: opts.reportId,
					recipientEntryId: bytes(opts.wrap.entryId, 'entry id'),
					sealed: bytes(opts.wrap.sealed, 'wrap')
				},
				sender.publicKey,
				opts.pair,
				deploymentSuite()
			);
		} catch (e) {
			throw new TransferWrapError('bad_proof', 'the transfer proof does not hold', { cause: e });
		}
		try {
			decrypt(key, bytes(opts.content, 'content'));
		} catch (e) {
			throw new TransferWrapError('wrong_content', 'the key does not open this report’s content', { cause: e });
		}
		return key;
	} catch (e) {
		key.fill(0);
		throw e;
	}
}

/** Seals the report key to one colleague's verified entry (a grant); null when they have none. */
export function sealForColleague(
	reportKey: Uint8Array,
	answer: unknown,
	options: { organId: string; staffId: string; now: Date | number; pinnedRootPublicKey?: Uint8Array }
): { fingerprint: string; wrap: Wrap } | null {
	const r = resealForOrgan(reportKey, answer, { ...options, only: (e) => e.staffId === options.staffId });
	const w = r.wraps[0];
	return w ? { fingerprint: r.fingerprint, wrap: { entryId: w.entryId, sealed: w.sealed } } : null;
}

/** Zeroes a report key (call when the page lets go of it). */
export function forget(key: Uint8Array | null | undefined): void {
	key?.fill(0);
}
