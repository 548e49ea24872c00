import { afterEach, describe, expect, it, vi } from 'vitest';
import { get } from 'svelte/store';
import { isUnlocked, keepAlive, keyring, lockKeyring, setKeyringPolicy, unlockKeyring, withSecretKey } from './keyring';

afterEach(() => {
	lockKeyring();
	setKeyringPolicy({ idleMs: 15 * 60_000, onIdle: null, onActivity: null });
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

	it('takes the idle time from the policy, calls onIdle once after locking, and is kept alive from elsewhere', () => {
		vi.useFakeTimers();
		const idle = vi.fn(() => expect(isUnlocked()).toBe(false));
		setKeyringPolicy({ idleMs: 500, onIdle: idle });
		unlockKeyring({ publicKey: new Uint8Array(32), secretKey: new Uint8Array(32).fill(4) });
		vi.advanceTimersByTime(400);
		keepAlive(); // another tab saw input
		vi.advanceTimersByTime(400);
		expect(isUnlocked()).toBe(true);
		expect(idle).not.toHaveBeenCalled();
		vi.advanceTimersByTime(101);
		expect(isUnlocked()).toBe(false);
		expect(idle).toHaveBeenCalledTimes(1);
	});

	it('re-arms a held key when the policy shortens the idle time', () => {
		vi.useFakeTimers();
		unlockKeyring({ publicKey: new Uint8Array(32), secretKey: new Uint8Array(32).fill(5) });
		setKeyringPolicy({ idleMs: 200 });
		vi.advanceTimersByTime(201);
		expect(isUnlocked()).toBe(false);
	});
});
