import { describe, expect, it } from 'vitest';
import {
	CHALLENGE_LENGTH,
	CHALLENGE_OFFSETS,
	challengeFields,
	leadingZeroBits,
	MAX_BASE_DIFFICULTY,
	MAX_DIFFICULTY,
	MAX_EXTRA_BITS,
	nonceBytes,
	POW_PURPOSE_NAMES,
	POW_PURPOSES,
	readChallenge,
	SIGNED_LENGTH
} from './pow';

describe('the proof-of-work challenge format (docs/reporting.md §1)', () => {
	it('is 39 bytes: 23 signed (version, purpose, difficulty, expiry, id) and a 16-byte tag', () => {
		expect([CHALLENGE_LENGTH, SIGNED_LENGTH]).toEqual([39, 23]);
		expect(CHALLENGE_OFFSETS).toEqual({ version: 0, purpose: 1, difficulty: 2, expiresAt: 3, id: 7, tag: 23 });
		expect(POW_PURPOSES).toEqual({ intake: 1, receipt: 2 });
		expect(POW_PURPOSE_NAMES).toEqual(['intake', 'receipt']);
	});

	it('reads back what it writes', () => {
		const id = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
		const bytes = challengeFields({ purpose: 'receipt', difficulty: 17, expiresAt: 0xfedcba98, id });
		expect(bytes.length).toBe(CHALLENGE_LENGTH);
		expect(Array.from(bytes.subarray(0, 7))).toEqual([1, 2, 17, 0xfe, 0xdc, 0xba, 0x98]);
		expect(bytes.subarray(7, 23)).toEqual(id);
		expect(readChallenge(bytes)).toEqual({ version: 1, purpose: 'receipt', difficulty: 17, expiresAt: 0xfedcba98 });
	});

	it('refuses other versions and lengths, and names no unknown purpose', () => {
		const bytes = challengeFields({ purpose: 'intake', difficulty: 1, expiresAt: 1, id: new Uint8Array(16) });
		expect(readChallenge(bytes.subarray(0, 38))).toBeNull();
		expect(readChallenge(Uint8Array.from(bytes, (b, i) => (i === 0 ? 2 : b)))).toBeNull();
		expect(readChallenge(Uint8Array.from(bytes, (b, i) => (i === 1 ? 9 : b)))?.purpose).toBeNull();
	});

	it('hashes the nonce as u64 big-endian and counts leading zero bits', () => {
		expect(Array.from(nonceBytes(2 ** 53 - 1))).toEqual([0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
		expect(Array.from(nonceBytes(258))).toEqual([0, 0, 0, 0, 0, 0, 1, 2]);
		expect(leadingZeroBits(new Uint8Array([0, 0, 0x10, 0xff]))).toBe(19);
		expect(leadingZeroBits(new Uint8Array(4))).toBe(32);
	});

	it('the client works up to the configurable base plus what load may add', () => {
		expect([MAX_BASE_DIFFICULTY, MAX_EXTRA_BITS, MAX_DIFFICULTY]).toEqual([32, 8, 40]);
	});
});
