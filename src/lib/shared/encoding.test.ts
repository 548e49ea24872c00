import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CROCKFORD_ALPHABET } from '../crypto/encoding';
import { generateLocator, LOCATOR_LENGTH } from '../crypto/receipt';
import {
	fromBase64,
	fromBase64Url,
	ID_PATTERN,
	INTAKE_ID_PATTERN,
	isBase64,
	isId,
	isLocator,
	isUuid,
	LOCATOR_PATTERN,
	portableBase64,
	toBase64,
	toBase64Url
} from './encoding';

describe('portable base64', () => {
	it('round-trips any bytes', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
				const text = toBase64(b);
				expect(isBase64(text)).toBe(true);
				expect(portableBase64.decode(text)).toEqual(b);
			}),
			{ numRuns: 500 }
		);
	});

	it('decodes a last character with stray low bits as Node does (the bits are ignored)', () => {
		expect(portableBase64.decode('AR==')).toEqual(new Uint8Array([1]));
		expect(portableBase64.decode('AQJ=')).toEqual(new Uint8Array([1, 2]));
		expect(fromBase64('AR==')).toEqual(new Uint8Array([1]));
	});

	it('refuses what is not whole padded groups of the standard alphabet', () => {
		for (const bad of ['A', 'AQ', 'AQI', 'A===', '====', 'AQ=I', 'AQ-_', 'AQ I', 'AQID='])
			expect(isBase64(bad)).toBe(false);
		for (const bad of [null, 1, '', 'AQ', 'ab$=', 'A'.repeat(10_000)]) expect(fromBase64(bad)).toBeNull();
		expect(fromBase64('AQIDBA==', 3)).toBeNull(); // longer than the cap allows
	});
});

describe('base64url', () => {
	it('round-trips and accepts only the canonical text', () => {
		fc.assert(
			fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (b) => {
				expect(fromBase64Url(toBase64Url(b), 64)).toEqual(b);
			}),
			{ numRuns: 300 }
		);
		expect(fromBase64Url('AQJ', 2)).toBeNull(); // non-zero trailing bits
		expect(fromBase64Url('AQI', 2)).toEqual(new Uint8Array([1, 2]));
		for (const bad of [null, '', 'A', 'AQ==', 'AQ+/', 'AQID'.repeat(30)]) expect(fromBase64Url(bad, 16)).toBeNull();
	});
});

describe('grammars', () => {
	it('a locator is LOCATOR_LENGTH characters of the receipt alphabet (src/lib/crypto/receipt.ts)', () => {
		for (let i = 0; i < 50; i++) expect(isLocator(generateLocator())).toBe(true);
		const alphabet = new Set(CROCKFORD_ALPHABET);
		for (let c = 0x20; c < 0x7f; c++) {
			const ch = String.fromCharCode(c);
			expect(LOCATOR_PATTERN.test(ch.repeat(LOCATOR_LENGTH)), ch).toBe(alphabet.has(ch));
		}
		expect(isLocator('A'.repeat(LOCATOR_LENGTH - 1))).toBe(false);
		expect(isLocator('A'.repeat(LOCATOR_LENGTH + 1))).toBe(false);
	});

	it('UUIDs in lower case only; ids of 1 to 100 safe characters; intake ids of 16 bytes', () => {
		expect(isUuid('00000000-0000-4000-8000-000000000001')).toBe(true);
		for (const bad of ['00000000-0000-4000-8000-00000000000A', '00000000000040008000000000000001', 'x', null])
			expect(isUuid(bad)).toBe(false);
		expect(isId('sf-c01.k:01_x')).toBe(true);
		for (const bad of ['', 'a'.repeat(101), 'a b', '<script>', '高新区']) expect(isId(bad)).toBe(false);
		expect(ID_PATTERN.test('a'.repeat(100))).toBe(true);
		expect(INTAKE_ID_PATTERN.test(toBase64Url(new Uint8Array(16)))).toBe(true);
		expect(INTAKE_ID_PATTERN.test(toBase64Url(new Uint8Array(15)))).toBe(false);
	});
});
