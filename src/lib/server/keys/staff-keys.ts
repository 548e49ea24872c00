/**
 * Staff key bundles: what a staff member's browser uploads at enrolment (public key, password wrap,
 * recovery wrap), and the re-wraps after recovery or a password change. Formats are checked with the
 * crypto core's parsers; the server never sees a secret key, a password or a recovery key.
 */
import { eq } from 'drizzle-orm';
import { CryptoError } from '$lib/crypto/errors';
import { checkHeader, expectLength, Kind } from '$lib/crypto/format';
import type { Db } from '$lib/server/db';
import { staffKey } from '$lib/server/db/schema';
import { appendAudit, type Queryable } from '$lib/server/audit/log';
import { deploymentWire } from './suite-wire';

export type StaffKeyRow = typeof staffKey.$inferSelect;

export type BundleProblem = 'bad_public_key' | 'bad_password_wrap' | 'weak_kdf' | 'bad_recovery_wrap';

export interface BundleInput {
	publicKey: Uint8Array;
	passwordWrapped: Uint8Array;
	recoveryWrapped: Uint8Array;
}

/** Options: tests may accept the core's cheap test parameters; the app never does. */
export interface BundleOptions {
	allowWeakKdf?: boolean;
	/** What replaced the wraps, for the audit entry (issue 16): `recovery` (key page) or `password_change`. */
	via?: 'recovery' | 'password_change';
}

/** Checks the three fields; returns the KDF spec bytes of the password wrap, or what is wrong. */
export function checkBundle(
	input: BundleInput,
	opts: BundleOptions = {}
): { ok: true; kdfSpec: Uint8Array } | { ok: false; reason: BundleProblem } {
	// The deployment's suite only (issue 21): an X25519 key of 32 bytes, or an SM2 point of 65 (04 | x | y).
	const wire = deploymentWire();
	const pk = input.publicKey;
	if (!(pk instanceof Uint8Array) || pk.length !== wire.boxPublicKeyLength || (pk.length === 65 && pk[0] !== 4))
		return { ok: false, reason: 'bad_public_key' };
	let kdfSpec: Uint8Array;
	try {
		const spec = wire.passwordWrap(input.passwordWrapped);
		if (!opts.allowWeakKdf && !spec.production) return { ok: false, reason: 'weak_kdf' };
		kdfSpec = spec.kdfSpec;
	} catch (e) {
		if (e instanceof CryptoError) return { ok: false, reason: 'bad_password_wrap' };
		throw e;
	}
	try {
		checkHeader(input.recoveryWrapped, Kind.wrappedKey, 'recovery wrap', wire.version);
		expectLength(input.recoveryWrapped, wire.wrappedKeyLength, 'recovery wrap');
	} catch (e) {
		if (e instanceof CryptoError) return { ok: false, reason: 'bad_recovery_wrap' };
		throw e;
	}
	return { ok: true, kdfSpec };
}

export async function getStaffKey(db: Db, staffId: string): Promise<StaffKeyRow | null> {
	const [row] = await db.select().from(staffKey).where(eq(staffKey.staffId, staffId));
	return row ?? null;
}

export type EnrolResult =
	{ ok: true; row: StaffKeyRow } | { ok: false; reason: BundleProblem | 'already_enrolled' | 'key_in_use' };

/** Stores a first bundle. A staff member enrols once; later changes are re-wraps of the same key. */
export async function enrolStaffKey(
	db: Db,
	staffId: string,
	input: BundleInput,
	opts: BundleOptions = {}
): Promise<EnrolResult> {
	const checked = checkBundle(input, opts);
	if (!checked.ok) return checked;
	if (await getStaffKey(db, staffId)) return { ok: false, reason: 'already_enrolled' };
	const rows = await db
		.insert(staffKey)
		.values({ staffId, ...input, kdfSpec: checked.kdfSpec })
		.onConflictDoNothing()
		.returning();
	const row = rows[0];
	if (row) return { ok: true, row };
	return (await getStaffKey(db, staffId))
		? { ok: false, reason: 'already_enrolled' }
		: { ok: false, reason: 'key_in_use' };
}

export type RewrapResult =
	{ ok: true; row: StaffKeyRow } | { ok: false; reason: BundleProblem | 'not_enrolled' | 'different_key' };

/**
 * Replaces the wraps of an enrolled key (after recovery or a password change). The public key must be
 * the stored one: a re-wrap never swaps the key itself. The caller must have re-authenticated the staff
 * member (current sign-in key checked under the sign-in throttle: the key page and the password page do);
 * the replacement and its `keys.rewrap` audit entry are written in one transaction (a savepoint when the
 * caller already runs one).
 */
export async function rewrapStaffKey(
	db: Db,
	staffId: string,
	input: BundleInput,
	opts: BundleOptions = {},
	now = new Date()
): Promise<RewrapResult> {
	const checked = checkBundle(input, opts);
	if (!checked.ok) return checked;
	const current = await getStaffKey(db, staffId);
	if (!current) return { ok: false, reason: 'not_enrolled' };
	if (Buffer.compare(Buffer.from(current.publicKey), Buffer.from(input.publicKey)) !== 0)
		return { ok: false, reason: 'different_key' };
	return db.transaction(async (tx) => {
		const [row] = await tx
			.update(staffKey)
			.set({
				passwordWrapped: input.passwordWrapped,
				recoveryWrapped: input.recoveryWrapped,
				kdfSpec: checked.kdfSpec,
				rotatedAt: now
			})
			.where(eq(staffKey.staffId, staffId))
			.returning();
		if (!row) return { ok: false, reason: 'not_enrolled' } as const;
		await appendAudit(tx as unknown as Queryable, {
			actor: staffId,
			action: 'keys.rewrap',
			reportId: null,
			organId: null,
			details: { staffId, via: opts.via ?? 'password_change', publicKey: Buffer.from(row.publicKey).toString('hex') }
		});
		return { ok: true, row } as const;
	});
}
