import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	ATTACHMENT_HEADER_LENGTH,
	CHUNK_CIPHERTEXT_SIZE,
	CHUNK_SIZE,
	attachmentLayout,
	createAttachmentDecryptor,
	createAttachmentEncryptor,
	decryptAttachment,
	decryptAttachmentStream,
	encryptAttachment,
	encryptAttachmentStream
} from './attachment';
import { CryptoAuthError, CryptoError } from './errors';
import { bytesEqual, concatBytes } from './encoding';
import { generateReportKey } from './keys';
import { attachmentBucket } from './padding';
import { expectCryptoError, pseudoRandomBytes } from '$support/crypto';
import { naclSuite } from './nacl-suite';
import { gmSuite } from './gm/suite';

/** The tampering properties run for both cipher suites (issue 21). */
const SUITES = [naclSuite, gmSuite];

const KEY = generateReportKey();
const META = { name: '举报材料 scan (1).pdf', type: 'application/pdf' };
const MiB = 1024 * 1024;

/** Splits a stored stream into [header, chunk 0, chunk 1, …]. */
function split(stream: Uint8Array): Uint8Array[] {
	const parts = [stream.subarray(0, ATTACHMENT_HEADER_LENGTH)];
	for (let at = ATTACHMENT_HEADER_LENGTH; at < stream.length; at += CHUNK_CIPHERTEXT_SIZE) {
		parts.push(stream.subarray(at, Math.min(at + CHUNK_CIPHERTEXT_SIZE, stream.length)));
	}
	return parts;
}

/** Splits `data` at the given sorted cut points. */
function cut(data: Uint8Array, cuts: number[]): Uint8Array[] {
	const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
	const out: Uint8Array[] = [];
	let prev = 0;
	for (const p of points) {
		out.push(data.subarray(prev, p));
		prev = p;
	}
	out.push(data.subarray(prev));
	return out;
}

describe('attachment round trips', () => {
	it('round-trips the edge sizes around chunk and bucket boundaries', () => {
		for (const size of [
			0,
			1,
			1000,
			1024,
			CHUNK_SIZE - 40,
			CHUNK_SIZE,
			CHUNK_SIZE + 1,
			2 * CHUNK_SIZE,
			MiB - 30,
			MiB,
			MiB + 1
		]) {
			const data = pseudoRandomBytes(size, size + 1);
			const stream = encryptAttachment(KEY, data, META);
			const layout = attachmentLayout({ ...META, size });
			expect(stream.length).toBe(layout.ciphertextLength);
			const out = decryptAttachment(KEY, stream);
			expect(out.name).toBe(META.name);
			expect(out.type).toBe(META.type);
			expect(bytesEqual(out.data, data)).toBe(true);
		}
	});

	it('property: decrypt(encrypt(x)) == x for files of 0 bytes to 4 MiB', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 4 * MiB }),
				fc.integer(),
				fc.string({ maxLength: 40 }),
				(size, seed, name) => {
					const data = pseudoRandomBytes(size, seed);
					const out = decryptAttachment(KEY, encryptAttachment(KEY, data, { name, type: 'image/jpeg' }));
					expect(out.name).toBe(name);
					expect(out.data.length).toBe(size);
					expect(bytesEqual(out.data, data)).toBe(true);
				}
			),
			{ numRuns: 20 }
		);
	});

	it('property: streaming in arbitrary pieces gives the same result as the whole-buffer functions', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 400_000 }),
				fc.integer(),
				fc.array(fc.nat(), { maxLength: 12 }),
				fc.array(fc.nat(), { maxLength: 12 }),
				(size, seed, inCuts, outCuts) => {
					const data = pseudoRandomBytes(size, seed);
					const enc = createAttachmentEncryptor(KEY, { ...META, size });
					const pieces: Uint8Array[] = [];
					for (const piece of cut(data, inCuts)) pieces.push(...enc.push(piece));
					pieces.push(...enc.finish());
					expect(enc.progress).toEqual({ done: size, total: size });
					const stream = concatBytes(...pieces);
					expect(stream.length).toBe(enc.layout.ciphertextLength);
					const dec = createAttachmentDecryptor(KEY);
					const plain: Uint8Array[] = [];
					for (const piece of cut(stream, outCuts)) plain.push(...dec.push(piece));
					plain.push(...dec.finish());
					expect(dec.info).toEqual({ ...META, size });
					expect(bytesEqual(concatBytes(...plain), data)).toBe(true);
				}
			),
			{ numRuns: 40 }
		);
	});

	it('async generators report progress and round-trip', async () => {
		const data = pseudoRandomBytes(300_000, 7);
		const progress: number[] = [];
		const source = cut(data, [10, 70_000, 200_000]);
		const stored: Uint8Array[] = [];
		for await (const piece of encryptAttachmentStream(KEY, { ...META, size: data.length }, source, (p) =>
			progress.push(p.done)
		)) {
			stored.push(piece);
		}
		expect(progress.at(-1)).toBe(data.length);
		let seen = '';
		const plain: Uint8Array[] = [];
		for await (const piece of decryptAttachmentStream(KEY, stored, (info) => (seen = info.name))) plain.push(piece);
		expect(seen).toBe(META.name);
		expect(bytesEqual(concatBytes(...plain), data)).toBe(true);
	});

	it('stores only bucket-rounded sizes', () => {
		// 1.5 MB: Padmé step 32 KiB above 1 MiB, so 1_475_000 … 1_507_328 bytes of stream share one size.
		const a = encryptAttachment(KEY, new Uint8Array(1_480_000), { name: 'a', type: '' });
		const b = encryptAttachment(KEY, new Uint8Array(1_500_000), {
			name: 'a much longer file name.docx',
			type: 'application/msword'
		});
		expect(a.length).toBe(b.length);
		expect(attachmentBucket(1_500_000 + 12)).toBe(1_507_328);
		const small = [1, 500, 900].map((n) => encryptAttachment(KEY, new Uint8Array(n), { name: 'x', type: '' }).length);
		expect(new Set(small).size).toBe(1);
	});

	it('keeps name and type out of the clear', () => {
		const stream = encryptAttachment(KEY, new Uint8Array(10), { name: 'CANARY-NAME', type: 'CANARY/TYPE' });
		const text = new TextDecoder('latin1').decode(stream);
		expect(text.includes('CANARY')).toBe(false);
	});

	it('encryptor refuses more or fewer bytes than declared, and use after finish', () => {
		const enc = createAttachmentEncryptor(KEY, { ...META, size: 5 });
		expectCryptoError(() => enc.push(new Uint8Array(6)), 'INVALID_ARGUMENT');
		enc.push(new Uint8Array(3));
		expectCryptoError(() => enc.finish(), 'INVALID_ARGUMENT');
		enc.push(new Uint8Array(2));
		enc.finish();
		expectCryptoError(() => enc.push(new Uint8Array(0)), 'STATE');
	});
});

describe.each(SUITES)('attachment tampering fails with a typed error ($id suite)', (suite) => {
	const sized = fc.integer({ min: 0, max: 5 * CHUNK_SIZE });

	it('property: any single flipped byte', () => {
		fc.assert(
			fc.property(sized, fc.nat(), fc.integer({ min: 1, max: 255 }), (size, pos, x) => {
				const stream = suite.encryptAttachment(KEY, pseudoRandomBytes(size, size), META);
				const bad = stream.slice();
				const at = pos % bad.length;
				bad[at] = (bad[at] as number) ^ x;
				expectCryptoError(() => suite.decryptAttachment(KEY, bad));
			}),
			{ numRuns: 100 }
		);
	});

	it('property: truncation anywhere', () => {
		fc.assert(
			fc.property(sized, fc.nat(), (size, pos) => {
				const stream = suite.encryptAttachment(KEY, pseudoRandomBytes(size, size), META);
				expectCryptoError(
					() => suite.decryptAttachment(KEY, stream.subarray(0, pos % stream.length)),
					'TRUNCATED',
					'DECRYPT_FAILED',
					'BAD_LENGTH'
				);
			}),
			{ numRuns: 100 }
		);
	});

	it('truncation at every chunk boundary is TRUNCATED', () => {
		const stream = suite.encryptAttachment(KEY, pseudoRandomBytes(4 * CHUNK_SIZE, 1), META);
		const parts = split(stream);
		for (let n = 1; n < parts.length; n++) {
			expectCryptoError(() => suite.decryptAttachment(KEY, concatBytes(...parts.slice(0, n))), 'TRUNCATED');
		}
	});

	it('property: appended data (a copy of a chunk or random bytes)', () => {
		fc.assert(
			fc.property(sized, fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.boolean(), (size, extra, copyChunk) => {
				const stream = suite.encryptAttachment(KEY, pseudoRandomBytes(size, size), META);
				const parts = split(stream);
				const tail = copyChunk ? (parts.at(-1) as Uint8Array) : extra;
				expectCryptoError(() => suite.decryptAttachment(KEY, concatBytes(stream, tail)), 'APPENDED', 'DECRYPT_FAILED');
			}),
			{ numRuns: 60 }
		);
	});

	it('streaming: bytes after the final chunk are APPENDED', () => {
		const stream = suite.encryptAttachment(KEY, pseudoRandomBytes(3 * CHUNK_SIZE, 3), META);
		const dec = suite.createAttachmentDecryptor(KEY);
		dec.push(stream);
		expectCryptoError(() => dec.push(new Uint8Array([0])), 'APPENDED');
	});

	const multi = fc.integer({ min: CHUNK_SIZE, max: 6 * CHUNK_SIZE });

	it('property: a dropped, duplicated or reordered chunk', () => {
		fc.assert(
			fc.property(multi, fc.nat(), fc.nat(), fc.constantFrom('drop', 'dup', 'swap'), (size, i, j, op) => {
				const parts = split(suite.encryptAttachment(KEY, pseudoRandomBytes(size, size), META));
				const chunks = parts.slice(1);
				const a = i % chunks.length;
				let b = j % chunks.length;
				if (op === 'drop') chunks.splice(a, 1);
				else if (op === 'dup') chunks.splice(a, 0, chunks[a] as Uint8Array);
				else {
					if (b === a) b = (a + 1) % chunks.length;
					[chunks[a], chunks[b]] = [chunks[b] as Uint8Array, chunks[a] as Uint8Array];
				}
				expectCryptoError(() => suite.decryptAttachment(KEY, concatBytes(parts[0] as Uint8Array, ...chunks)));
			}),
			{ numRuns: 100 }
		);
	});

	it('property: a chunk or header moved from another file (same report key, same size)', () => {
		fc.assert(
			fc.property(multi, fc.nat(), fc.boolean(), (size, i, header) => {
				const data = pseudoRandomBytes(size, size);
				const one = split(suite.encryptAttachment(KEY, data, META));
				const two = split(suite.encryptAttachment(KEY, data, META));
				const at = header ? 0 : 1 + (i % (one.length - 1));
				one[at] = two[at] as Uint8Array;
				const e = expectCryptoError(() => suite.decryptAttachment(KEY, concatBytes(...one)), 'DECRYPT_FAILED');
				expect(e).toBeInstanceOf(CryptoAuthError);
			}),
			{ numRuns: 40 }
		);
	});

	it('wrong report key, unknown version, wrong kind', () => {
		const stream = suite.encryptAttachment(KEY, new Uint8Array(100), META);
		expectCryptoError(() => suite.decryptAttachment(generateReportKey(), stream), 'DECRYPT_FAILED');
		const v2 = stream.slice();
		v2[0] = 2;
		expectCryptoError(() => suite.decryptAttachment(KEY, v2), 'UNSUPPORTED_VERSION');
		const kind = stream.slice();
		kind[1] = 0x43;
		expectCryptoError(() => suite.decryptAttachment(KEY, kind), 'WRONG_KIND');
		expectCryptoError(() => suite.decryptAttachment(KEY, new Uint8Array(0)), 'TRUNCATED');
		expectCryptoError(() => suite.decryptAttachment(KEY.subarray(1), stream), 'BAD_LENGTH');
	});

	it('a failed decryptor stays failed', () => {
		const stream = suite.encryptAttachment(KEY, new Uint8Array(2 * CHUNK_SIZE), META);
		const dec = suite.createAttachmentDecryptor(generateReportKey());
		expect(() => dec.push(stream)).toThrow(CryptoError);
		expect(() => dec.finish()).toThrow(CryptoError);
	});
});
