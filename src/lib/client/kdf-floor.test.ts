import { describe, expect, it } from 'vitest';
import { encodeKdfSpec, newKdfSpec } from '../crypto/kdf-spec';
import { RECEIPT_KDF, TEST_ONLY_CHEAP_KDF } from '../crypto/kdf';
import type { ReporterCrypto } from './report/files';
import { openReceipt } from './report/followup';
import { ReportError } from './report/errors';
import { acceptableKdf, KDF_FLOOR } from './kdf-floor';

describe('the browser refuses weak Argon2 parameters from the server (issue 16)', () => {
	it('accepts the production parameters, refuses anything cheaper or absurd', () => {
		expect(acceptableKdf(RECEIPT_KDF)).toBe(true);
		expect(acceptableKdf(KDF_FLOOR)).toBe(true);
		expect(acceptableKdf({ m: 262144, t: 4, p: 2 })).toBe(true);
		for (const weak of [
			TEST_ONLY_CHEAP_KDF,
			{ m: 65535, t: 3, p: 1 },
			{ m: 65536, t: 2, p: 1 },
			{ m: 65536, t: 3, p: 0 },
			{ m: 8 * 1024 * 1024, t: 3, p: 1 },
			{ m: 65536, t: 1000, p: 1 },
			{ m: '65536', t: 3, p: 1 },
			{ m: 65536.5, t: 3, p: 1 },
			null,
			'65536'
		])
			expect(acceptableKdf(weak), JSON.stringify(weak)).toBe(false);
	});

	it('opening a receipt refuses a weak KDF spec before the secret is used', async () => {
		const derived: unknown[] = [];
		const crypto = {
			deriveReceiptKeys: async (...args: unknown[]) => {
				derived.push(args);
				throw new Error('must not be called');
			}
		} as unknown as ReporterCrypto;
		const weakSpec = Buffer.from(encodeKdfSpec(newKdfSpec(TEST_ONLY_CHEAP_KDF))).toString('base64');
		const fetch = async () =>
			new Response(JSON.stringify({ kdfSpec: weakSpec }), {
				status: 200,
				headers: { 'content-type': 'application/json' }
			});
		const err = await openReceipt('ABCDE-12345', 'ABCD-EFGH-JKM2', { fetch, crypto }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(ReportError);
		expect((err as ReportError).code).toBe('server');
		expect(derived).toEqual([]);
	});
});
