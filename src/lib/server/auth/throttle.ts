/**
 * Failed sign-in steps slow down, in memory, per address (IPv6 by /64) and per address + account (hashed;
 * see $lib/server/ratelimit), so that nobody can lock an inspector out by failing their sign-in from
 * elsewhere (issue 16): failures at the password step, which anyone can make, never slow down the account
 * for other addresses. Failures at the second step (TOTP, recovery code, the current password of a signed-in
 * user) come from someone who already knows the password; those also count per account in the database, so
 * every app server agrees and a stolen password cannot be used to guess the second factor from many
 * addresses.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { config } from '$lib/server/config';
import { db } from '$lib/server/db';
import { addressKey, backoffSeconds, FailureLimiter } from '$lib/server/ratelimit';
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

/** The key of one account tried from one address (the username as typed, normalised by the caller). */
const pairKey = (event: RequestEvent, username: string) => `pair:${username}\u0000${addressKey(event)}`;

/**
 * The password step: seconds the caller must wait (0: go ahead), per address and per address + account.
 * Needs no database, so it runs before the account is looked up or any Argon2 work is done.
 */
export function passwordStepWait(event: RequestEvent, username: string): number {
	return Math.max(memory().wait(addressKey(event)), memory().wait(pairKey(event, username)));
}

export function passwordStepFailed(event: RequestEvent, username: string): void {
	memory().fail(addressKey(event));
	memory().fail(pairKey(event, username));
}

export function passwordStepSucceeded(event: RequestEvent, username: string): void {
	memory().reset(pairKey(event, username));
}

/** A second step (the password is known): seconds to wait, per address, address + account, and account. */
export function signinWait(event: RequestEvent, user: StaffUser, username: string): number {
	const byAccount = backoffSeconds(
		user.failedSignins,
		user.lastFailedAt?.getTime() ?? null,
		config().signinFreeAttempts,
		MAX_DELAY_SECONDS,
		Date.now()
	);
	return Math.max(passwordStepWait(event, username), byAccount);
}

export async function signinFailed(event: RequestEvent, user: StaffUser, username: string): Promise<void> {
	passwordStepFailed(event, username);
	await recordFailedSignin(db(), user.id);
}

export async function signinSucceeded(event: RequestEvent, user: StaffUser): Promise<void> {
	memory().reset(addressKey(event));
	memory().reset(pairKey(event, user.username));
	await resetFailedSignins(db(), user.id);
}
