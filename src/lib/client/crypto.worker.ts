/// <reference lib="webworker" />
/**
 * The client-side crypto worker: Argon2id derivations and attachment encryption/decryption off the main
 * thread. All logic lives in crypto-protocol.ts (unit-tested in Node); this file only wires it to the
 * worker's message port. Use it through crypto-client.ts.
 */
import { createCryptoProtocol } from './crypto-protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const protocol = createCryptoProtocol((message, transfer) => scope.postMessage(message, transfer));

scope.onmessage = (event: MessageEvent<unknown>) => {
	void protocol.handle(event.data);
};
