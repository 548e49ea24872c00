/**
 * The Argon2id parameters the browser accepts from the server (issue 16): a server (or whoever changed its
 * database) must not be able to make the browser derive a staff auth key or a receipt's keys with cheap
 * parameters, which would make the derived key easy to brute-force from what the server later sees. Below
 * the floor the browser refuses before it derives anything; above the ceiling too (a browser cannot spend
 * gigabytes).
 */
import { TEST_ONLY_CHEAP_KDF, type Argon2Params } from '../crypto/kdf';
import { decodeKdfSpec } from '../crypto/kdf-spec';
import { TEST_BUILD } from '../shared/build-kind';

/** What the project itself uses for everything a person types or keeps (64 MiB, 3 passes). */
export const KDF_FLOOR: Readonly<Argon2Params> = Object.freeze({ m: 65536, t: 3, p: 1 });
/** The most a browser is asked to spend: 1 GiB, 16 passes, 8 lanes. */
export const KDF_CEILING: Readonly<Argon2Params> = Object.freeze({ m: 1024 * 1024, t: 16, p: 8 });

export class WeakKdfError extends Error {
	constructor(readonly params: unknown) {
		super('the server asked for Argon2id parameters below the floor (or above the ceiling)');
		this.name = 'WeakKdfError';
	}
}

const int = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);

/** True when `params` (as the server sent them) are within the floor and the ceiling. */
export function acceptableKdf(params: unknown): params is Argon2Params {
	if (typeof params !== 'object' || params === null) return false;
	const { m, t, p } = params as Record<string, unknown>;
	return (
		int(m) &&
		int(t) &&
		int(p) &&
		m >= KDF_FLOOR.m &&
		t >= KDF_FLOOR.t &&
		p >= KDF_FLOOR.p &&
		m <= KDF_CEILING.m &&
		t <= KDF_CEILING.t &&
		p <= KDF_CEILING.p
	);
}

/** Throws {@link WeakKdfError} unless the parameters are acceptable. */
export function requireAcceptableKdf(params: unknown): Argon2Params {
	if (!acceptableKdf(params)) throw new WeakKdfError(params);
	return params;
}

/** The same check for an encoded KDF spec (a receipt's); a malformed spec is the decoder's error. */
export function requireAcceptableKdfSpec(spec: Uint8Array): void {
	const { m, t, p } = decodeKdfSpec(spec);
	requireAcceptableKdf({ m, t, p });
}

const isCheapTestKdf = (params: unknown): boolean => {
	if (typeof params !== 'object' || params === null) return false;
	const { m, t, p } = params as Record<string, unknown>;
	return m === TEST_ONLY_CHEAP_KDF.m && t === TEST_ONLY_CHEAP_KDF.t && p === TEST_ONLY_CHEAP_KDF.p;
};

/**
 * The check at staff sign-in (and wherever a staff password becomes an auth key): the floor, except that a
 * test build (`testBuild`, from the build-time switch in src/lib/shared/build-kind.ts) also accepts exactly
 * the cheap test parameters the keyed demo of the browser tests uses. A production build has `testBuild`
 * false, compiled in: it refuses them like any other weak parameters.
 */
export function requireStaffKdf(params: unknown, testBuild: boolean = TEST_BUILD): Argon2Params {
	if (testBuild && isCheapTestKdf(params)) return params as Argon2Params;
	return requireAcceptableKdf(params);
}
