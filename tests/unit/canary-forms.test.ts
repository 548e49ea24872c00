import { describe, expect, it } from 'vitest';
import { canaryForms, findCanary } from '../e2e/dump';

const CANARY = 'QF-canary-7Jx2 金丝雀-举报测试';

describe('canary forms (positive controls for the canary test)', () => {
	it('finds the canary in each encoding it could be stored or logged in', () => {
		const utf8 = Buffer.from(CANARY, 'utf8');
		const cases: [string, Buffer | string][] = [
			['utf-8', `prefix ${CANARY} suffix`],
			['hex', `\\x00ff${utf8.toString('hex')}00`],
			['utf-16le', Buffer.concat([Buffer.from([1, 2]), Buffer.from(CANARY, 'utf16le')])],
			['utf-16be', Buffer.from(CANARY, 'utf16le').swap16()],
			['json', JSON.stringify({ a: CANARY })]
		];
		for (const [label, hay] of cases) expect(findCanary(hay, CANARY), label).toContain(label);
		for (let k = 0; k < 3; k++) {
			for (const tail of [0, 1, 2]) {
				const bytes = Buffer.concat([Buffer.alloc(k, 0x41), utf8, Buffer.alloc(tail, 0x5a)]);
				expect(findCanary(`{"x":"${bytes.toString('base64')}"}`, CANARY), `base64 at ${k}/${tail}`).toContain(
					`base64+${k}`
				);
				expect(findCanary(bytes.toString('base64url'), CANARY), `base64url at ${k}/${tail}`).toContain(
					`base64url+${k}`
				);
			}
		}
	});

	it('finds nothing in ciphertext-like or unrelated data', () => {
		expect(findCanary(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) & 0xff)), CANARY)).toEqual([]);
		expect(findCanary('QF-canary-7Jx3 金丝雀', CANARY)).toEqual([]);
		expect(canaryForms(CANARY).length).toBeGreaterThanOrEqual(10);
	});
});
