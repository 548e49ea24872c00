/**
 * Accepting a password-reset link (the page at /staff/reset), cheap refusals first (issue 16): the
 * per-address limit and the token's format are checked in memory; the token is looked up before the new
 * auth key is hashed; the hash runs in the Argon2 worker pool (./argon2-pool.ts), never on the event loop.
 */
import type { Db } from '$lib/server/db';
import { acceptPasswordReset } from './accounts';
import { plausibleToken, tokenPostWait } from './gate';
import { parseAuthKey, parseSalt } from './password';
import type { StaffUser } from './session';
import type { WindowLimiter } from '$lib/server/reports/limits';

export type ResetOutcome =
	| { ok: true; user: StaffUser }
	| { ok: false; reason: 'throttled'; seconds: number }
	| { ok: false; reason: 'malformed' }
	| { ok: false; reason: 'invalid' };

export async function resetPassword(
	db: Db,
	address: string,
	input: { token: unknown; salt: unknown; authKey: unknown },
	options: { now?: Date; limiter?: WindowLimiter } = {}
): Promise<ResetOutcome> {
	const seconds = tokenPostWait(address, options.limiter);
	if (seconds > 0) return { ok: false, reason: 'throttled', seconds };
	if (!plausibleToken(input.token)) return { ok: false, reason: 'invalid' };
	const authSalt = parseSalt(input.salt);
	const authKey = parseAuthKey(input.authKey);
	if (!authSalt || !authKey) return { ok: false, reason: 'malformed' };
	const done = await acceptPasswordReset(db, input.token, { authSalt, authKey }, options.now);
	return done.ok ? done : { ok: false, reason: 'invalid' };
}
