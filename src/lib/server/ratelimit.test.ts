import { describe, expect, it } from 'vitest';
import { backoffSeconds, FailureLimiter } from './ratelimit';

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
