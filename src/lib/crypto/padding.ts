/**
 * Size buckets. The server stores only ciphertext whose length is a function of the bucket, so it
 * learns the bucket, never the exact size.
 *
 * - Report content: powers of two from 1 KiB to 1 MiB (1 KiB, 2 KiB, 4 KiB, … 1 MiB). Larger content
 *   is refused: long material belongs in attachments.
 * - Attachments (header + file bytes): powers of two from 1 KiB to 1 MiB, then Padmé rounding above
 *   1 MiB: with E = floor(log2 L) and S = floor(log2 E) + 1, L is rounded up to a multiple of
 *   2^(E − S). That keeps the overhead under 1/32 (≈ 3 %) for every size above 1 MiB while leaking
 *   only O(log log L) bits.
 */
import { CryptoFormatError } from './errors';

/** Smallest bucket for content and attachments. */
export const MIN_BUCKET = 1024;
/** Largest padded content (the 4-byte length prefix included). */
export const MAX_CONTENT_BUCKET = 1024 * 1024;
/** Above this, attachments switch from powers of two to Padmé. */
export const PADME_THRESHOLD = 1024 * 1024;

function nextPowerOfTwo(n: number): number {
	let p = MIN_BUCKET;
	while (p < n) p *= 2;
	return p;
}

function floorLog2(n: number): number {
	let e = 0;
	while (2 ** (e + 1) <= n) e++;
	return e;
}

/** Padded size of report content whose framed length (prefix + bytes) is `length`. */
export function contentBucket(length: number): number {
	if (!Number.isSafeInteger(length) || length < 0) throw new CryptoFormatError('INVALID_ARGUMENT', 'bad length');
	if (length > MAX_CONTENT_BUCKET) throw new CryptoFormatError('TOO_LARGE', `content of ${length} bytes exceeds 1 MiB`);
	return nextPowerOfTwo(length);
}

/** True if `n` is one of the content buckets. */
export function isContentBucket(n: number): boolean {
	return n >= MIN_BUCKET && n <= MAX_CONTENT_BUCKET && (n & (n - 1)) === 0;
}

/** Padded size of an attachment stream whose unpadded length (header + file bytes) is `length`. */
export function attachmentBucket(length: number): number {
	if (!Number.isSafeInteger(length) || length < 0) throw new CryptoFormatError('INVALID_ARGUMENT', 'bad length');
	if (length <= PADME_THRESHOLD) return nextPowerOfTwo(length);
	const e = floorLog2(length);
	const s = floorLog2(e) + 1;
	const step = 2 ** (e - s);
	return Math.ceil(length / step) * step;
}
