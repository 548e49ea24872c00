import { describe, expect, it } from 'vitest';
import { encodeKdfSpec, passwordUnwrapKey } from '../crypto/kdf-spec';
import { TEST_ONLY_CHEAP_KDF, deriveKey } from '../crypto/kdf';
import { deriveReceiptKeys } from '../crypto/receipt';
import { fromHex, toHex } from '../crypto/encoding';
import { pseudoRandomBytes } from '$support/crypto';
import vectors from '../crypto/vectors/v1.json';
import { createCryptoProtocol, type ProtocolOptions } from './crypto-protocol';
import type { CryptoResponse } from './crypto-messages';

const salt = pseudoRandomBytes(16, 8);

/** A protocol whose answers are recorded. */
function recorder(options?: ProtocolOptions) {
	const messages: CryptoResponse[] = [];
	const protocol = createCryptoProtocol((m) => messages.push(m), options);
	const progress = (id: number) =>
		messages
			.filter((m): m is Extract<CryptoResponse, { type: 'progress' }> => m.id === id && m.type === 'progress')
			.map((m) => m.progress);
	const final = (id: number) => {
		const out = messages.filter((m) => m.id === id && m.type !== 'progress');
		expect(out).toHaveLength(1);
		return out[0] as Exclude<CryptoResponse, { type: 'progress' }>;
	};
	return { messages, protocol, progress, final };
}

/** A fake clock advancing by `step` ms on every read. */
function ticking(step: number) {
	let t = 1000;
	return () => (t += step);
}

describe('crypto worker protocol (the handler crypto.worker.ts runs)', () => {
	it('derives a key with Argon2id equal to the core, between started and done events', async () => {
		const r = recorder({ now: ticking(5) });
		await r.protocol.handle({
			id: 1,
			op: 'deriveKey',
			secret: 'pass 清风',
			salt,
			params: TEST_ONLY_CHEAP_KDF,
			length: 32
		});
		const res = r.final(1);
		expect(res.type).toBe('result');
		const expected = await deriveKey('pass 清风', salt, TEST_ONLY_CHEAP_KDF, 32);
		expect(res.type === 'result' && res.op === 'deriveKey' && toHex(res.result.key)).toBe(toHex(expected));
		expect(r.progress(1)).toEqual([
			{ stage: 'kdf', state: 'started', estimateMs: null },
			{ stage: 'kdf', state: 'done', elapsedMs: 5 }
		]);
	});

	it('estimates a derivation from the previous one with the same parameters, and only those', async () => {
		const r = recorder({ now: ticking(40) });
		const req = { op: 'deriveKey', secret: 'x', salt, params: TEST_ONLY_CHEAP_KDF, length: 32 };
		await r.protocol.handle({ id: 1, ...req });
		await r.protocol.handle({ id: 2, ...req });
		await r.protocol.handle({ id: 3, ...req, params: { m: 128, t: 1, p: 1 } });
		expect(r.progress(2)[0]).toEqual({ stage: 'kdf', state: 'started', estimateMs: 40 });
		expect(r.progress(3)[0]).toEqual({ stage: 'kdf', state: 'started', estimateMs: null });
	});

	it('derives the receipt test vector (RECEIPT_KDF, 64 MiB) byte for byte', async () => {
		const r = recorder();
		await r.protocol.handle({
			id: 9,
			op: 'deriveReceiptKeys',
			secret: 'abcd-efgh-jkm2',
			kdfSpec: fromHex(vectors.receipt.kdfSpec)
		});
		const res = r.final(9);
		if (res.type !== 'result' || res.op !== 'deriveReceiptKeys') throw new Error(`unexpected ${JSON.stringify(res)}`);
		expect(toHex(res.result.authKey)).toBe(vectors.receipt.authKey);
		expect(toHex(res.result.unwrapKey)).toBe(vectors.receipt.unwrapKey);
		expect(r.progress(9).map((p) => (p.stage === 'kdf' ? p.state : p.stage))).toEqual(['started', 'done']);
	});

	it('refuses a mistyped receipt secret with BAD_CHECKSUM before starting Argon2id', async () => {
		const r = recorder();
		const spec = encodeKdfSpec({ ...TEST_ONLY_CHEAP_KDF, salt });
		await r.protocol.handle({ id: 4, op: 'deriveReceiptKeys', secret: 'ABCD-EFGH-JKM3', kdfSpec: spec });
		expect(r.final(4)).toEqual({
			id: 4,
			type: 'error',
			error: { name: 'CryptoFormatError', code: 'BAD_CHECKSUM', message: expect.any(String) }
		});
		expect(r.progress(4)).toEqual([]);
	});

	it('matches the core for receipt keys with a cheap spec', async () => {
		const r = recorder();
		const spec = { ...TEST_ONLY_CHEAP_KDF, salt };
		await r.protocol.handle({ id: 5, op: 'deriveReceiptKeys', secret: 'ABCD-EFGH-JKM2', kdfSpec: encodeKdfSpec(spec) });
		const res = r.final(5);
		const core = await deriveReceiptKeys('ABCD-EFGH-JKM2', spec);
		expect(
			res.type === 'result' &&
				res.op === 'deriveReceiptKeys' && [toHex(res.result.authKey), toHex(res.result.unwrapKey)]
		).toEqual([toHex(core.authKey), toHex(core.unwrapKey)]);
	});

	it('wraps under a password and unwraps again; a wrong password is DECRYPT_FAILED from CryptoAuthError', async () => {
		const r = recorder();
		const key = pseudoRandomBytes(32, 11);
		await r.protocol.handle({
			id: 1,
			op: 'passwordWrapKey',
			key,
			password: 'correct horse',
			params: TEST_ONLY_CHEAP_KDF
		});
		const wrapped = r.final(1);
		if (wrapped.type !== 'result' || wrapped.op !== 'passwordWrapKey') throw new Error('no wrap');
		expect(wrapped.result.wrapped).toHaveLength(99);
		expect(toHex(await passwordUnwrapKey(wrapped.result.wrapped, 'correct horse'))).toBe(toHex(key));

		await r.protocol.handle({
			id: 2,
			op: 'passwordUnwrapKey',
			wrapped: wrapped.result.wrapped,
			password: 'correct horse'
		});
		const opened = r.final(2);
		expect(opened.type === 'result' && opened.op === 'passwordUnwrapKey' && toHex(opened.result.key)).toBe(toHex(key));

		await r.protocol.handle({
			id: 3,
			op: 'passwordUnwrapKey',
			wrapped: wrapped.result.wrapped,
			password: 'wrong horse'
		});
		expect(r.final(3)).toMatchObject({ type: 'error', error: { name: 'CryptoAuthError', code: 'DECRYPT_FAILED' } });
		expect(r.progress(3).map((p) => p.stage === 'kdf' && p.state)).toEqual(['started', 'done']);
	});

	it('refuses a password-wrapped key of the wrong length with BAD_LENGTH and no Argon2id', async () => {
		const r = recorder();
		await r.protocol.handle({
			id: 1,
			op: 'passwordUnwrapKey',
			wrapped: fromHex(vectors.passwordWrappedKey.output).slice(0, 98),
			password: 'x'
		});
		expect(r.final(1)).toMatchObject({ type: 'error', error: { name: 'CryptoFormatError', code: 'BAD_LENGTH' } });
		expect(r.progress(1)).toEqual([]);
	});
});
