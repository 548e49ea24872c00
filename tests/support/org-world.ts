/**
 * What the test worlds of ./backoffice.ts and ./reporter-world.ts share: the same small directory (units
 * u-prov > u-city > u-k1, u-k2; organs o-top > o-prov > o-city > o-k1, o-k2, each county, city and province
 * organ supervising its unit), staff users without a password, a real root key pinned as the deployment's,
 * and staff keys with directory entries signed by it. Each world adds its own staff, roles and conflicts.
 */
import {
	createStaffKeys,
	generateRootKey,
	newEntryId,
	signDirectoryEntry,
	TEST_ONLY_CHEAP_KDF,
	type BoxKeyPair,
	type RootKeyPair
} from '$lib/crypto';
import { gmSuite } from '$lib/crypto/gm/suite';
import { naclSuite } from '$lib/crypto/nacl-suite';
import type { SuiteId } from '$lib/crypto/suite';
import type { AdminLevel } from '$lib/shared/vocabulary/org';
import type { Db } from '$lib/server/db';
import { staffUser } from '$lib/server/db/schema';
import { storeDirectoryEntry } from '$lib/server/keys/directory';
import { pinRootKey, registerRootKey } from '$lib/server/keys/root-key';
import { enrolStaffKey } from '$lib/server/keys/staff-keys';
import { replaceOrgData } from '$lib/server/org/store';
import type { OrgData } from '$lib/server/org/types';

/** Friday 2026-11-27 10:00 in Shanghai. */
export const NOW = new Date('2026-11-27T02:00:00Z');

export interface Staff {
	id: string;
	keyPair: BoxKeyPair;
	entryId: Uint8Array;
}

const s = (d: Date) => Math.floor(d.getTime() / 1000);

/**
 * Inserts staff users `names` in that order (no password: authHash '!'); `displayName` and `isAdmin` per
 * name. Returns their ids in the same order.
 */
export async function insertStaffUsers<const N extends readonly string[]>(
	db: Db,
	names: N,
	opts: { displayName?: (u: string) => string; isAdmin?: (u: string) => boolean } = {}
): Promise<{ [K in keyof N]: string }> {
	const users = await db
		.insert(staffUser)
		.values(
			names.map((u) => ({
				username: u,
				displayName: opts.displayName ? opts.displayName(u) : u,
				isAdmin: opts.isAdmin ? opts.isAdmin(u) : false,
				authSalt: new Uint8Array(16),
				authParams: { m: 64, t: 1, p: 1 },
				authHash: '!'
			}))
		)
		.returning({ id: staffUser.id, username: staffUser.username });
	return names.map((u) => users.find((x) => x.username === u)!.id) as { [K in keyof N]: string };
}

/** Stores the shared units, organs and jurisdiction with the world's own `staff` and `conflicts`. */
export async function storeOrgTree(db: Db, staff: OrgData['staff'], conflicts: OrgData['conflicts']): Promise<void> {
	const unit = (id: string, parentId: string | null, name: string, level: AdminLevel, regionPath: string) => ({
		id,
		parentId,
		name,
		level,
		regionPath
	});
	const organ = (id: string, name: string, level: AdminLevel, parentOrganId: string | null) => ({
		id,
		name,
		kind: 'commission' as const,
		level,
		unitId: null,
		hostUnitId: null,
		parentOrganId
	});
	await replaceOrgData(
		db,
		{
			units: [
				unit('u-prov', null, '示范省', 'province', '示范省'),
				unit('u-city', 'u-prov', '青山市', 'city', '示范省/青山市'),
				unit('u-k1', 'u-city', '东区', 'county', '示范省/青山市/东区'),
				unit('u-k2', 'u-city', '西区', 'county', '示范省/青山市/西区')
			],
			organs: [
				organ('o-top', '中央（演示）', 'central', null),
				organ('o-prov', '示范省纪委监委', 'province', 'o-top'),
				organ('o-city', '青山市纪委监委', 'city', 'o-prov'),
				organ('o-k1', '东区纪委监委', 'county', 'o-city'),
				organ('o-k2', '西区纪委监委', 'county', 'o-city')
			],
			jurisdiction: [
				{ organId: 'o-prov', unitId: 'u-prov' },
				{ organId: 'o-city', unitId: 'u-city' },
				{ organId: 'o-k1', unitId: 'u-k1' },
				{ organId: 'o-k2', unitId: 'u-k2' }
			],
			staff,
			conflicts,
			posts: []
		},
		{ demo: false }
	);
}

/**
 * A fresh root key, pinned and registered as the deployment's. Issue 21: a GM world has an SM2 root (its
 * 32-byte scalar as the "seed"); the caller unpins with `pinRootKey(undefined)`.
 */
export async function pinTestRoot(db: Db, suite: SuiteId): Promise<RootKeyPair> {
	const root: RootKeyPair =
		suite === 'gm'
			? (({ publicKey, secretKey }) => ({ publicKey, secretKey, seed: secretKey }))(gmSuite.generateSigningKeyPair())
			: generateRootKey();
	pinRootKey(root.publicKey, suite); // as the deployment's ROOT_PUBLIC_KEY (and QF_CRYPTO_SUITE) would (docs/keys.md)
	const created = await registerRootKey(db, root.publicKey);
	if (!created.ok) throw new Error(created.reason);
	return root;
}

/**
 * Enrols a key for staff member `id` and stores its directory entry for `organId`, signed by `root` and
 * valid from a day before NOW for `days` days after it.
 */
export async function keyStaff(
	db: Db,
	root: RootKeyPair,
	id: string,
	organId: string,
	role: string,
	days = 365
): Promise<Staff> {
	// The root's suite: an SM2 root (65 bytes) is a GM world's.
	const suite = root.publicKey.length === 65 ? gmSuite : naclSuite;
	const keys =
		suite === naclSuite
			? await createStaffKeys('pw', TEST_ONLY_CHEAP_KDF)
			: await suite.createStaffKeys('pw', { testOnlyCheap: true });
	const enrolled = await enrolStaffKey(db, id, keys.bundle, { allowWeakKdf: true });
	if (!enrolled.ok) throw new Error(enrolled.reason);
	const entryId = newEntryId();
	const signed = signDirectoryEntry(
		{
			entryId,
			staffId: id,
			organId,
			role,
			publicKey: keys.keyPair.publicKey,
			notBefore: s(NOW) - 86_400,
			notAfter: s(NOW) + 86_400 * days
		},
		root.secretKey,
		suite.entries
	);
	const stored = await storeDirectoryEntry(db, signed, NOW);
	if (!stored.ok) throw new Error(stored.reason);
	return { id, keyPair: keys.keyPair, entryId };
}
