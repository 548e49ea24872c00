/// <reference lib="webworker" />
/**
 * The proof-of-work worker: one search per worker (the main thread terminates it to cancel or when
 * another worker found the nonce). All logic is in pow-core.ts, unit-tested in Node.
 */
import { runPowRequest } from './pow-core';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<unknown>) => {
	runPowRequest(event.data, (message) => scope.postMessage(message));
};
