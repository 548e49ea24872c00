import { describe, expect, it } from 'vitest';
import { generateHOTP } from '@oslojs/otp';
import { newTotpKey, totpUri, verifyTotp } from './totp';

describe('TOTP', () => {
	const key = newTotpKey();
	const now = Date.UTC(2026, 10, 27, 8, 0, 10);
	const step = Math.floor(now / 30_000);
	const code = (s: number) => generateHOTP(key, BigInt(s), 6);

	it('accepts the current code and its neighbours, returning the step', () => {
		expect(verifyTotp(key, code(step), null, now)).toBe(step);
		expect(verifyTotp(key, code(step - 1), null, now)).toBe(step - 1);
		expect(verifyTotp(key, code(step + 1), null, now)).toBe(step + 1);
	});

	it('refuses old codes, malformed codes and replays', () => {
		expect(verifyTotp(key, code(step - 2), null, now)).toBeNull();
		expect(verifyTotp(key, 'abcdef', null, now)).toBeNull();
		expect(verifyTotp(key, '12345', null, now)).toBeNull();
		expect(verifyTotp(key, code(step), step, now)).toBeNull();
		expect(verifyTotp(key, code(step + 1), step, now)).toBe(step + 1);
	});

	it('builds an otpauth URI with the account name', () => {
		expect(totpUri('alice', key)).toMatch(/^otpauth:\/\/totp\/Qingfeng:alice\?/);
	});
});
