/** Validates the account form shared by first-run setup and invitations. */
import { encodeBase64 } from '@oslojs/encoding';
import { m } from '$lib/paraglide/messages';
import { normalizeDisplayName, normalizeUsername } from './accounts';
import { AUTH_KEY_PARAMS, AUTH_SALT_BYTES, parseAuthKey, parseSalt } from './password';

export function freshSaltForForm() {
	const salt = new Uint8Array(AUTH_SALT_BYTES);
	crypto.getRandomValues(salt);
	return { salt: encodeBase64(salt), params: AUTH_KEY_PARAMS };
}

export type AccountInput =
	| { ok: true; username: string; displayName: string; authSalt: Uint8Array; authKey: Uint8Array }
	| { ok: false; message: string; username: string; displayName: string };

export function readAccountForm(form: FormData): AccountInput {
	const rawUser = String(form.get('username') ?? '').slice(0, 64);
	const rawName = String(form.get('displayName') ?? '').slice(0, 128);
	const back = { username: rawUser, displayName: rawName };
	const username = normalizeUsername(rawUser);
	if (!username) return { ok: false, message: m.staff_username_invalid(), ...back };
	const displayName = normalizeDisplayName(rawName);
	if (!displayName) return { ok: false, message: m.staff_display_name_invalid(), ...back };
	const authSalt = parseSalt(form.get('salt'));
	const authKey = parseAuthKey(form.get('authKey'));
	if (!authSalt || !authKey) return { ok: false, message: m.staff_js_required(), ...back };
	return { ok: true, username, displayName, authSalt, authKey };
}
