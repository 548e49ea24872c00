/**
 * The server's base64: Node's Buffer, several times faster than the portable codec on the megabyte
 * fields of a commit (docs/performance.md), behind the same strict grammar (src/lib/shared/encoding.ts:
 * only canonical texts get here, so both codecs decode them alike; encoding.test.ts compares them).
 */
import type { Base64Codec } from '$lib/shared/encoding';
import { base64Bytes as sharedBase64Bytes } from '$lib/shared/wire/fields';

export const nodeBase64: Base64Codec = {
	decode: (text) => new Uint8Array(Buffer.from(text, 'base64')),
	encode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
};

/** Standard base64 of bytes (large fields of answers: contents, wraps). */
export const toBase64 = nodeBase64.encode;

/** Strict base64 of exactly `exact` or at most `max` bytes, as a valibot schema decoding with Buffer. */
export function base64Bytes(opts: { exact?: number; max: number }) {
	return sharedBase64Bytes(opts, nodeBase64.decode);
}
