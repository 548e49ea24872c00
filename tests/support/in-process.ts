/**
 * FOR TESTS ONLY: the crypto worker's protocol run in-process behind a `CryptoWorkerClient`, with
 * messages structured-cloned both ways like a real Worker. Lets Node tests drive the exact code the
 * browser runs in crypto.worker.ts.
 */
import { createCryptoProtocol } from '../../src/lib/client/crypto-protocol';
import { CryptoWorkerClient, type WorkerLike } from '../../src/lib/client/crypto-client';

export class InProcessWorker implements WorkerLike {
	private listeners: ((e: Event) => void)[] = [];
	/** Requests received, by op (for assertions). */
	readonly ops: string[] = [];
	private readonly protocol = createCryptoProtocol((m) => {
		const data = structuredClone(m);
		queueMicrotask(() => this.listeners.forEach((l) => l({ data } as unknown as Event)));
	});
	postMessage(message: unknown): void {
		const op = (message as { op?: unknown }).op;
		if (typeof op === 'string') this.ops.push(op);
		void this.protocol.handle(structuredClone(message));
	}
	addEventListener(type: string, listener: (e: Event) => void): void {
		if (type === 'message') this.listeners.push(listener);
	}
	terminate(): void {
		this.listeners = [];
	}
}

/** A crypto client backed by one in-process worker; `worker.ops` records what was asked. */
export function inProcessCrypto(): { crypto: CryptoWorkerClient; worker: InProcessWorker } {
	const worker = new InProcessWorker();
	return { crypto: new CryptoWorkerClient(() => worker), worker };
}
