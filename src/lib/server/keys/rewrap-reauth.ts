/**
 * The key page's re-wrap (recovery) with re-authentication (issue 16): the staff member's current sign-in
 * key (derived in their browser from the password) is checked under the sign-in throttle before the wraps
 * are replaced; rewrapStaffKey writes the `keys.rewrap` audit entry in the same transaction.
 */
import { parseAuthKey, verifyAuthKey } from '$lib/server/auth/password';
import type { Db } from '$lib/server/db';
import { fromBase64 } from '$lib/shared/encoding';
import { rewrapStaffKey, type BundleInput, type BundleOptions, type BundleProblem } from './staff-keys';

/** The sign-in throttle as the route passes it (bound to the request event). */
export interface Throttle {
	wait(): number;
	failed(): Promise<void>;
	succeeded(): Promise<void>;
}

export type RewrapReauthResult =
	| { ok: true }
	| {
			ok: false;
			status: 400 | 429;
			reason: 'malformed' | 'throttled' | 'reauth_failed' | BundleProblem | 'not_enrolled' | 'different_key';
	  };

/** The three bundle fields of a form, or null when one is missing or not base64. */
export function bundleOfForm(form: FormData): BundleInput | null {
	const publicKey = fromBase64(form.get('publicKey'));
	const passwordWrapped = fromBase64(form.get('passwordWrapped'));
	const recoveryWrapped = fromBase64(form.get('recoveryWrapped'));
	return publicKey && passwordWrapped && recoveryWrapped ? { publicKey, passwordWrapped, recoveryWrapped } : null;
}

export async function rewrapWithReauth(
	db: Db,
	user: { id: string; authHash: string | null },
	form: FormData,
	throttle: Throttle,
	opts: BundleOptions = {}
): Promise<RewrapReauthResult> {
	const bundle = bundleOfForm(form);
	const currentKey = parseAuthKey(form.get('currentAuthKey'));
	if (!bundle || !currentKey) return { ok: false, status: 400, reason: 'malformed' };
	if (throttle.wait() > 0) return { ok: false, status: 429, reason: 'throttled' };
	if (!(await verifyAuthKey(currentKey, user.authHash))) {
		await throttle.failed();
		return { ok: false, status: 400, reason: 'reauth_failed' };
	}
	await throttle.succeeded();
	const r = await rewrapStaffKey(db, user.id, bundle, { ...opts, via: 'recovery' });
	return r.ok ? { ok: true } : { ok: false, status: 400, reason: r.reason };
}
