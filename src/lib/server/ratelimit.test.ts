import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { addressKey, addressPrefix, backoffSeconds, FailureLimiter } from './ratelimit';
import { WindowLimiter } from './reports/limits';

describe('failure back-off', () => {
	it('allows the free attempts, then doubles the wait up to the cap', () => {
		expect(backoffSeconds(4, 0, 5, 900, 0)).toBe(0);
		expect(backoffSeconds(5, 0, 5, 900, 0)).toBe(2);
		expect(backoffSeconds(6, 0, 5, 900, 0)).toBe(4);
		expect(backoffSeconds(7, 0, 5, 900, 1000)).toBe(7);
		expect(backoffSeconds(30, 0, 5, 900, 0)).toBe(900);
		expect(backoffSeconds(5, 0, 5, 900, 2000)).toBe(0);
	});

	it('counts per key, resets on success and forgets everything when the key rotates', () => {
		let now = 0;
		const l = new FailureLimiter({ free: 2, maxDelaySeconds: 60, rotateMs: 3_600_000, now: () => now });
		l.fail('addr:1');
		expect(l.wait('addr:1')).toBe(0);
		l.fail('addr:1');
		expect(l.wait('addr:1')).toBe(2);
		expect(l.wait('addr:2')).toBe(0);
		l.reset('addr:1');
		expect(l.wait('addr:1')).toBe(0);
		l.fail('addr:1');
		l.fail('addr:1');
		l.fail('addr:1');
		expect(l.wait('addr:1')).toBe(4);
		now = 3_600_000;
		expect(l.wait('addr:1')).toBe(0);
	});
});

describe('addresses are limited per client, not per exact IPv6 address (issue 16)', () => {
	const event = (address: string) => ({ getClientAddress: () => address }) as unknown as RequestEvent;

	it('groups every address of one IPv6 /64 under one key, and separates other /64s', () => {
		const a = addressKey(event('2001:db8:1:2::1'));
		expect(addressKey(event('2001:0db8:0001:0002:ffff:ffff:ffff:fffe'))).toBe(a);
		expect(addressKey(event('2001:db8:1:2:abcd::9'))).toBe(a);
		expect(addressKey(event('[2001:db8:1:2::7]'))).toBe(a);
		expect(addressKey(event('2001:db8:1:3::1'))).not.toBe(a);
		expect(addressPrefix('2001:db8::1')).toBe('2001:db8:0:0::/64');
		expect(addressPrefix('::1')).toBe('0:0:0:0::/64');
		expect(addressPrefix('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
	});

	it('keeps IPv4 addresses whole, IPv4-mapped IPv6 as IPv4', () => {
		expect(addressKey(event('203.0.113.7'))).toBe('addr:203.0.113.7');
		expect(addressKey(event('203.0.113.8'))).not.toBe(addressKey(event('203.0.113.7')));
		expect(addressKey(event('::ffff:203.0.113.7'))).toBe('addr:203.0.113.7');
		expect(addressKey(event('0:0:0:0:0:ffff:203.0.113.7'))).toBe('addr:203.0.113.7');
	});

	it('one IPv6 client rotating through its /64 shares one window allowance', () => {
		const w = new WindowLimiter(3_600_000, () => 0);
		for (let i = 1; i <= 3; i++) expect(w.take(addressKey(event(`2001:db8:5:6::${i.toString(16)}`)), 3)).toBe(0);
		expect(w.take(addressKey(event('2001:db8:5:6::ffff')), 3)).toBeGreaterThan(0);
		expect(w.take(addressKey(event('2001:db8:5:7::1')), 3)).toBe(0);
	});
});

describe('a flood of fresh keys does not clear the limits (issue 16)', () => {
	// The tables hold 500,000 (WindowLimiter) and 200,000 (FailureLimiter) keys; these tests use 100 so they
	// stay fast. Clearing the table when full (the old rule) fails both.
	it('WindowLimiter drops the least recently seen key when full, never the whole table', () => {
		const w = new WindowLimiter(3_600_000, () => 0, 100);
		for (let i = 0; i < 3; i++) expect(w.take('addr:flooder', 3)).toBe(0);
		expect(w.take('addr:flooder', 3)).toBeGreaterThan(0);
		// 1,000 fresh keys (ten tables full) while the flooder keeps asking: it stays limited throughout.
		for (let i = 0; i < 1000; i++) {
			w.take(`addr:fresh-${i}`, 3);
			if (i % 50 === 0) expect(w.take('addr:flooder', 3)).toBeGreaterThan(0);
		}
		expect(w.take('addr:flooder', 3)).toBeGreaterThan(0);
		// Recent keys are still counted; the keys unseen longest are the ones that went.
		expect(w.take('addr:fresh-999', 1)).toBeGreaterThan(0);
		expect(w.take('addr:fresh-0', 1)).toBe(0);
	});

	it('FailureLimiter evicts the longest-quiet key when full, not everything', () => {
		const l = new FailureLimiter({ free: 2, maxDelaySeconds: 60, rotateMs: 3_600_000, now: () => 0, maxKeys: 100 });
		for (let i = 0; i < 4; i++) l.fail('addr:guesser');
		expect(l.wait('addr:guesser')).toBe(8);
		// 1,000 other keys while the guesser keeps failing: its count survives (4 + 20 failures: the cap).
		for (let i = 0; i < 1000; i++) {
			l.fail(`addr:other-${i}`);
			if (i % 50 === 0) l.fail('addr:guesser');
		}
		expect(l.wait('addr:guesser')).toBe(60);
		l.fail('addr:other-999');
		l.fail('addr:other-999');
		expect(l.wait('addr:other-999')).toBe(4);
		expect(l.wait('addr:other-0')).toBe(0);
	});
});
