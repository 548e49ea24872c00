import { describe, expect, it, vi } from 'vitest';
import { STAFF_KDF, TEST_ONLY_CHEAP_KDF } from '../crypto/kdf';
import { buildDefines, TEST_BUILD } from '../shared/build-kind';
import { requireStaffKdf, WeakKdfError } from './kdf-floor';

const derived: unknown[] = [];
vi.mock('./crypto-client', () => ({
	cryptoWorker: () => ({
		deriveKey: async (...args: unknown[]) => {
			derived.push(args);
			return new Uint8Array(32);
		}
	})
}));
const { authKeyFromPassword } = await import('./auth-key');

const SALT = 'AAAAAAAAAAAAAAAAAAAAAA==';

describe('the Argon2 floor at staff sign-in (issue 16)', () => {
	it('a production build refuses the cheap test parameters and anything below the floor; a test build accepts exactly the cheap test set', () => {
		expect(requireStaffKdf(STAFF_KDF, false)).toEqual(STAFF_KDF);
		expect(() => requireStaffKdf(TEST_ONLY_CHEAP_KDF, false)).toThrow(WeakKdfError);
		expect(() => requireStaffKdf({ m: 65536, t: 2, p: 1 }, false)).toThrow(WeakKdfError);
		// The test build's exception is that one parameter set, nothing near it.
		expect(requireStaffKdf({ ...TEST_ONLY_CHEAP_KDF }, true)).toEqual(TEST_ONLY_CHEAP_KDF);
		expect(() => requireStaffKdf({ m: 64, t: 1, p: 2 }, true)).toThrow(WeakKdfError);
		expect(() => requireStaffKdf({ m: 1024, t: 1, p: 1 }, true)).toThrow(WeakKdfError);
		expect(() => requireStaffKdf(null, true)).toThrow(WeakKdfError);
	});

	it('authKeyFromPassword refuses weak parameters before it derives anything', async () => {
		derived.length = 0;
		await expect(authKeyFromPassword('pw', SALT, { ...TEST_ONLY_CHEAP_KDF }, false)).rejects.toBeInstanceOf(
			WeakKdfError
		);
		await expect(authKeyFromPassword('pw', SALT, { m: 32768, t: 3, p: 1 })).rejects.toBeInstanceOf(WeakKdfError);
		expect(derived).toEqual([]);
		expect(await authKeyFromPassword('pw', SALT, { ...STAFF_KDF })).toBe(
			Buffer.from(new Uint8Array(32)).toString('base64')
		);
		expect(await authKeyFromPassword('pw', SALT, { ...TEST_ONLY_CHEAP_KDF }, true)).toHaveLength(44);
		expect(derived).toHaveLength(2);
	});

	it('the production build has the floor on: only QF_TEST_BUILD=1 makes a test build, and this run follows its environment', async () => {
		expect(buildDefines({})).toEqual({ __QF_TEST_BUILD__: 'false' });
		expect(buildDefines({ QF_TEST_BUILD: '0' })).toEqual({ __QF_TEST_BUILD__: 'false' });
		expect(buildDefines({ QF_TEST_BUILD: 'true', NODE_ENV: 'test' })).toEqual({ __QF_TEST_BUILD__: 'false' });
		expect(buildDefines({ QF_TEST_BUILD: '1' })).toEqual({ __QF_TEST_BUILD__: 'true' });
		// vite.config.ts passes its environment through buildDefines (the same `define` serves this test run).
		const config = (await import('../../../vite.config')).default as { define?: Record<string, string> };
		expect(config.define).toEqual(buildDefines(process.env));
		expect(TEST_BUILD).toBe(process.env.QF_TEST_BUILD === '1');
		// Without the switch, the compiled-in default is the floor.
		if (process.env.QF_TEST_BUILD !== '1')
			await expect(authKeyFromPassword('pw', SALT, { ...TEST_ONLY_CHEAP_KDF })).rejects.toThrow(WeakKdfError);
	});
});
