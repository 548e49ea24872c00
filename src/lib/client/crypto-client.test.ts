import { describe, expect, it } from 'vitest';
import { encryptAttachment, CHUNK_SIZE } from '../crypto/attachment';
import { CryptoAuthError, CryptoFormatError } from '../crypto/errors';
import { TEST_ONLY_CHEAP_KDF, deriveKey } from '../crypto/kdf';
import { fromHex, toHex } from '../crypto/encoding';
import { pseudoRandomBytes } from '$support/crypto';
import vectors from '../crypto/vectors/v1.json';
import { createCryptoProtocol } from './crypto-protocol';
import type { CryptoProgress } from './crypto-messages';
import { CryptoWorkerClient, CryptoWorkerError, type WorkerLike } from './crypto-client';

const reportKey = pseudoRandomBytes(32, 7);
const salt = pseudoRandomBytes(16, 8);

/** A Blob of these bytes (test data is typed ArrayBufferLike; Blob wants ArrayBuffer-backed views). */
function blobOf(...parts: Uint8Array[]): Blob {
	return new Blob(parts as BlobPart[]);
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
