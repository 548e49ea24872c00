/**
 * The names of the cipher suites (issue 21) and their version bytes: no code of either suite, so
 * configuration, wire types, the release manifest and the service worker can name a suite without loading
 * one (./suite.ts has the `Suite` interface and `loadSuite`).
 */
import { FORMAT_VERSION, GM_FORMAT_VERSION } from './format';

/** The suites a deployment may choose. */
export const SUITE_IDS = ['nacl', 'gm'] as const;
export type SuiteId = (typeof SUITE_IDS)[number];
/** The suite of a deployment that says nothing. */
export const DEFAULT_SUITE: SuiteId = 'nacl';

/** Byte 0 of every format, per suite. */
export const SUITE_VERSION: Readonly<Record<SuiteId, number>> = Object.freeze({
	nacl: FORMAT_VERSION,
	gm: GM_FORMAT_VERSION
});

export function isSuiteId(v: unknown): v is SuiteId {
	return typeof v === 'string' && (SUITE_IDS as readonly string[]).includes(v);
}

/** Which suite wrote these bytes (by byte 0), or null. */
export function suiteOfBytes(bytes: Uint8Array): SuiteId | null {
	for (const id of SUITE_IDS) if (bytes[0] === SUITE_VERSION[id]) return id;
	return null;
}
