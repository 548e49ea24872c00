/**
 * For the reporter page's pinned-root tests (src/lib/client/report/pinned-root.test.ts): someone who can
 * write to the database replaces the active root key there, as issue 15 describes, and optionally the
 * server in process serves that key as if it were pinned (a server that trusts its database).
 */
import { eq } from 'drizzle-orm';
import { generateRootKey, type RootKeyPair } from '$lib/crypto/directory';
import type { Db } from '$lib/server/db';
import { orgRootKey } from '$lib/server/db/schema';
import { pinRootKey } from '$lib/server/keys/root-key';

export interface ReplacedRoot {
	forged: RootKeyPair;
	/** The server goes back to pinning the deployment's key (what it does as shipped). */
	pinOriginal(): void;
	/** Puts the original key back in the database and in the pin. */
	restore(): Promise<void>;
}

/** Replaces the active root key in the database; `servedAsPinned`: the server pins the replaced key too. */
export async function replaceRootKey(db: Db, original: Uint8Array, servedAsPinned: boolean): Promise<ReplacedRoot> {
	const forged = generateRootKey();
	await db.update(orgRootKey).set({ publicKey: forged.publicKey }).where(eq(orgRootKey.active, true));
	if (servedAsPinned) pinRootKey(forged.publicKey);
	return {
		forged,
		pinOriginal: () => pinRootKey(original),
		restore: async () => {
			await db.update(orgRootKey).set({ publicKey: original }).where(eq(orgRootKey.active, true));
			pinRootKey(original);
		}
	};
}
