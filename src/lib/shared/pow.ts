/**
 * The proof-of-work challenge (docs/reporting.md §1), for the server that issues and checks it
 * (src/lib/server/reports/pow.ts) and the browser that solves it (src/lib/client/report/pow-core.ts).
 *
 * Challenge, version 1: 39 bytes, base64url without padding on the wire.
 *
 *   offset  length  field
 *        0       1  version = 1
 *        1       1  purpose: 1 intake (a submission), 2 receipt (a receipt log-in)
 *        2       1  difficulty: leading zero bits required
 *        3       4  expiresAt: u32 big-endian, Unix seconds
 *        7      16  id: random; spent ids are kept until they expire (single use)
 *       23      16  tag = HMAC-SHA-256(server key "pow", bytes 0..23)[0..16]
 *
 * Solution: an integer 0 ≤ nonce < 2^53 such that SHA-256(challenge bytes ‖ u64be(nonce)) starts with at
 * least `difficulty` zero bits. No imports: the solver's worker bundle stays tiny.
 */

export const POW_VERSION = 1;

/** Challenge purposes and their byte. */
export const POW_PURPOSES = { intake: 1, receipt: 2 } as const;
export type PowPurpose = keyof typeof POW_PURPOSES;
export const POW_PURPOSE_NAMES = ['intake', 'receipt'] as const satisfies readonly PowPurpose[];

/** Where each field starts (see the table above). */
export const CHALLENGE_OFFSETS = { version: 0, purpose: 1, difficulty: 2, expiresAt: 3, id: 7, tag: 23 } as const;
export const CHALLENGE_ID_LENGTH = 16;
export const CHALLENGE_TAG_LENGTH = 16;
/** The bytes the tag covers: everything before it. */
export const SIGNED_LENGTH = CHALLENGE_OFFSETS.tag;
/** Length of a version-1 challenge. */
export const CHALLENGE_LENGTH = SIGNED_LENGTH + CHALLENGE_TAG_LENGTH;

/** Seconds a challenge stays valid. */
export const POW_LIFETIME_SECONDS = 600;

/** Largest nonce + 1 the server accepts. */
export const MAX_NONCE = 2 ** 53;

/** Highest base difficulty a deployment may configure (POW_DIFFICULTY), and the most the server issues. */
export const MAX_BASE_DIFFICULTY = 32;
/** Most bits load may add to the configured difficulty. */
export const MAX_EXTRA_BITS = 8;
/**
 * Highest difficulty the client agrees to work on: the configurable base plus what load may add (a hostile
 * or broken server could ask for 2^200). The server caps what it issues at MAX_BASE_DIFFICULTY, so the
 * margin only matters to a server that stopped capping.
 */
export const MAX_DIFFICULTY = MAX_BASE_DIFFICULTY + MAX_EXTRA_BITS;

/** The clear fields of a challenge (the tag is the server's business). */
export interface ChallengeInfo {
	version: number;
	purpose: PowPurpose | null;
	difficulty: number;
	/** Unix seconds. */
	expiresAt: number;
}

/** Reads the clear fields of a challenge; null if it is not a version-1 challenge. */
export function readChallenge(bytes: Uint8Array): ChallengeInfo | null {
	if (bytes.length !== CHALLENGE_LENGTH || bytes[CHALLENGE_OFFSETS.version] !== POW_VERSION) return null;
	const p = bytes[CHALLENGE_OFFSETS.purpose];
	const purpose = POW_PURPOSE_NAMES.find((name) => POW_PURPOSES[name] === p) ?? null;
	const at = CHALLENGE_OFFSETS.expiresAt;
	const expiresAt =
		(((bytes[at] as number) << 24) |
			((bytes[at + 1] as number) << 16) |
			((bytes[at + 2] as number) << 8) |
			(bytes[at + 3] as number)) >>>
		0;
	return { version: POW_VERSION, purpose, difficulty: bytes[CHALLENGE_OFFSETS.difficulty] as number, expiresAt };
}

/** The signed part of a new challenge (bytes 0..23); the issuer appends the tag. */
export function challengeFields(fields: {
	purpose: PowPurpose;
	difficulty: number;
	expiresAt: number;
	id: Uint8Array;
}): Uint8Array {
	const bytes = new Uint8Array(CHALLENGE_LENGTH);
	bytes[CHALLENGE_OFFSETS.version] = POW_VERSION;
	bytes[CHALLENGE_OFFSETS.purpose] = POW_PURPOSES[fields.purpose];
	bytes[CHALLENGE_OFFSETS.difficulty] = fields.difficulty;
	new DataView(bytes.buffer).setUint32(CHALLENGE_OFFSETS.expiresAt, fields.expiresAt);
	bytes.set(fields.id.subarray(0, CHALLENGE_ID_LENGTH), CHALLENGE_OFFSETS.id);
	return bytes;
}

/** The nonce as hashed after the challenge: u64 big-endian. */
export function nonceBytes(nonce: number): Uint8Array {
	const out = new Uint8Array(8);
	const view = new DataView(out.buffer);
	view.setUint32(0, Math.floor(nonce / 2 ** 32));
	view.setUint32(4, nonce >>> 0);
	return out;
}

/** Number of leading zero bits of a digest. */
export function leadingZeroBits(digest: Uint8Array): number {
	let bits = 0;
	for (const b of digest) {
		if (b === 0) {
			bits += 8;
			continue;
		}
		return bits + Math.clz32(b) - 24;
	}
	return bits;
}
