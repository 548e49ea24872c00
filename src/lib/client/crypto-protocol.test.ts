import { describe, expect, it } from 'vitest';
import { decryptAttachment, encryptAttachment, attachmentLayout, CHUNK_SIZE } from '../crypto/attachment';
import { CryptoAuthError, CryptoFormatError } from '../crypto/errors';
import { encodeKdfSpec, passwordUnwrapKey } from '../crypto/kdf-spec';
import { TEST_ONLY_CHEAP_KDF, deriveKey } from '../crypto/kdf';
import { deriveReceiptKeys } from '../crypto/receipt';
import { fromHex, toHex } from '../crypto/encoding';
import { pseudoRandomBytes } from '../crypto/test-helpers';
import vectors from '../crypto/vectors/v1.json';
import { DEFAULT_READ_SIZE, createCryptoProtocol, type ProtocolOptions } from './crypto-protocol';
import type { CryptoProgress, CryptoResponse } from './crypto-messages';
import { CryptoWorkerClient, CryptoWorkerError, type WorkerLike } from './crypto-client';

const reportKey = pseudoRandomBytes(32, 7);
const salt = pseudoRandomBytes(16, 8);

/** A Blob of these bytes (test data is typed ArrayBufferLike; Blob wants ArrayBuffer-backed views). */
function blobOf(...parts: Uint8Array[]): Blob {
	return new Blob(parts as BlobPart[]);
}

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

/** An in-process Worker stand-in: messages are structured-cloned both ways, like a real worker. */
class InProcessWorker implements WorkerLike {
	private listeners: ((e: Event) => void)[] = [];
	readonly protocol = createCryptoProtocol((m) => {
		const data = structuredClone(m);
		queueMicrotask(() => this.listeners.forEach((l) => l({ data } as unknown as Event)));
	});
	terminated = false;
	posted: unknown[] = [];
	postMessage(message: unknown): void {
		this.posted.push(message);
		void this.protocol.handle(structuredClone(message));
	}
	addEventListener(type: string, listener: (e: Event) => void): void {
		if (type === 'message') this.listeners.push(listener);
	}
	terminate(): void {
		this.terminated = true;
		this.listeners = [];
	}
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

	it('encrypts a Blob in slices with byte progress in order, and the core decrypts it', async () => {
		const r = recorder();
		const data = pseudoRandomBytes(3 * CHUNK_SIZE + 1234, 21);
		const readSize = CHUNK_SIZE; // 4 slices
		await r.protocol.handle({
			id: 7,
			op: 'encryptAttachment',
			reportKey,
			file: blobOf(data),
			name: '证据.pdf',
			type: 'application/pdf',
			readSize
		});
		const res = r.final(7);
		if (res.type !== 'result' || res.op !== 'encryptAttachment') throw new Error(JSON.stringify(res));
		const layout = attachmentLayout({ name: '证据.pdf', type: 'application/pdf', size: data.length });
		expect(res.result.chunks).toBe(layout.chunks);
		expect(res.result.stream.size).toBe(layout.ciphertextLength);
		const back = decryptAttachment(reportKey, new Uint8Array(await res.result.stream.arrayBuffer()));
		expect(back.name).toBe('证据.pdf');
		expect(back.type).toBe('application/pdf');
		expect(Buffer.from(back.data).equals(Buffer.from(data))).toBe(true);
		expect(r.progress(7)).toEqual([
			{ stage: 'encrypt', done: 0, total: data.length },
			{ stage: 'encrypt', done: CHUNK_SIZE, total: data.length },
			{ stage: 'encrypt', done: 2 * CHUNK_SIZE, total: data.length },
			{ stage: 'encrypt', done: 3 * CHUNK_SIZE, total: data.length },
			{ stage: 'encrypt', done: data.length, total: data.length }
		]);
	});

	it('decrypts a core-encrypted stream in slices with stored-byte progress ending at the stream size', async () => {
		const r = recorder();
		const data = pseudoRandomBytes(2 * DEFAULT_READ_SIZE + 99, 22);
		const stream = encryptAttachment(reportKey, data, { name: 'a.bin', type: 'application/octet-stream' });
		await r.protocol.handle({ id: 8, op: 'decryptAttachment', reportKey, stream: blobOf(stream) });
		const res = r.final(8);
		if (res.type !== 'result' || res.op !== 'decryptAttachment') throw new Error(JSON.stringify(res));
		expect([res.result.name, res.result.type, res.result.data.type]).toEqual([
			'a.bin',
			'application/octet-stream',
			'application/octet-stream'
		]);
		expect(Buffer.from(await res.result.data.arrayBuffer()).equals(Buffer.from(data))).toBe(true);
		const dones = r.progress(8).map((p) => (p.stage === 'decrypt' ? p.done : -1));
		expect(dones).toEqual([0, DEFAULT_READ_SIZE, 2 * DEFAULT_READ_SIZE, stream.length]);
	});

	it('encrypts and decrypts an empty file with a single progress event each', async () => {
		const r = recorder();
		await r.protocol.handle({ id: 1, op: 'encryptAttachment', reportKey, file: blobOf(), name: 'empty', type: '' });
		const enc = r.final(1);
		if (enc.type !== 'result' || enc.op !== 'encryptAttachment') throw new Error(JSON.stringify(enc));
		expect(r.progress(1)).toEqual([{ stage: 'encrypt', done: 0, total: 0 }]);
		await r.protocol.handle({ id: 2, op: 'decryptAttachment', reportKey, stream: enc.result.stream });
		const dec = r.final(2);
		expect(dec.type === 'result' && dec.op === 'decryptAttachment' && [dec.result.name, dec.result.data.size]).toEqual([
			'empty',
			0
		]);
	});

	it('surfaces tampering, truncation and a wrong key as typed CryptoAuthError codes', async () => {
		const r = recorder();
		const stream = encryptAttachment(reportKey, pseudoRandomBytes(200_000, 3), { name: 'x', type: '' });
		const flipped = stream.slice();
		flipped[100_000] = (flipped[100_000] as number) ^ 1;
		const layout = attachmentLayout({ name: 'x', type: '', size: 200_000 });
		expect(layout.chunks).toBe(4);
		const lastChunkStart = 18 + (layout.chunks - 1) * (CHUNK_SIZE + 16);
		await r.protocol.handle({ id: 1, op: 'decryptAttachment', reportKey, stream: blobOf(flipped) });
		await r.protocol.handle({
			id: 2,
			op: 'decryptAttachment',
			reportKey,
			stream: blobOf(stream.subarray(0, lastChunkStart))
		});
		await r.protocol.handle({
			id: 3,
			op: 'decryptAttachment',
			reportKey: pseudoRandomBytes(32, 99),
			stream: blobOf(stream)
		});
		await r.protocol.handle({ id: 4, op: 'decryptAttachment', reportKey, stream: blobOf(stream, new Uint8Array([0])) });
		expect([1, 2, 3, 4].map((id) => r.final(id))).toMatchObject([
			{ type: 'error', error: { name: 'CryptoAuthError', code: 'DECRYPT_FAILED' } },
			{ type: 'error', error: { name: 'CryptoAuthError', code: 'TRUNCATED' } },
			{ type: 'error', error: { name: 'CryptoAuthError', code: 'DECRYPT_FAILED' } },
			{ type: 'error', error: { name: 'CryptoAuthError', code: 'APPENDED' } }
		]);
	});

	it('answers malformed requests with BAD_REQUEST or the core MALFORMED code', async () => {
		const r = recorder();
		await r.protocol.handle('hello');
		await r.protocol.handle({ id: 1, op: 'launchMissiles' });
		await r.protocol.handle({ id: 2, op: 'encryptAttachment', reportKey, file: 'not a blob', name: 'x', type: '' });
		await r.protocol.handle({ id: 3, op: 'deriveKey', secret: 'x', salt, params: { m: 64, t: 0, p: 1 }, length: 32 });
		await r.protocol.handle({
			id: 4,
			op: 'encryptAttachment',
			reportKey: new Uint8Array(31),
			file: blobOf(),
			name: 'x',
			type: ''
		});
		await r.protocol.handle({ id: 5, op: 'decryptAttachment', reportKey, stream: blobOf(), readSize: 0 });
		expect(r.messages).toMatchObject([
			{ id: -1, type: 'error', error: { name: 'CryptoWorkerError', code: 'BAD_REQUEST' } },
			{ id: 1, type: 'error', error: { name: 'CryptoWorkerError', code: 'BAD_REQUEST' } },
			{ id: 2, type: 'error', error: { name: 'CryptoWorkerError', code: 'BAD_REQUEST' } },
			{ id: 3, type: 'error', error: { name: 'CryptoFormatError', code: 'MALFORMED' } },
			{ id: 4, type: 'error', error: { name: 'CryptoFormatError', code: 'BAD_LENGTH' } },
			{ id: 5, type: 'error', error: { name: 'CryptoWorkerError', code: 'BAD_REQUEST' } }
		]);
		expect(r.messages).toHaveLength(6);
	});

	it('rejects a second job with an id that is still running', async () => {
		const r = recorder();
		const first = r.protocol.handle({
			id: 1,
			op: 'deriveKey',
			secret: 'x',
			salt,
			params: TEST_ONLY_CHEAP_KDF,
			length: 32
		});
		await r.protocol.handle({ id: 1, op: 'deriveKey', secret: 'y', salt, params: TEST_ONLY_CHEAP_KDF, length: 32 });
		await first;
		expect(
			r.messages.filter((m) => m.type !== 'progress').map((m) => (m.type === 'error' ? m.error.code : m.type))
		).toEqual(['BAD_REQUEST', 'result']);
	});

	it('stops an encryption at the next slice when cancelled, answering CANCELLED', async () => {
		const messages: CryptoResponse[] = [];
		const protocol = createCryptoProtocol((m) => {
			messages.push(m);
			// Cancel as soon as the second slice has been reported.
			if (m.type === 'progress' && m.progress.stage === 'encrypt' && m.progress.done === 2 * CHUNK_SIZE)
				void protocol.handle({ id: 5, op: 'cancel' });
		});
		const data = blobOf(pseudoRandomBytes(10 * CHUNK_SIZE, 5));
		await protocol.handle({
			id: 5,
			op: 'encryptAttachment',
			reportKey,
			file: data,
			name: 'big',
			type: '',
			readSize: CHUNK_SIZE
		});
		const progress = messages
			.filter((m) => m.type === 'progress')
			.map((m) => (m.type === 'progress' && m.progress.stage === 'encrypt' ? m.progress.done : -1));
		expect(progress).toEqual([0, CHUNK_SIZE, 2 * CHUNK_SIZE]);
		expect(messages.at(-1)).toMatchObject({
			id: 5,
			type: 'error',
			error: { name: 'CryptoWorkerError', code: 'CANCELLED' }
		});
		expect(protocol.active.size).toBe(0);
	});

	it('discards a derivation cancelled while Argon2id runs (no done event, CANCELLED)', async () => {
		const r = recorder();
		const job = r.protocol.handle({
			id: 6,
			op: 'deriveKey',
			secret: 'x',
			salt,
			params: TEST_ONLY_CHEAP_KDF,
			length: 32
		});
		await r.protocol.handle({ id: 6, op: 'cancel' });
		await job;
		expect(r.progress(6)).toEqual([{ stage: 'kdf', state: 'started', estimateMs: null }]);
		expect(r.final(6)).toMatchObject({ type: 'error', error: { code: 'CANCELLED' } });
	});

	it('reports a Blob that cannot be read as READ_FAILED', async () => {
		const r = recorder();
		class BrokenBlob extends Blob {
			override slice(): Blob {
				return { arrayBuffer: () => Promise.reject(new Error('file vanished')) } as unknown as Blob;
			}
		}
		await r.protocol.handle({
			id: 1,
			op: 'encryptAttachment',
			reportKey,
			file: new BrokenBlob([new Uint8Array(10)]),
			name: 'x',
			type: ''
		});
		expect(r.final(1)).toMatchObject({ type: 'error', error: { name: 'CryptoWorkerError', code: 'READ_FAILED' } });
	});
});

describe('crypto worker client over the protocol (structured-cloned, in process)', () => {
	it('round-trips an attachment with progress callbacks and keeps the caller’s key intact', async () => {
		const worker = new InProcessWorker();
		const client = new CryptoWorkerClient(() => worker);
		const data = pseudoRandomBytes(5 * CHUNK_SIZE, 41);
		const file = new File([data as BlobPart], 'photo.jpg', { type: 'image/jpeg' });
		const events: CryptoProgress[] = [];
		const enc = await client.encryptAttachment(reportKey, file, {
			readSize: 2 * CHUNK_SIZE,
			onProgress: (p) => events.push(p)
		});
		expect(events).toEqual([0, 2, 4, 5].map((n) => ({ stage: 'encrypt', done: n * CHUNK_SIZE, total: data.length })));
		const dec = await client.decryptAttachment(reportKey, enc.stream);
		expect([dec.name, dec.type]).toEqual(['photo.jpg', 'image/jpeg']);
		expect(Buffer.from(await dec.data.arrayBuffer()).equals(Buffer.from(data))).toBe(true);
		expect(toHex(reportKey)).toBe(toHex(pseudoRandomBytes(32, 7)));
		expect(client.busy).toBe(0);
	});

	it('rethrows core refusals as the core classes with the same code', async () => {
		const client = new CryptoWorkerClient(() => new InProcessWorker());
		const wrapped = fromHex(vectors.passwordWrappedKey.output);
		const bad = wrapped.slice();
		bad[0] = 2;
		await expect(client.passwordUnwrapKey(bad, 'x')).rejects.toSatisfy(
			(e: unknown) =>
				e instanceof CryptoFormatError &&
				e.code === 'UNSUPPORTED_VERSION' &&
				!e.message.startsWith('UNSUPPORTED_VERSION: UNSUPPORTED_VERSION')
		);
		const stream = encryptAttachment(reportKey, new Uint8Array(10), { name: 'x', type: '' });
		await expect(client.decryptAttachment(pseudoRandomBytes(32, 1), blobOf(stream))).rejects.toSatisfy(
			(e: unknown) => e instanceof CryptoAuthError && e.code === 'DECRYPT_FAILED'
		);
	});

	it('rejects at once with CANCELLED when aborted, and tells the worker to stop', async () => {
		const worker = new InProcessWorker();
		const client = new CryptoWorkerClient(() => worker);
		const controller = new AbortController();
		const data = blobOf(pseudoRandomBytes(8 * CHUNK_SIZE, 2));
		const job = client.encryptAttachment(reportKey, data, {
			readSize: CHUNK_SIZE,
			signal: controller.signal,
			onProgress: (p) => p.stage === 'encrypt' && p.done === CHUNK_SIZE && controller.abort()
		});
		await expect(job).rejects.toSatisfy((e: unknown) => e instanceof CryptoWorkerError && e.code === 'CANCELLED');
		expect(worker.posted.at(-1)).toEqual({ id: 1, op: 'cancel' });
		await expect(
			client.deriveKey('x', salt, TEST_ONLY_CHEAP_KDF, 32, { signal: AbortSignal.abort() })
		).rejects.toSatisfy((e: unknown) => e instanceof CryptoWorkerError && e.code === 'CANCELLED');
	});

	it('rejects running jobs with TERMINATED and starts a fresh worker on the next call', async () => {
		const workers: InProcessWorker[] = [];
		const client = new CryptoWorkerClient(() => {
			const w = new InProcessWorker();
			workers.push(w);
			return w;
		});
		const job = client.deriveKey('x', salt, TEST_ONLY_CHEAP_KDF);
		client.terminate();
		await expect(job).rejects.toSatisfy((e: unknown) => e instanceof CryptoWorkerError && e.code === 'TERMINATED');
		expect(workers[0]?.terminated).toBe(true);
		const key = await client.deriveKey('x', salt, TEST_ONLY_CHEAP_KDF);
		expect(toHex(key)).toBe(toHex(await deriveKey('x', salt, TEST_ONLY_CHEAP_KDF)));
		expect(workers).toHaveLength(2);
	});
});
