/**
 * The organization's root signing key, as the server knows it: only the public key, pinned by deployment
 * configuration (ROOT_PUBLIC_KEY or ROOT_PUBLIC_KEY_FILE, see config.ts), never taken from the database
 * it protects. The database keeps a copy (org_root_key) so entries and revocation lists can name the root
 * they were signed under; every verifier goes through `getActiveRootKey`, which answers only when that copy
 * is the pinned key, and the server refuses to start when it is not (`checkPinnedRoot`). The seed lives
 * offline with the ceremony (`npm run root`, docs/keys.md) and is never stored here.
 */
import { and, eq } from 'drizzle-orm';
import { sameRootKey } from '$lib/crypto/directory';
import type { SuiteId } from '$lib/crypto/suite';
import { config } from '$lib/server/config';
import type { Db } from '$lib/server/db';
import { orgRootKey } from '$lib/server/db/schema';
import { deploymentSuite, pinSuite } from './suite';

/** The 校验码 of a root key in the deployment's suite. */
const rootFingerprint = (publicKey: Uint8Array) => deploymentSuite().rootFingerprint(publicKey);
/** A root public key of the deployment's suite (32-byte Ed25519 / 65-byte SM2 point). */
const isRootKey = (k: unknown): k is Uint8Array =>
	k instanceof Uint8Array && k.length === deploymentSuite().entries.rootKeyLength;

export type RootKeyRow = typeof orgRootKey.$inferSelect;

/** `undefined`: use the configuration; otherwise the key pinned in this process (tools and tests). */
let pinnedHere: Uint8Array | null | undefined;

/**
 * Pins the root public key for this process instead of the configuration (the ceremony tools and tests,
 * which act for the deployment); `undefined` goes back to the configuration. `suite` pins the deployment's
 * cipher suite with it (default: the configuration's; see ./suite.ts).
 */
export function pinRootKey(publicKey: Uint8Array | null | undefined, suite?: SuiteId): void {
	pinnedHere = publicKey === undefined || publicKey === null ? publicKey : publicKey.slice();
	pinSuite(publicKey === undefined ? undefined : suite);
}

/** The pinned root public key, or null when the deployment has not pinned one yet. */
export function pinnedRootKey(): Uint8Array | null {
	return pinnedHere !== undefined ? pinnedHere : config().rootPublicKey;
}

/** The active root row as stored, whether or not it is the pinned key (start-up check and tools only). */
export async function storedRootKey(db: Db): Promise<RootKeyRow | null> {
	const [row] = await db.select().from(orgRootKey).where(eq(orgRootKey.active, true));
	return row ?? null;
}

/**
 * The active root key, only if it is the pinned one: what every verifier checks against. A row written
 * behind the server's back (a replaced key) is not trusted; nor is any row when nothing is pinned.
 */
export async function getActiveRootKey(db: Db): Promise<RootKeyRow | null> {
	const pinned = pinnedRootKey();
	if (!pinned) return null;
	const row = await storedRootKey(db);
	return row && sameRootKey(row.publicKey, pinned) ? row : null;
}

export type RegisterRootResult =
	| { ok: true; row: RootKeyRow; fingerprint: string; created: boolean }
	| { ok: false; reason: 'bad_public_key' | 'root_exists' };

/**
 * Records a root public key as the active one when none is (idempotent for the same key). A different
 * active key is refused: replacing it is a rotation (`rotateRootKey`).
 */
export async function registerRootKey(
	db: Db,
	publicKey: Uint8Array,
	createdBy: string | null = null
): Promise<RegisterRootResult> {
	if (!isRootKey(publicKey)) return { ok: false, reason: 'bad_public_key' };
	const existing = await storedRootKey(db);
	if (existing) {
		return sameRootKey(existing.publicKey, publicKey)
			? { ok: true, row: existing, fingerprint: rootFingerprint(publicKey), created: false }
			: { ok: false, reason: 'root_exists' };
	}
	try {
		const [row] = await db.insert(orgRootKey).values({ publicKey, createdBy }).returning();
		return { ok: true, row: row!, fingerprint: rootFingerprint(publicKey), created: true };
	} catch (e) {
		// Lost a race with another process registering the same key, or the key was retired before.
		const now = await storedRootKey(db);
		if (now && sameRootKey(now.publicKey, publicKey))
			return { ok: true, row: now, fingerprint: rootFingerprint(publicKey), created: false };
		if (now) return { ok: false, reason: 'root_exists' };
		throw e;
	}
}

export type RotateRootResult =
	| { ok: true; row: RootKeyRow; fingerprint: string }
	| { ok: false; reason: 'bad_public_key' | 'same_key' | 'used_before' };

/**
 * Makes `publicKey` the active root and retires the previous one (its entries and revocation lists stop
 * being served: the ceremony signs new entries under the new root). Run with the new key pinned.
 */
export async function rotateRootKey(db: Db, publicKey: Uint8Array, now = new Date()): Promise<RotateRootResult> {
	if (!isRootKey(publicKey)) return { ok: false, reason: 'bad_public_key' };
	return db.transaction(async (tx) => {
		const [known] = await tx.select().from(orgRootKey).where(eq(orgRootKey.publicKey, publicKey));
		if (known?.active) return { ok: false as const, reason: 'same_key' as const };
		if (known) return { ok: false as const, reason: 'used_before' as const };
		await tx
			.update(orgRootKey)
			.set({ active: false, retiredAt: now })
			.where(and(eq(orgRootKey.active, true)));
		const [row] = await tx.insert(orgRootKey).values({ publicKey, createdBy: null }).returning();
		return { ok: true as const, row: row!, fingerprint: rootFingerprint(publicKey) };
	});
}

export type PinnedRootCheck =
	| { ok: true; state: 'none' | 'registered' | 'matches'; fingerprint: string | null }
	| { ok: false; reason: 'mismatch' | 'not_pinned' | 'wrong_suite'; message: string };

/**
 * Start-up check of the pinned root against the database: the same key (or none stored: then the pinned
 * key is recorded) lets the server start; a different stored key, or a stored key with nothing pinned,
 * refuses it with a message an operator can act on.
 */
export async function checkPinnedRoot(db: Db, pinned: Uint8Array | null): Promise<PinnedRootCheck> {
	const suite = deploymentSuite();
	if (pinned && pinned.length !== suite.entries.rootKeyLength)
		return {
			ok: false,
			reason: 'wrong_suite',
			message:
				`QF_CRYPTO_SUITE=${suite.id} needs a root key of ${suite.entries.rootKeyLength} bytes, the pinned one has ` +
				`${pinned.length}: pin the public key the root ceremony of this suite printed (npm run root -- show).`
		};
	const stored = await storedRootKey(db);
	if (!pinned) {
		if (!stored) return { ok: true, state: 'none', fingerprint: null };
		return {
			ok: false,
			reason: 'not_pinned',
			message:
				`The database holds a root key (fingerprint ${rootFingerprint(stored.publicKey)}) but none is pinned: ` +
				'set ROOT_PUBLIC_KEY (or ROOT_PUBLIC_KEY_FILE) to the public key the root ceremony printed (npm run root -- show).'
		};
	}
	if (stored) {
		if (sameRootKey(stored.publicKey, pinned))
			return { ok: true, state: 'matches', fingerprint: rootFingerprint(pinned) };
		return {
			ok: false,
			reason: 'mismatch',
			message:
				`The root key in the database (fingerprint ${rootFingerprint(stored.publicKey)}) is not the pinned one ` +
				`(ROOT_PUBLIC_KEY, fingerprint ${rootFingerprint(pinned)}): the database may have been tampered with. ` +
				'Check the pinned key against the ceremony record; after a planned rotation run npm run directory -- activate-root.'
		};
	}
	const r = await registerRootKey(db, pinned);
	if (!r.ok) return { ok: false, reason: 'mismatch', message: 'Another root key was recorded while starting.' };
	return { ok: true, state: 'registered', fingerprint: r.fingerprint };
}
