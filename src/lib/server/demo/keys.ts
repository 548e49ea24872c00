/**
 * Real keys for the demo directory, for end-to-end tests and for trying the encrypted flow without going
 * through the admin and enrolment pages for every demo account.
 *
 * `keyDemoOrgans` does on the server what the root ceremony and the browsers would do: it creates the
 * organization root key (if there is none yet; its seed is returned, never stored), creates an X25519 key bundle for every
 * demo inspector and head of the given organs (secret key wrapped under the same password and a fresh
 * recovery key, which is thrown away), enrols the bundles and publishes root-signed directory entries
 * valid for a year, all through the same server functions the pages use (registerRootKey, enrolStaffKey,
 * storeDirectoryEntry). It returns the root seed and the staff secret keys: the caller holds secrets the
 * real system never lets out of a browser, which is what a test needs and why this is demo-only.
 *
 * Demo-only, by construction: refused when the database holds any organization data that is not the
 * demo (`npm run demo`), when an organ asked for is not a demo organ, or when an active root key exists
 * whose seed is not `rootSeed`. Only demo accounts (placeholder credentials) are keyed. Running it again
 * with the same password and root seed is harmless: existing keys are opened with the password and reused, and an
 * entry is only signed where the staff member has no current one for that organ.
 *
 * `signin: true` also gives each keyed account a real sign-in: the auth key the browser would derive from
 * `password` (Argon2id with a fresh sign-in salt and the same parameters as the key wraps, like
 * src/lib/client/auth-key.ts) is hashed and stored as the server does at enrolment, and a TOTP secret is
 * enrolled; both are returned so tests can sign in through the real pages. An account that already got
 * a demo sign-in is recognised on a later run by its password opening it (the placeholder hash is gone),
 * and keeps its TOTP secret.
 */
import { and, eq, gt, inArray } from 'drizzle-orm';
import { deriveKey } from '$lib/crypto/kdf';
import { CryptoError } from '$lib/crypto/errors';
import { newEntryId, rootKeyFromSeed, signDirectoryEntry, SIGN_SEED_LENGTH } from '$lib/crypto/directory';
import { isProductionParams, STAFF_KDF, type Argon2Params } from '$lib/crypto/kdf';
import { randomBytes } from '$lib/crypto/random';
import { createStaffKeys, unlockWithPassword } from '$lib/crypto/staff-keys';
import { gmKeyPairFromSecret } from '$lib/crypto/gm/directory';
import type { SuiteId } from '$lib/crypto/suite';
import { deploymentSuiteId, pinSuite, suiteOf } from '../keys/suite';
import { HANDLER_ROLES, type HandlerRole } from '../../shared/vocabulary/org';
import type { Db } from '../db/index';
import { directoryEntry, disciplineOrgan, organStaff, staffUser } from '../db/schema';
import { storeDirectoryEntry } from '../keys/directory';
import { getActiveRootKey, pinRootKey, registerRootKey, storedRootKey } from '../keys/root-key';
import { enrolStaffKey, getStaffKey } from '../keys/staff-keys';
import { AUTH_KEY_BYTES, AUTH_SALT_BYTES, hashAuthKey, verifyAuthKey } from '../auth/password';
import { newTotpKey } from '../auth/totp';
import { DEMO_AUTH_HASH, hasNonDemoOrgData } from '../org/store';

/** The password the demo keys are wrapped under unless another is given. */
export const DEMO_KEY_PASSWORD = 'qingfeng-demo-keys';

/** Validity of the directory entries created here. */
export const DEMO_ENTRY_DAYS = 365;

export interface KeyDemoOptions {
	organIds: string[];
	/** Wraps the root seed and every staff secret key (default DEMO_KEY_PASSWORD). */
	password?: string;
	/** Argon2id parameters of the password wraps (default STAFF_KDF, what browsers use). Cheaper ones
	 *  (TEST_ONLY_CHEAP_KDF) make tests faster; the server accepts them only from this tool. */
	kdfParams?: Argon2Params;
	/** Seed of the root key: of the active one if there is one (required then), else of the one to create (default: random). */
	rootSeed?: Uint8Array;
	now?: Date;
	/** Also give the keyed staff a real password sign-in (password = `password`) and an enrolled TOTP secret. */
	signin?: boolean;
	/**
	 * The deployment's cipher suite (issue 21; default QF_CRYPTO_SUITE): in `gm` the root is an SM2 key whose
	 * 32-byte scalar is the "seed", staff keys are SM2 (password wraps PBKDF2-HMAC-SM3, the cheap test cost
	 * when `kdfParams` are not production ones) and entries are signed with SM2.
	 */
	suite?: SuiteId;
}

/** The root keypair of a seed in a suite (NaCl: Ed25519 from its seed; GM: the SM2 scalar itself). */
function rootOf(seed: Uint8Array, suite: SuiteId): { publicKey: Uint8Array; secretKey: Uint8Array } {
	return suite === 'gm' ? gmKeyPairFromSecret(seed) : rootKeyFromSeed(seed);
}

/** A demo account's sign-in, when keyed with `signin: true`. */
export interface DemoSignin {
	username: string;
	password: string;
	/** The enrolled TOTP secret (20 bytes) and its base32 form (RFC 4648, no padding). */
	totpKey: Uint8Array;
	totpBase32: string;
}

export interface KeyedStaff {
	staffId: string;
	organId: string;
	role: HandlerRole;
	username: string;
	publicKey: Uint8Array;
	secretKey: Uint8Array;
	/** Present with `signin: true`. */
	signin?: DemoSignin;
}

export interface KeyedDemo {
	rootSeed: Uint8Array;
	rootPublicKey: Uint8Array;
	fingerprint: string;
	staff: KeyedStaff[];
	/** How many key bundles and directory entries this call created (0 on a repeated run). */
	created: { rootKey: boolean; bundles: number; entries: number };
}

export class DemoKeysError extends Error {
	constructor(
		readonly code:
			'not_demo_database' | 'unknown_organ' | 'not_demo_organ' | 'root_seed' | 'staff_password' | 'store_failed',
		message: string
	) {
		super(message);
		this.name = 'DemoKeysError';
	}
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding (what authenticator apps take). */
export function base32(bytes: Uint8Array): string {
	let out = '';
	let bits = 0;
	let value = 0;
	for (const b of bytes) {
		value = (value << 8) | b;
		bits += 8;
		while (bits >= 5) {
			out += BASE32[(value >>> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
	return out;
}

/** Is this account's sign-in the demo sign-in for `password` (set by an earlier run with `signin`)? */
async function hasDemoSignin(
	user: { authHash: string; authSalt: Uint8Array; authParams: Argon2Params },
	password: string
): Promise<boolean> {
	if (!user.authHash.startsWith('$argon2id$')) return false;
	const authKey = await deriveKey(password, user.authSalt, user.authParams, AUTH_KEY_BYTES);
	return verifyAuthKey(authKey, user.authHash);
}

/** Sets a real sign-in (auth key from `password`) and a TOTP secret, unless the account already has the demo sign-in. */
async function demoSignin(
	db: Db,
	staffId: string,
	username: string,
	password: string,
	params: Argon2Params
): Promise<DemoSignin> {
	const [user] = await db.select().from(staffUser).where(eq(staffUser.id, staffId));
	if (!user) throw new DemoKeysError('store_failed', `No account ${username}.`);
	if (user.authHash !== DEMO_AUTH_HASH && user.totpKey && (await hasDemoSignin(user, password))) {
		return { username, password, totpKey: user.totpKey.slice(), totpBase32: base32(user.totpKey) };
	}
	const authSalt = randomBytes(AUTH_SALT_BYTES);
	const authKey = await deriveKey(password, authSalt, params, AUTH_KEY_BYTES);
	const authHash = await hashAuthKey(authKey);
	const totpKey = newTotpKey();
	await db
		.update(staffUser)
		.set({
			authSalt,
			authParams: { m: params.m, t: params.t, p: params.p },
			authHash,
			totpKey,
			totpLastStep: null,
			failedSignins: 0
		})
		.where(eq(staffUser.id, staffId));
	return { username, password, totpKey, totpBase32: base32(totpKey) };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	return a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}

/**
 * The root seed, acting as the root ceremony (docs/keys.md): the seed given (the demo secrets file) must be
 * the active root's; without a root yet, a new seed (or the given one) is created and its public key
 * recorded. The seed itself is never stored in the database. The key is pinned for this process.
 */
async function demoRoot(
	db: Db,
	seedIn: Uint8Array | undefined,
	suite: SuiteId
): Promise<{ seed: Uint8Array; created: boolean }> {
	const existing = await storedRootKey(db);
	const seed = seedIn
		? seedIn.slice()
		: suite === 'gm'
			? suiteOf('gm').generateSigningKeyPair().secretKey
			: randomBytes(SIGN_SEED_LENGTH);
	const publicKey = rootOf(seed, suite).publicKey;
	if (existing && !sameBytes(existing.publicKey, publicKey)) {
		throw new DemoKeysError(
			'root_seed',
			seedIn
				? 'The given root seed is not the seed of the active root key; demo keys can only be added under the root key they created.'
				: 'An active root key exists: give its seed (the demo secrets file of the run that created it).'
		);
	}
	pinSuite(suite); // the root key's length is checked against the suite
	const r = await registerRootKey(db, publicKey);
	if (!r.ok) throw new DemoKeysError('store_failed', `Could not store the root key: ${r.reason}`);
	pinRootKey(publicKey, suite);
	return { seed, created: r.created };
}

/** Every demo organ (`npm run demo:keys -- --all`), in id order. */
export async function allDemoOrganIds(db: Db): Promise<string[]> {
	const rows = await db
		.select({ id: disciplineOrgan.id })
		.from(disciplineOrgan)
		.where(eq(disciplineOrgan.isDemo, true))
		.orderBy(disciplineOrgan.id);
	return rows.map((r) => r.id);
}

export async function keyDemoOrgans(db: Db, opts: KeyDemoOptions): Promise<KeyedDemo> {
	const password = opts.password ?? DEMO_KEY_PASSWORD;
	const params = opts.kdfParams ?? STAFF_KDF;
	const weak = { allowWeakKdf: !isProductionParams(params) };
	const now = opts.now ?? new Date();
	const organIds = [...new Set(opts.organIds)];

	if (await hasNonDemoOrgData(db)) {
		throw new DemoKeysError(
			'not_demo_database',
			'This database holds organization data that is not the demo; demo keys are refused here.'
		);
	}
	const organs =
		organIds.length === 0
			? []
			: await db
					.select({ id: disciplineOrgan.id, isDemo: disciplineOrgan.isDemo })
					.from(disciplineOrgan)
					.where(inArray(disciplineOrgan.id, organIds));
	for (const id of organIds) {
		const o = organs.find((x) => x.id === id);
		if (!o) throw new DemoKeysError('unknown_organ', `There is no organ ${id} (load the demo first: npm run demo).`);
		if (!o.isDemo) throw new DemoKeysError('not_demo_organ', `Organ ${id} is not part of the demo.`);
	}

	const suiteId = opts.suite ?? deploymentSuiteId();
	const suite = suiteOf(suiteId);
	const { seed, created: rootCreated } = await demoRoot(db, opts.rootSeed, suiteId);
	const root = rootOf(seed, suiteId);
	const activeRoot = (await getActiveRootKey(db))!;

	const candidates =
		organIds.length === 0
			? []
			: await db
					.select({
						staffId: organStaff.staffId,
						organId: organStaff.organId,
						role: organStaff.role,
						username: staffUser.username,
						authHash: staffUser.authHash,
						authSalt: staffUser.authSalt,
						authParams: staffUser.authParams,
						totpKey: staffUser.totpKey
					})
					.from(organStaff)
					.innerJoin(staffUser, eq(staffUser.id, organStaff.staffId))
					.where(and(inArray(organStaff.organId, organIds), inArray(organStaff.role, HANDLER_ROLES)))
					.orderBy(organStaff.organId, staffUser.username);
	// Only placeholder credentials, or a demo sign-in that an earlier run made with this password.
	const members: typeof candidates = [];
	for (const c of candidates) {
		if (c.authHash === DEMO_AUTH_HASH || (c.totpKey && (await hasDemoSignin(c, password)))) members.push(c);
	}

	const nowS = Math.floor(now.getTime() / 1000);
	const staff: KeyedStaff[] = [];
	let bundles = 0;
	let entries = 0;
	const keyPairs = new Map<string, { publicKey: Uint8Array; secretKey: Uint8Array }>();
	const signins = new Map<string, DemoSignin>();
	for (const m of members) {
		let pair = keyPairs.get(m.staffId);
		if (!pair) {
			const stored = await getStaffKey(db, m.staffId);
			if (stored) {
				try {
					pair =
						suiteId === 'nacl'
							? await unlockWithPassword(stored, password)
							: await suite.unlockWithPassword(stored, password);
				} catch (e) {
					if (e instanceof CryptoError)
						throw new DemoKeysError(
							'staff_password',
							`The key of demo account ${m.username} exists and this password does not open it.`
						);
					throw e;
				}
			} else {
				const made =
					suiteId === 'nacl'
						? await createStaffKeys(password, params)
						: await suite.createStaffKeys(password, { testOnlyCheap: weak.allowWeakKdf });
				const r = await enrolStaffKey(db, m.staffId, made.bundle, weak);
				if (!r.ok) throw new DemoKeysError('store_failed', `Could not enrol the key of ${m.username}: ${r.reason}`);
				pair = made.keyPair;
				bundles++;
			}
			keyPairs.set(m.staffId, pair);
		}
		const kp = pair;
		const current = await db
			.select({ publicKey: directoryEntry.publicKey })
			.from(directoryEntry)
			.where(
				and(
					eq(directoryEntry.staffId, m.staffId),
					eq(directoryEntry.organId, m.organId),
					eq(directoryEntry.rootKeyId, activeRoot.id),
					eq(directoryEntry.role, m.role),
					gt(directoryEntry.notAfter, now)
				)
			);
		if (!current.some((c) => sameBytes(c.publicKey, kp.publicKey))) {
			const signed = signDirectoryEntry(
				{
					entryId: newEntryId(),
					staffId: m.staffId,
					organId: m.organId,
					role: m.role,
					publicKey: kp.publicKey,
					notBefore: nowS - 300,
					notAfter: nowS + DEMO_ENTRY_DAYS * 86_400
				},
				root.secretKey,
				suite.entries
			);
			const r = await storeDirectoryEntry(db, signed, now);
			if (!r.ok)
				throw new DemoKeysError(
					'store_failed',
					`Could not store the directory entry of ${m.username} for ${m.organId}: ${r.reason}`
				);
			entries++;
		}
		let signin: DemoSignin | undefined;
		if (opts.signin) {
			signin = signins.get(m.staffId) ?? (await demoSignin(db, m.staffId, m.username, password, params));
			signins.set(m.staffId, signin);
		}
		staff.push({
			staffId: m.staffId,
			organId: m.organId,
			role: m.role as KeyedStaff['role'],
			username: m.username,
			publicKey: kp.publicKey.slice(),
			secretKey: kp.secretKey.slice(),
			...(signin ? { signin } : {})
		});
	}
	root.secretKey.fill(0);
	return {
		rootSeed: seed,
		rootPublicKey: root.publicKey,
		fingerprint: suite.rootFingerprint(root.publicKey),
		staff,
		created: { rootKey: rootCreated, bundles, entries }
	};
}
