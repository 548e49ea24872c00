import { describe, expect, it } from 'vitest';
import { dateIn } from '../dates';
import { dayIn } from './day';

describe('dayIn (the received date, kept per quarter hour)', () => {
	// Zones whose offsets are not whole hours, one with daylight saving, and the default.
	const zones = ['Asia/Shanghai', 'Asia/Kathmandu', 'Australia/Eucla', 'Pacific/Chatham', 'America/St_Johns', 'UTC'];

	it('gives the same date as dateIn minute by minute across local midnight, the cache in use', () => {
		// Around two daylight saving changes: St. John's (2026-03-08) and Chatham (2026-04-05).
		for (const start of [Date.UTC(2026, 2, 7, 12), Date.UTC(2026, 3, 4)])
			for (const zone of zones) {
				let changes = 0;
				let previous = '';
				for (let t = start; t < start + 30 * 3_600_000; t += 60_000) {
					const now = new Date(t);
					const day = dayIn(zone, now);
					expect(day, `${zone} ${now.toISOString()}`).toBe(dateIn(zone, now));
					if (previous && day !== previous) changes++;
					previous = day;
				}
				expect(changes, zone).toBeGreaterThanOrEqual(1);
			}
	});

	it('follows a clock that goes back', () => {
		const late = new Date('2026-11-27T16:01:00Z'); // 00:01 on the 28th in Shanghai
		const early = new Date('2026-11-27T15:59:00Z'); // 23:59 on the 27th
		expect(dayIn('Asia/Shanghai', late)).toBe('2026-11-28');
		expect(dayIn('Asia/Shanghai', early)).toBe('2026-11-27');
	});
});
