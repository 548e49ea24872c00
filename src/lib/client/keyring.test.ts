import { afterEach, describe, expect, it, vi } from 'vitest';
import { get } from 'svelte/store';
import { isUnlocked, keyring, lockKeyring, unlockKeyring, withSecretKey } from './keyring';

afterEach(() => {
	lockKeyring();
	vi.useRealTimers();
});

describe('keyring', () => {
	it('holds a copy of the keypair in memory and zeroes it on lock', () => {
		const pair = { publicKey: new Uint8Array(32).fill(1), secretKey: new Uint8Array(32).fill(2) };
		unlockKeyring(pair);
		pair.secretKey.fill(0); // the caller's buffer is independent
		expect(get(keyring)).toEqual({ unlocked: true, publicKey: new Uint8Array(32).fill(1) });
		let lent: Uint8Array | null = null;
		expect(withSecretKey((p) => ((lent = p.secretKey), p.secretKey[0]))).toBe(2);
		lockKeyring();
		expect(isUnlocked()).toBe(false);
		expect(get(keyring).unlocked).toBe(false);
		expect(Array.from(lent!)).toEqual(new Array(32).fill(0));
		expect(() => withSecretKey(() => 1)).toThrow(/locked/);
	});

	it('locks itself after the idle time', () => {
		vi.useFakeTimers();
		unlockKeyring({ publicKey: new Uint8Array(32), secretKey: new Uint8Array(32).fill(3) }, { idleMs: 1000 });
		vi.advanceTimersByTime(999);
		expect(isUnlocked()).toBe(true);
		vi.advanceTimersByTime(2);
		expect(isUnlocked()).toBe(false);
	});
});
