/**
 * Failed sign-in steps slow down per account (counted in the database, so every app server agrees)
 * and per address (in memory only, hashed; see $lib/server/ratelimit). Unknown account names are
 * counted in memory like addresses, so they behave the same as real ones.
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

/** Seconds the caller must wait before another try (0: go ahead). */
export function signinWait(event: RequestEvent, user: StaffUser | null, username: string): number {
	const byAddress = memory().wait(addressKey(event));
	const byAccount = user
		? backoffSeconds(
				user.failedSignins,
				user.lastFailedAt?.getTime() ?? null,
				config().signinFreeAttempts,
				MAX_DELAY_SECONDS,
				Date.now()
			)
		: memory().wait(`account:${username}`);
	return Math.max(byAddress, byAccount);
}

export async function signinFailed(event: RequestEvent, user: StaffUser | null, username: string): Promise<void> {
	memory().fail(addressKey(event));
	if (user) await recordFailedSignin(db(), user.id);
	else memory().fail(`account:${username}`);
}

export async function signinSucceeded(event: RequestEvent, user: StaffUser): Promise<void> {
	memory().reset(addressKey(event));
	await resetFailedSignins(db(), user.id);
}
