import { fail } from '@sveltejs/kit';
import { decodeBase64, encodeBase32UpperCaseNoPadding, encodeBase64 } from '@oslojs/encoding';
import { encode as qrEncode } from 'uqr';
import { m } from '$lib/paraglide/messages';
import { db } from '$lib/server/db';
import { requirePartialSession, startSession } from '$lib/server/auth/flow';
import { issueRecoveryCodes } from '$lib/server/auth/recovery-codes';
import { signinFailed, signinSucceeded, signinWait } from '$lib/server/auth/throttle';
import { addressKey } from '$lib/server/ratelimit';
import { newTotpKey, totpUri, verifyTotp } from '$lib/server/auth/totp';
import { enrolTotp } from '$lib/server/auth/totp-store';
import type { Actions, PageServerLoad } from './$types';

function enrolment(username: string, key: Uint8Array) {
	const uri = totpUri(username, key);
	return {
		key: encodeBase64(key),
		manualKey: encodeBase32UpperCaseNoPadding(key)
			.replace(/(.{4})/g, '$1 ')
			.trim(),
		// The QR code is computed here, on our own server: the secret never goes to a third party.
		qr: qrEncode(uri, { ecc: 'M', border: 2 }).data
	};
}

export const load: PageServerLoad = (event) => {
	const user = requirePartialSession(event);
	if (user.totpKey) return { enrolled: true as const };
	return { enrolled: false as const, ...enrolment(user.username, newTotpKey()) };
};

export const actions: Actions = {
	default: async (event) => {
		const user = requirePartialSession(event);
		if (user.totpKey) return fail(409, { message: m.staff_invalid_request() });
		const form = await event.request.formData();
		let key: Uint8Array;
		try {
			key = decodeBase64(String(form.get('key') ?? ''));
		} catch {
			return fail(400, { message: m.staff_invalid_request() });
		}
		if (key.length !== 20) return fail(400, { message: m.staff_invalid_request() });
		const wait = signinWait(addressKey(event), user, user.username);
		if (wait > 0)
			return fail(429, { message: m.staff_throttled({ seconds: wait }), enrol: enrolment(user.username, key) });
		const step = verifyTotp(key, String(form.get('code') ?? '').slice(0, 16), null);
		if (step === null) {
			await signinFailed(addressKey(event), user, user.username);
			return fail(400, { message: m.staff_totp_bad_code(), enrol: enrolment(user.username, key) });
		}
		if (!(await enrolTotp(db(), user.id, key, step))) return fail(409, { message: m.staff_invalid_request() });
		const recoveryCodes = await issueRecoveryCodes(db(), user.id);
		await signinSucceeded(addressKey(event), user);
		await startSession(event, { ...user, totpKey: key, totpLastStep: step }, true);
		return { recoveryCodes };
	}
};
