/**
 * Internal notes, format N (issue 16): staff-only notes under their own key, bound to their context.
 *
 * Before (format C, still readable): a note was a content blob under the report key itself, the key the
 * reporter's receipt also unwraps, and nothing tied it to its report or author: the server could show a
 * note to the reporter as a message, or move it to another report, and it would decrypt.
 *
 * Note blob v2: 01 4E | nonce (24) | secretbox(P, nonce, subkey(K_n, "content")), P padded as content
 *   K_n = subkey(reportKey, "notes v2", UTF-8 of reportId ‖ 0x00 ‖ authorId ‖ 0x00 ‖ kind)
 * i.e. the content format (./content.ts) under a notes key that is domain-separated from the report key
 * and derived from the note's context (report id, author id, kind): a note decrypts only as a note of the
 * same report, written by the same author, of the same kind. The kind byte 'N' keeps it from being parsed
 * as content; decrypting it as content with the report key (the receipt's path) fails.
 */
import { CONTENT_OVERHEAD, decryptContent, encryptContent } from './content';
import { utf8 } from './encoding';
import { CryptoFormatError } from './errors';
import { FORMAT_VERSION, GM_FORMAT_VERSION, Kind } from './format';
import { GM_CONTENT_OVERHEAD_BYTES } from './gm/sizes';
import { checkKey, subkey } from './keys';
import { isContentBucket } from './padding';
import type { Suite } from './suite';

const other = (suite?: Suite) => (suite && suite.id !== 'nacl' ? suite : undefined);

/** What a note is bound to. */
export interface NoteContext {
	reportId: string;
	authorId: string;
	/** 'note' (internal note); other kinds may bind rationale notes later. */
	kind: string;
}

function contextBytes(ctx: NoteContext): Uint8Array {
	for (const v of [ctx.reportId, ctx.authorId, ctx.kind])
		if (v.includes('\u0000')) throw new CryptoFormatError('INVALID_ARGUMENT', 'note context holds a NUL');
	return utf8(`${ctx.reportId}\u0000${ctx.authorId}\u0000${ctx.kind}`);
}

/** The notes key for one context (never the report key itself). */
export function noteKey(reportKey: Uint8Array, ctx: NoteContext, suite?: Suite): Uint8Array {
	checkKey(reportKey, 'report key');
	return (other(suite)?.subkey ?? subkey)(reportKey, 'notes v2', contextBytes(ctx));
}

/** Encrypts a note's plaintext (format N). */
export function encryptNote(reportKey: Uint8Array, ctx: NoteContext, plaintext: Uint8Array, suite?: Suite): Uint8Array {
	const key = noteKey(reportKey, ctx, suite);
	try {
		const blob = (other(suite)?.encryptContent ?? encryptContent)(key, plaintext);
		blob[1] = Kind.note;
		return blob;
	} finally {
		key.fill(0);
	}
}

/** True if `blob` is framed as a v2 note (of either suite: byte 0 says which). */
export function isNoteBlob(blob: Uint8Array): boolean {
	return blob.length > 2 && (blob[0] === FORMAT_VERSION || blob[0] === GM_FORMAT_VERSION) && blob[1] === Kind.note;
}

/** True if `blob` is a v2 note of a bucketed length for its suite (the server's check; it cannot decrypt). */
export function isNoteCiphertext(blob: Uint8Array): boolean {
	const overhead = blob[0] === GM_FORMAT_VERSION ? GM_CONTENT_OVERHEAD_BYTES : CONTENT_OVERHEAD;
	return isNoteBlob(blob) && isContentBucket(blob.length - overhead);
}

/**
 * Decrypts a note: format N under the context's notes key, or a note of before (format C under the
 * report key). Throws CryptoAuthError('DECRYPT_FAILED') when the context (report, author, kind) differs.
 */
export function decryptNote(reportKey: Uint8Array, ctx: NoteContext, blob: Uint8Array, suite?: Suite): Uint8Array {
	const decrypt = other(suite)?.decryptContent ?? decryptContent;
	if (!isNoteBlob(blob)) return decrypt(reportKey, blob);
	const key = noteKey(reportKey, ctx, suite);
	try {
		const asContent = blob.slice();
		asContent[1] = Kind.content;
		return decrypt(key, asContent);
	} finally {
		key.fill(0);
	}
}
