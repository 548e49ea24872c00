import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBase64, isBase64, portableBase64 } from '$lib/shared/encoding';
import { nodeBase64 } from './base64';

// The server decodes large fields with Buffer, the browser and everything else with the portable codec
// (src/lib/shared/encoding.ts): both must accept and produce exactly the same texts.
describe('the Buffer codec and the portable one agree', () => {
	it('encode every byte string alike', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
				expect(nodeBase64.encode(b)).toBe(portableBase64.encode(b));
			}),
			{ numRuns: 1000 }
		);
	});

	it('decode every text the grammar accepts alike, stray low bits included', () => {
		const alphabet = fc.constantFrom(...'ABCQRSxyz019+/='.split(''));
		fc.assert(
			fc.property(
				fc.array(alphabet, { maxLength: 24 }).map((a) => a.join('')),
				(s) => {
					if (!isBase64(s)) return;
					expect(nodeBase64.decode(s)).toEqual(portableBase64.decode(s));
					expect(fromBase64(s, 100, nodeBase64)).toEqual(fromBase64(s, 100));
				}
			),
			{ numRuns: 5000 }
		);
	});
});
