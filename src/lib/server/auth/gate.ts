/**
 * The cheap refusals of the staff pages anyone can reach without a session (issue 16): before a token is
 * looked up in the database or any Argon2 runs, the request is checked against a per-address limit (in
 * memory, hashed; IPv6 by /64) and its token against the format the links carry.
 */
import { addressKey } from '$lib/server/ratelimit';
import { WindowLimiter } from '$lib/server/reports/limits';
import type { RequestEvent } from '@sveltejs/kit';

/** Token posts (reset, invitation, set-up) per address per 10 minutes: a person needs one or two. */
export const TOKEN_POSTS_PER_10MIN = 20;
/** Salt look-ups per address per 10 minutes (one per sign-in). */
export const SALT_LOOKUPS_PER_10MIN = 120;

const limiters = { token: new WindowLimiter(600_000), salt: new WindowLimiter(600_000) };

/** What the links carry: 24 random bytes in base64url (32 characters), with room; nothing else is looked up. */
export function plausibleToken(token: unknown): token is string {
	return typeof token === 'string' && token.length >= 20 && token.length <= 64 && /^[A-Za-z0-9_-]+$/.test(token);
}

/** Seconds the caller must wait before another token post (0: go ahead); counts this one. */
export function tokenPostWait(address: string, limiter = limiters.token): number {
	return limiter.take(address, TOKEN_POSTS_PER_10MIN);
}

/** Seconds the caller must wait before another salt look-up (0: go ahead); counts this one. */
export function saltLookupWait(event: RequestEvent): number {
	return limiters.salt.take(addressKey(event), SALT_LOOKUPS_PER_10MIN);
}
