/**
 * Self-service password change. The browser sends the new sign-in salt and auth key (never a password)
 * and, when the account has an enrolled staff key, the same key re-wrapped under the new password. The
 * caller has already checked the current auth key (with the sign-in throttle). Everything is written in
 * one transaction: the new salt, parameters and hash, the staff key's new wraps, and the end of every
 * other session of the account. A re-wrap that names another public key, or a missing re-wrap for an
 * enrolled key, changes nothing.
 */
import { and, eq, ne } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { staffSession, staffUser } from '$lib/server/db/schema';
import {
	getStaffKey,
	rewrapStaffKey,
	type BundleInput,
	type BundleOptions,
	type BundleProblem
} from '$lib/server/keys/staff-keys';
import { dropUserKeyStays } from './key-stay';
import { AUTH_KEY_PARAMS, hashAuthKey } from './password';

export type PasswordChangeProblem = BundleProblem | 'key_required' | 'not_enrolled' | 'different_key';
export type PasswordChangeResult = { ok: true } | { ok: false; reason: PasswordChangeProblem };

export interface PasswordChangeInput {
	authSalt: Uint8Array;
	authKey: Uint8Array;
	/** The enrolled staff key re-wrapped for the new password, or null when the account has none. */
	bundle: BundleInput | null;
	/** The session that made the change; every other session of the account ends. */
	keepSessionId: string;
}

class Refused extends Error {
	constructor(readonly reason: PasswordChangeProblem) {
		super(reason);
	}
}

export async function changePassword(
	db: Db,
	userId: string,
	input: PasswordChangeInput,
	opts: BundleOptions = {},
	now = new Date()
): Promise<PasswordChangeResult> {
	const authHash = await hashAuthKey(input.authKey);
	try {
		await db.transaction(async (tx) => {
			const t = tx as unknown as Db;
			const enrolled = await getStaffKey(t, userId);
			if (enrolled && !input.bundle) throw new Refused('key_required');
			if (input.bundle) {
				const r = await rewrapStaffKey(t, userId, input.bundle, opts, now);
				if (!r.ok) throw new Refused(r.reason);
			}
			await tx
				.update(staffUser)
				.set({ authSalt: input.authSalt, authParams: AUTH_KEY_PARAMS, authHash, failedSignins: 0, lastFailedAt: null })
				.where(eq(staffUser.id, userId));
			await tx
				.delete(staffSession)
				.where(and(eq(staffSession.userId, userId), ne(staffSession.id, input.keepSessionId)));
			// The key stays of every session (issue 18): the key locks and is unlocked with the new password.
			await dropUserKeyStays(t, userId);
		});
	} catch (e) {
		if (e instanceof Refused) return { ok: false, reason: e.reason };
		throw e;
	}
	return { ok: true };
}
