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
import { Kind } from './format';
import { checkKey, subkey } from './keys';
import { isContentBucket } from './padding';

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
export function noteKey(reportKey: Uint8Array, ctx: NoteContext): Uint8Array {
	checkKey(reportKey, 'report key');
	return subkey(reportKey, 'notes v2', contextBytes(ctx));
}

/** Encrypts a note's plaintext (format N). */
export function encryptNote(reportKey: Uint8Array, ctx: NoteContext, plaintext: Uint8Array): Uint8Array {
	const key = noteKey(reportKey, ctx);
	try {
		const blob = encryptContent(key, plaintext);
		blob[1] = Kind.note;
		return blob;
	} finally {
		key.fill(0);
	}
}

/** True if `blob` is framed as a v2 note. */
export function isNoteBlob(blob: Uint8Array): boolean {
	return blob.length > 2 && blob[0] === 0x01 && blob[1] === Kind.note;
}

/** True if `blob` is a v2 note of a bucketed length (the server's check; it cannot decrypt). */
export function isNoteCiphertext(blob: Uint8Array): boolean {
	return isNoteBlob(blob) && isContentBucket(blob.length - CONTENT_OVERHEAD);
}

/**
 * Decrypts a note: format N under the context's notes key, or a note of before (format C under the
 * report key). Throws CryptoAuthError('DECRYPT_FAILED') when the context (report, author, kind) differs.
 */
export function decryptNote(reportKey: Uint8Array, ctx: NoteContext, blob: Uint8Array): Uint8Array {
	if (!isNoteBlob(blob)) return decryptContent(reportKey, blob);
	const key = noteKey(reportKey, ctx);
	try {
		const asContent = blob.slice();
		asContent[1] = Kind.content;
		return decryptContent(key, asContent);
	} finally {
		key.fill(0);
	}
}
