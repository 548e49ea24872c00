import { json } from '@sveltejs/kit';
import { encodeBase64 } from '@oslojs/encoding';
import { db } from '$lib/server/db';
import { signinSalt } from '$lib/server/auth/accounts';
import type { RequestHandler } from './$types';

/**
 * First sign-in step: the salt and Argon2id parameters for a user name. Unknown names get a stable
 * made-up salt, so the answer has the same shape and timing either way.
 */
export const POST: RequestHandler = async ({ request }) => {
	let username: unknown;
	try {
		username = ((await request.json()) as { username?: unknown })?.username;
	} catch {
		return json({ error: 'Expected JSON {"username": "..."}' }, { status: 400 });
	}
	if (typeof username !== 'string' || username.length > 128) {
		return json({ error: 'username must be a string of at most 128 characters' }, { status: 400 });
	}
	const { salt, params } = await signinSalt(db(), username);
	return json({ salt: encodeBase64(salt), params });
};
