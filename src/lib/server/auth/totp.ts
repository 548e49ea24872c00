import { generateHOTP, createTOTPKeyURI } from '@oslojs/otp';
import { constantTimeEqual } from '@oslojs/crypto/subtle';

export const TOTP_PERIOD = 30;
export const TOTP_DIGITS = 6;

export function newTotpKey(): Uint8Array {
	const key = new Uint8Array(20);
	crypto.getRandomValues(key);
	return key;
}

export function totpUri(accountName: string, key: Uint8Array): string {
	return createTOTPKeyURI('Qingfeng', accountName, key, TOTP_PERIOD, TOTP_DIGITS);
}

/**
 * Checks a code against the current time step and one step either side; a step at or before
 * `lastStep` is refused so that an observed code cannot be replayed. Returns the matched step.
 */
export function verifyTotp(key: Uint8Array, code: string, lastStep: number | null, now = Date.now()): number | null {
	const clean = code.replace(/\s/g, '');
	if (!/^\d{6}$/.test(clean)) return null;
	const current = Math.floor(now / 1000 / TOTP_PERIOD);
	const given = new TextEncoder().encode(clean);
	let matched: number | null = null;
	for (const step of [current - 1, current, current + 1]) {
		const expected = new TextEncoder().encode(generateHOTP(key, BigInt(step), TOTP_DIGITS));
		if (constantTimeEqual(expected, given) && (lastStep === null || step > lastStep)) matched ??= step;
	}
	return matched;
}
