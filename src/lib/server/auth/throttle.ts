/**
 * Failed sign-in steps slow down, in memory, per address (IPv6 by /64) and per address + account (hashed;
 * see $lib/server/ratelimit), so that nobody can lock an inspector out by failing their sign-in from
 * elsewhere (issue 16): failures at the password step, which anyone can make, never slow down the account
 * for other addresses. Failures at the second step (TOTP, recovery code, the current password of a signed-in
 * user) come from someone who already knows the password; those also count per account in the database, so
 * every app server agrees and a stolen password cannot be used to guess the second factor from many
 * addresses.
 */
import { config } from '$lib/server/config';
import { db } from '$lib/server/db';
import { backoffSeconds, FailureLimiter } from '$lib/server/ratelimit';
import { recordFailedSignin, resetFailedSignins } from './accounts';
import type { StaffUser } from './session';

const MAX_DELAY_SECONDS = 15 * 60;
let limiter: FailureLimiter | null = null;

function memory(): FailureLimiter {
	limiter ??= new FailureLimiter({
		free: config().signinFreeAttempts,
		maxDelaySeconds: MAX_DELAY_SECONDS,
		rotateMs: 6 * 3_600_000
	});
	return limiter;
}

/**
 * `client` is the caller's rate-limit key (`addressKey(event)` in $lib/server/ratelimit, the one place that
 * reads a client's address); this module never sees the request.
 */

/** The key of one account tried from one client (the username as typed, normalised by the caller). */
const pairKey = (client: string, username: string) => `pair:${username}\u0000${client}`;

/**
 * The password step: seconds the caller must wait (0: go ahead), per address and per address + account.
 * Needs no database, so it runs before the account is looked up or any Argon2 work is done.
 */
export function passwordStepWait(client: string, username: string): number {
	return Math.max(memory().wait(client), memory().wait(pairKey(client, username)));
}

export function passwordStepFailed(client: string, username: string): void {
	memory().fail(client);
	memory().fail(pairKey(client, username));
}

export function passwordStepSucceeded(client: string, username: string): void {
	memory().reset(pairKey(client, username));
}

/** A second step (the password is known): seconds to wait, per address, address + account, and account. */
export function signinWait(client: string, user: StaffUser, username: string): number {
	const byAccount = backoffSeconds(
		user.failedSignins,
		user.lastFailedAt?.getTime() ?? null,
		config().signinFreeAttempts,
		MAX_DELAY_SECONDS,
		Date.now()
	);
	return Math.max(passwordStepWait(client, username), byAccount);
}

export async function signinFailed(client: string, user: StaffUser, username: string): Promise<void> {
	passwordStepFailed(client, username);
	await recordFailedSignin(db(), user.id);
}

export async function signinSucceeded(client: string, user: StaffUser): Promise<void> {
	memory().reset(client);
	memory().reset(pairKey(client, user.username));
	await resetFailedSignins(db(), user.id);
}
