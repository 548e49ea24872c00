/**
 * Issue 21: the crypto worker's protocol runs the GM staff key page's PBKDF2-HMAC-SM3 (password wrap and unwrap)
 * and the GM attachment format, so a GM staff page keeps its main thread free as a NaCl one does. The handler is
 * the one crypto.worker.ts runs; the bytes are the GM suite's own (checked by opening them with the core).
 */
import { describe, expect, it } from 'vitest';
import {
	GM_KDF_CEILING_ITERATIONS,
	GM_STAFF_ITERATIONS,
	gmPasswordUnwrapKey,
	gmPasswordWrapKey
} from '../crypto/gm/kdf';
import { gmSuite } from '../crypto/gm/suite';
import { passwordWrapKey } from '../crypto/kdf-spec';
import { TEST_ONLY_CHEAP_KDF } from '../crypto/kdf';
import { encryptAttachment } from '../crypto/attachment';
import { createCryptoProtocol } from './crypto-protocol';
import type { CryptoResponse } from './crypto-messages';

function recorder() {
	const messages: CryptoResponse[] = [];
	const protocol = createCryptoProtocol((m) => messages.push(m));
	const stages = (id: number) =>
		messages.filter((m) => m.id === id && m.type === 'progress').map((m) => (m as { progress: object }).progress);
	const final = (id: number) => {
		const out = messages.filter((m) => m.id === id && m.type !== 'progress');
		expect(out).toHaveLength(1);
		return out[0] as Exclude<CryptoResponse, { type: 'progress' }>;
	};
	const result = <T>(id: number): T => {
		const f = final(id);
		if (f.type !== 'result') throw new Error(JSON.stringify(f));
		return f.result as T;
	};
	const error = (id: number) => {
		const f = final(id);
		if (f.type !== 'error') throw new Error('expected an error');
		return f.error;
	};
	return { protocol, stages, result, error };
}

const KEY = new Uint8Array(32).fill(0x5a);

describe('the crypto worker protocol, GM suite (issue 21)', () => {
	it('wraps a staff secret with PBKDF2-HMAC-SM3 at the production count and unwraps it, between kdf events', async () => {
		const r = recorder();
		await r.protocol.handle({ id: 1, op: 'passwordWrapKey', key: KEY, password: '口令 pass', suite: 'gm' });
		const { wrapped } = r.result<{ wrapped: Uint8Array }>(1);
		expect([wrapped[0], wrapped[1], wrapped.length]).toEqual([gmSuite.version, 0x50, 82]);
		expect(new DataView(wrapped.buffer, wrapped.byteOffset).getUint32(2)).toBe(GM_STAFF_ITERATIONS);
		expect(r.stages(1).map((p) => (p as { state: string }).state)).toEqual(['started', 'done']);
		// The core opens what the worker wrote, and the worker opens it too.
		expect(await gmPasswordUnwrapKey(wrapped, '口令 pass')).toEqual(KEY);
		await r.protocol.handle({ id: 2, op: 'passwordUnwrapKey', wrapped, password: '口令 pass', suite: 'gm' });
		expect(r.result<{ key: Uint8Array }>(2).key).toEqual(KEY);
		await r.protocol.handle({ id: 3, op: 'passwordUnwrapKey', wrapped, password: 'wrong', suite: 'gm' });
		expect(r.error(3)).toMatchObject({ name: 'CryptoAuthError', code: 'DECRYPT_FAILED' });
	});

	it('refuses the other suite’s wrap before any derivation, and a count above the ceiling', async () => {
		const r = recorder();
		const nacl = await passwordWrapKey(KEY, 'pw', TEST_ONLY_CHEAP_KDF);
		await r.protocol.handle({ id: 1, op: 'passwordUnwrapKey', wrapped: nacl, password: 'pw', suite: 'gm' });
		expect(r.error(1)).toMatchObject({ name: 'CryptoFormatError', code: 'UNSUPPORTED_VERSION' });
		expect(r.stages(1)).toEqual([]);
		const gm = await gmPasswordWrapKey(KEY, 'pw', 10);
		await r.protocol.handle({ id: 2, op: 'passwordUnwrapKey', wrapped: gm, password: 'pw' });
		expect(r.error(2)).toMatchObject({ code: 'UNSUPPORTED_VERSION' }); // a NaCl request does not read GM bytes
		new DataView(gm.buffer, gm.byteOffset).setUint32(2, GM_KDF_CEILING_ITERATIONS + 1);
		await r.protocol.handle({ id: 3, op: 'passwordUnwrapKey', wrapped: gm, password: 'pw', suite: 'gm' });
		expect(r.error(3)).toMatchObject({ code: 'MALFORMED' });
		expect(r.error(3).message).toMatch(/above the ceiling/);
		// A NaCl wrap still needs its Argon2id parameters; an unknown suite is a bad request.
		await r.protocol.handle({ id: 4, op: 'passwordWrapKey', key: KEY, password: 'pw' });
		expect(r.error(4)).toMatchObject({ code: 'BAD_REQUEST' });
		await r.protocol.handle({ id: 5, op: 'passwordWrapKey', key: KEY, password: 'pw', suite: 'aes' });
		expect(r.error(5)).toMatchObject({ code: 'BAD_REQUEST' });
	});

	it('encrypts and decrypts a GM attachment (a lead document, a report file) with byte progress', async () => {
		const r = recorder();
		const data = new Uint8Array(200_000).map((_, i) => (i * 31) & 255);
		const file = new Blob([data]);
		await r.protocol.handle({
			id: 1,
			op: 'encryptAttachment',
			reportKey: KEY,
			file,
			name: '证据.pdf',
			type: 'application/pdf',
			suite: 'gm',
			readSize: 65536
		});
		const { stream } = r.result<{ stream: Blob }>(1);
		const bytes = new Uint8Array(await stream.arrayBuffer());
		expect(bytes[0]).toBe(gmSuite.version);
		expect(gmSuite.decryptAttachment(KEY, bytes).name).toBe('证据.pdf');
		await r.protocol.handle({ id: 2, op: 'decryptAttachment', reportKey: KEY, stream, suite: 'gm', readSize: 65536 });
		const out = r.result<{ name: string; data: Blob }>(2);
		expect(out.name).toBe('证据.pdf');
		expect(new Uint8Array(await out.data.arrayBuffer())).toEqual(data);
		const done = r.stages(2).map((p) => (p as { done: number }).done);
		expect(done.length).toBeGreaterThan(2);
		expect(done.at(-1)).toBe(bytes.length);
		// A NaCl stream is refused by a GM request.
		const naclStream = new Blob([
			encryptAttachment(KEY, data.subarray(0, 100), { name: 'a', type: 'b' }) as Uint8Array<ArrayBuffer>
		]);
		await r.protocol.handle({ id: 3, op: 'decryptAttachment', reportKey: KEY, stream: naclStream, suite: 'gm' });
		expect(r.error(3)).toMatchObject({ name: 'CryptoFormatError', code: 'UNSUPPORTED_VERSION' });
	});
});
