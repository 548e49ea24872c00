import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INLINE_MAX_BYTES, MAX_CONTENT_BYTES, MAX_INLINE_FILES, MAX_WRAPS } from '../limits';
import {
	decodeReportBinary,
	encodeReportBinary,
	REPORT_BINARY_CAP,
	REPORT_BYTE_LENGTHS as L,
	type ReportBytes
} from './report-binary';

const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill);
const head = {
	v: 1,
	pow: { challenge: 'abc', nonce: 3 },
	routing: { unit: 'u-1' },
	organ: 'o-1',
	receipt: { locator: 'L' }
};
const sample = (over: Partial<ReportBytes> = {}): ReportBytes => ({
	content: bytes(100, 1),
	summary: bytes(L.summary, 2),
	kdfSpec: bytes(L.kdfSpec, 3),
	authHash: bytes(L.authHash, 4),
	wrappedKey: bytes(L.wrappedKey, 5),
	wraps: [
		{ entryId: bytes(L.entryId, 6), sealed: bytes(L.sealed, 7) },
		{ entryId: bytes(L.entryId, 8), sealed: bytes(L.sealed, 9) }
	],
	files: [bytes(300, 10), bytes(1, 11)],
	...over
});

/** A body with the u32 at `at` replaced by `n`. */
function withU32(body: Uint8Array, at: number, n: number): Uint8Array {
	const out = body.slice();
	new DataView(out.buffer).setUint32(at, n);
	return out;
}

describe('the binary commit body', () => {
	it('decodes what it encodes, every field a view of the body (no copy)', () => {
		const b = sample();
		const body = encodeReportBinary(head, b);
		const d = decodeReportBinary(body);
		expect(d.ok).toBe(true);
		if (!d.ok) return;
		expect(d.head).toEqual(head);
		expect(d.bytes).toEqual(b);
		expect(d.bytes.content.buffer).toBe(body.buffer);
		expect(d.bytes.files![0]!.buffer).toBe(body.buffer);
		// Header, head, the six fields, the wraps and the files: nothing else.
		const headLength = new TextEncoder().encode(JSON.stringify(head)).length;
		expect(body.length).toBe(
			4 +
				4 +
				headLength +
				4 * 5 +
				100 +
				L.summary +
				L.kdfSpec +
				L.authHash +
				L.wrappedKey +
				4 +
				2 * (8 + L.entryId + L.sealed) +
				4 +
				8 +
				301
		);
		expect([...body.subarray(0, 4)]).toEqual([0x51, 0x46, 0x52, 1]);
	});

	it('round-trips any content, summary or none, wraps and files within the limits', () => {
		fc.assert(
			fc.property(
				fc.uint8Array({ minLength: 1, maxLength: 2000 }),
				fc.boolean(),
				fc.integer({ min: 0, max: 5 }),
				fc.array(fc.uint8Array({ minLength: 1, maxLength: 500 }), { maxLength: 4 }),
				(content, summary, wraps, files) => {
					const b = sample({
						content,
						summary: summary ? bytes(L.summary) : undefined,
						wraps: Array.from({ length: wraps }, (_, i) => ({
							entryId: bytes(L.entryId, i),
							sealed: bytes(L.sealed, i)
						})),
						files
					});
					if (!summary) delete b.summary;
					const d = decodeReportBinary(encodeReportBinary(head, b));
					expect(d).toEqual({ ok: true, head, bytes: b });
				}
			),
			{ numRuns: 60 }
		);
	});

	it('with an intake, no files means none; a count of files is passed on (and refused by the server)', () => {
		const h = { ...head, intake: 'x' };
		const none = decodeReportBinary(encodeReportBinary(h, sample({ files: [] })));
		expect(none.ok && none.bytes.files).toBe(undefined);
		const some = decodeReportBinary(encodeReportBinary(h, sample()));
		expect(some.ok && some.bytes.files?.length).toBe(2);
		const inline = decodeReportBinary(encodeReportBinary(head, sample({ files: [] })));
		expect(inline.ok && inline.bytes.files).toEqual([]);
	});

	it('refuses every truncation and any byte appended, naming a field, without throwing', () => {
		const body = encodeReportBinary(head, sample());
		for (let n = 0; n < body.length; n++) {
			const d = decodeReportBinary(body.subarray(0, n));
			expect(d.ok, `truncated to ${n}`).toBe(false);
			if (!d.ok) expect(typeof d.field).toBe('string');
		}
		const longer = new Uint8Array(body.length + 1);
		longer.set(body);
		expect(decodeReportBinary(longer)).toEqual({ ok: false, code: 'invalid_field', field: 'body' });
	});

	it('refuses another magic, another version and a head that is not JSON', () => {
		const body = encodeReportBinary(head, sample());
		const other = body.slice();
		other[0] = 0x7b; // '{': a JSON body sent with the wrong type
		expect(decodeReportBinary(other)).toEqual({ ok: false, code: 'invalid_field', field: 'body' });
		const v2 = body.slice();
		v2[3] = 2;
		expect(decodeReportBinary(v2)).toEqual({ ok: false, code: 'unsupported_version', field: 'v' });
		const notJson = encodeReportBinary(head, sample()).slice();
		notJson[8] = 0xff; // the head's first byte: not UTF-8
		expect(decodeReportBinary(notJson)).toMatchObject({ ok: false, code: 'invalid_json', field: 'head' });
	});

	it('checks every length against its bound before using it', () => {
		const body = encodeReportBinary(head, sample());
		const headEnd = 8 + new DataView(body.buffer).getUint32(4);
		// The content's length: 0, above the largest content, past the end.
		for (const n of [0, MAX_CONTENT_BYTES + 1, 0xffffffff])
			expect(decodeReportBinary(withU32(body, headEnd, n))).toMatchObject({ ok: false, field: 'content' });
		// The head's length past the end, and above its cap.
		expect(decodeReportBinary(withU32(body, 4, 0xffffffff))).toMatchObject({ ok: false, field: 'head' });
		// A summary of another length than the format's.
		const summaryAt = headEnd + 4 + 100;
		expect(decodeReportBinary(withU32(body, summaryAt, 5))).toMatchObject({ ok: false, field: 'summary' });
		// Too many wraps, too many files, a file above the inline cap.
		const wrapsAt = summaryAt + 4 + L.summary + 4 + L.kdfSpec + 4 + L.authHash + 4 + L.wrappedKey;
		expect(decodeReportBinary(withU32(body, wrapsAt, MAX_WRAPS + 1))).toMatchObject({ ok: false, field: 'wraps' });
		const filesAt = wrapsAt + 4 + 2 * (8 + L.entryId + L.sealed);
		expect(decodeReportBinary(withU32(body, filesAt, MAX_INLINE_FILES + 1))).toMatchObject({
			ok: false,
			field: 'files'
		});
		expect(decodeReportBinary(withU32(body, filesAt + 4, INLINE_MAX_BYTES + 1))).toMatchObject({
			ok: false,
			field: 'files[0]'
		});
		// A wrong wrap: its sealed key one byte short.
		expect(decodeReportBinary(withU32(body, wrapsAt + 4 + 4 + L.entryId, L.sealed - 1))).toMatchObject({
			ok: false,
			field: 'wraps[0].sealed'
		});
	});

	it('never throws on random bytes, random edits of a valid body or random lengths', () => {
		const body = encodeReportBinary(head, sample());
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 600 }), (random) => {
				const d = decodeReportBinary(random);
				expect(typeof d.ok).toBe('boolean');
			})
		);
		fc.assert(
			fc.property(
				fc.array(fc.tuple(fc.nat(body.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
				(edits) => {
					const b = body.slice();
					for (const [at, value] of edits) b[at] = value;
					const d = decodeReportBinary(b);
					if (d.ok) for (const f of [d.bytes.content, ...(d.bytes.files ?? [])]) expect(f.buffer).toBe(b.buffer);
				}
			)
		);
		fc.assert(
			fc.property(fc.nat(body.length - 4), fc.nat(), (at, n) => {
				expect(() => decodeReportBinary(withU32(body, at, n))).not.toThrow();
			})
		);
	});

	it('the cap holds the largest body the limits allow', () => {
		const largest = encodeReportBinary(
			{ ...head, routing: { unit: 'x'.repeat(200) } },
			sample({
				content: bytes(MAX_CONTENT_BYTES),
				wraps: Array.from({ length: MAX_WRAPS }, () => ({ entryId: bytes(L.entryId), sealed: bytes(L.sealed) })),
				files: [bytes(INLINE_MAX_BYTES)]
			})
		);
		expect(largest.length).toBeLessThanOrEqual(REPORT_BINARY_CAP);
		expect(decodeReportBinary(largest).ok).toBe(true);
	});
});
