import { describe, expect, it } from 'vitest';
import { decryptAttachment, encryptAttachment, attachmentLayout, CHUNK_SIZE } from '../crypto/attachment';
import { TEST_ONLY_CHEAP_KDF } from '../crypto/kdf';
import { pseudoRandomBytes } from '$support/crypto';
import { DEFAULT_READ_SIZE, createCryptoProtocol, type ProtocolOptions } from './crypto-protocol';
import type { CryptoResponse } from './crypto-messages';

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

describe('crypto worker protocol (the handler crypto.worker.ts runs)', () => {
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
