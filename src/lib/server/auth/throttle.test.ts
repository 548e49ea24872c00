/**
 * Issue 16: anyone could lock an inspector out by failing their sign-in (the account-wide counter grew with
 * every anonymous failure and made every address wait up to 15 minutes). Now password-step failures count
 * per address and per address + account only, in memory.
 */
import { describe, expect, it } from 'vitest';
import { config } from '$lib/server/config';
import { keyOfAddress } from '$lib/server/ratelimit';
import { passwordStepFailed, passwordStepSucceeded, passwordStepWait } from './throttle';

/** The rate-limit key of a client at `address`, as the routes pass it (`addressKey(event)`). */
const from = keyOfAddress;

describe('sign-in throttle at the password step', () => {
	const free = config().signinFreeAttempts;

	it('slows the failing address down, but not the inspector signing in from elsewhere', () => {
		const attacker = from('198.51.100.7');
		for (let i = 0; i < free + 10; i++) passwordStepFailed(attacker, 'inspector-wang');
		expect(passwordStepWait(attacker, 'inspector-wang')).toBeGreaterThan(60);
		// The inspector, at the office: no wait at all for the same account.
		expect(passwordStepWait(from('203.0.113.20'), 'inspector-wang')).toBe(0);
		// From the attacker's whole IPv6 /64 too the wait holds (one subscriber, one key).
		const v6 = from('2001:db8:aa:bb::1');
		for (let i = 0; i < free + 3; i++) passwordStepFailed(v6, 'inspector-li');
		expect(passwordStepWait(from('2001:db8:aa:bb:ffff::2'), 'inspector-li')).toBeGreaterThan(0);
		expect(passwordStepWait(from('2001:db8:aa:bc::1'), 'inspector-li')).toBe(0);
	});

	it('slows one address guessing one account, and the same address trying other accounts', () => {
		const guesser = from('192.0.2.50');
		for (let i = 0; i < free; i++) passwordStepFailed(guesser, 'inspector-zhao');
		expect(passwordStepWait(guesser, 'inspector-zhao')).toBeGreaterThan(0);
		expect(passwordStepWait(guesser, 'someone-else')).toBeGreaterThan(0);
	});

	it('a shared address (one office NAT): one colleague failing does not slow the other account down more than the address', () => {
		const office = from('192.0.2.99');
		for (let i = 0; i < free - 1; i++) passwordStepFailed(office, 'colleague');
		expect(passwordStepWait(office, 'inspector-sun')).toBe(0);
		passwordStepSucceeded(office, 'colleague');
		expect(passwordStepWait(office, 'colleague')).toBe(0);
	});
});
