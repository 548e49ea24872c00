/**
 * The fixed lengths of the GM suite's formats as plain numbers (docs/crypto.md, "The GM suite byte by byte"),
 * for code that must size a field of either suite without loading the GM suite (the commit's binary envelope).
 * ./lengths.test.ts checks them against what the GM formats write.
 */
export const GM_LENGTHS = Object.freeze({
	summary: 1066,
	kdfSpec: 22,
	authHash: 32,
	wrappedKey: 62,
	sealed: 131,
	/** Format T: `47 54 | entry id (16) | SM2 signature (64)`. */
	transferProof: 82
});
