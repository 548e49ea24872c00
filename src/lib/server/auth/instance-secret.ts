/**
 * A random key generated on first start and kept in the database, so every app server gives the same
 * answers (e.g. the fake salt for an unknown user name) without any configuration.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { appSetting } from '$lib/server/db/schema';

const KEY = 'instance_secret';
const cache = new WeakMap<Db, Uint8Array>();

export async function instanceSecret(db: Db): Promise<Uint8Array> {
	const known = cache.get(db);
	if (known) return known;
	const fresh = new Uint8Array(32);
	crypto.getRandomValues(fresh);
	await db.insert(appSetting).values({ key: KEY, value: fresh }).onConflictDoNothing();
	const [row] = await db.select().from(appSetting).where(eq(appSetting.key, KEY));
	cache.set(db, row!.value);
	return row!.value;
}
