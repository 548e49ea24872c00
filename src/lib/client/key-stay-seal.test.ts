import { describe, expect, it } from 'vitest';
import { KEY_STAY_BYTES } from '../shared/key-stay';
import { KeyStayFormatError, newStayKey, openStay, sealForStay } from './key-stay-seal';

const secret = () => Uint8Array.from({ length: 32 }, (_, i) => i + 1);

describe('key stay seal', () => {
	it('makes a key whose bits cannot be exported', async () => {
		const key = await newStayKey();
		expect(key.extractable).toBe(false);
		expect(key.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
		await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
	});

	it('opens what it sealed, with a fresh nonce each time, and leaves the caller its bytes', async () => {
		const key = await newStayKey();
		const s = secret();
		const a = await sealForStay(key, s);
		const b = await sealForStay(key, s);
		expect(a.length).toBe(KEY_STAY_BYTES);
		expect(a[0]).toBe(1);
		expect(a.slice(1, 13)).not.toEqual(b.slice(1, 13));
		expect(s).toEqual(secret());
		expect(await openStay(key, a)).toEqual(secret());
		expect(await openStay(key, b)).toEqual(secret());
	});

	it('refuses another key, a changed byte, a wrong length and an unknown version', async () => {
		const key = await newStayKey();
		const blob = await sealForStay(key, secret());
		await expect(openStay(await newStayKey(), blob)).rejects.toThrow();
		const changed = blob.slice();
		changed[20]! ^= 1;
		await expect(openStay(key, changed)).rejects.toThrow();
		await expect(openStay(key, blob.slice(0, -1))).rejects.toBeInstanceOf(KeyStayFormatError);
		const v2 = blob.slice();
		v2[0] = 2;
		await expect(openStay(key, v2)).rejects.toBeInstanceOf(KeyStayFormatError);
		await expect(sealForStay(key, new Uint8Array(31))).rejects.toBeInstanceOf(KeyStayFormatError);
	});
});
