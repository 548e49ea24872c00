import { toBase64 } from '$lib/shared/encoding';
import type { SaltAnswer } from '$lib/shared/wire/staff';
import { db } from '$lib/server/db';
import { signinSalt } from '$lib/server/auth/accounts';
import { saltLookupWait } from '$lib/server/auth/gate';
import { parseJson } from '$lib/server/http/body';
import { STAFF_BODIES } from '$lib/server/http/bodies';
import { toResponse } from '$lib/server/http/respond';
import { ok, refuse } from '$lib/server/http/result';
import type { RequestHandler } from './$types';

/**
 * First sign-in step: the salt and Argon2id parameters for a user name. Unknown names get a stable
 * made-up salt, so the answer has the same shape and timing either way. A body that is not
 * `{ "username": "…" }` (at most 128 characters) is a 4xx in the staff API's error shape.
 */
export const POST: RequestHandler = async (event) => {
	const body = await parseJson(event.request, STAFF_BODIES.SaltBody);
	if (!body.ok) return toResponse(body, 'staff');
	// A per-address limit before the database (cheap refusals first).
	const retryAfter = saltLookupWait(event);
	if (retryAfter > 0) return toResponse(refuse('rate_limited', { retryAfter }), 'staff');
	const { salt, params } = await signinSalt(db(), body.value.username);
	const answer: SaltAnswer = { salt: toBase64(salt), params };
	return toResponse(ok(answer), 'staff');
};
