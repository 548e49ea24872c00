/**
 * The organization's root signing key: its public key and its seed wrapped under the creating admin's
 * password (the browser generates and wraps it; the server stores and serves the public half).
 */
import { eq } from 'drizzle-orm';
import { CryptoError } from '$lib/crypto/errors';
import { passwordWrappedSpec } from '$lib/crypto/kdf-spec';
import { isProductionParams } from '$lib/crypto/kdf';
import { rootFingerprint } from '$lib/crypto/directory';
import type { Db } from '$lib/server/db';
import { orgRootKey } from '$lib/server/db/schema';
import type { BundleOptions } from './staff-keys';

export type RootKeyRow = typeof orgRootKey.$inferSelect;

export async function getActiveRootKey(db: Db): Promise<RootKeyRow | null> {
	const [row] = await db.select().from(orgRootKey).where(eq(orgRootKey.active, true));
	return row ?? null;
}

export type CreateRootResult =
	| { ok: true; row: RootKeyRow; fingerprint: string }
	| { ok: false; reason: 'bad_public_key' | 'bad_password_wrap' | 'weak_kdf' | 'root_exists' };

/** Stores the first root key. A second one is refused while one is active (rotation is not offered yet). */
export async function createRootKey(
	db: Db,
	input: { publicKey: Uint8Array; passwordWrapped: Uint8Array; createdBy: string | null },
	opts: BundleOptions = {}
): Promise<CreateRootResult> {
	if (!(input.publicKey instanceof Uint8Array) || input.publicKey.length !== 32)
		return { ok: false, reason: 'bad_public_key' };
	try {
		const spec = passwordWrappedSpec(input.passwordWrapped);
		if (!opts.allowWeakKdf && !isProductionParams(spec)) return { ok: false, reason: 'weak_kdf' };
	} catch (e) {
		if (e instanceof CryptoError) return { ok: false, reason: 'bad_password_wrap' };
		throw e;
	}
	if (await getActiveRootKey(db)) return { ok: false, reason: 'root_exists' };
	try {
		const [row] = await db
			.insert(orgRootKey)
			.values({ publicKey: input.publicKey, passwordWrapped: input.passwordWrapped, createdBy: input.createdBy })
			.returning();
		return { ok: true, row: row!, fingerprint: rootFingerprint(input.publicKey) };
	} catch (e) {
		// The partial unique index lost a race with another admin, or the key was used before.
		if ((await getActiveRootKey(db)) !== null) return { ok: false, reason: 'root_exists' };
		throw e;
	}
}
