/**
 * The deployment's cipher suite on the server (issue 21): `QF_CRYPTO_SUITE` (config.ts), or the suite pinned
 * in this process with the root key (`pinRootKey(key, suite)`: the ceremony tools and tests act for a
 * deployment). The server imports both suites statically (its size does not matter); only the reporter's and
 * staff's pages keep the GM code behind `loadSuite`'s dynamic import.
 */
import { gmSuite } from '$lib/crypto/gm/suite';
import { naclSuite } from '$lib/crypto/nacl-suite';
import type { Suite, SuiteId } from '$lib/crypto/suite';
import { config } from '$lib/server/config';

let pinnedHere: SuiteId | undefined;

/** Pins the suite for this process (with the root key, root-key.ts); `undefined` goes back to the configuration. */
export function pinSuite(id: SuiteId | undefined): void {
	pinnedHere = id;
}

/** The deployment's suite id. */
export function deploymentSuiteId(): SuiteId {
	return pinnedHere ?? config().cryptoSuite;
}

/** The implementation of a suite, synchronously (server side only). */
export function suiteOf(id: SuiteId): Suite {
	return id === 'gm' ? gmSuite : naclSuite;
}

/** The deployment's suite. */
export function deploymentSuite(): Suite {
	return suiteOf(deploymentSuiteId());
}
