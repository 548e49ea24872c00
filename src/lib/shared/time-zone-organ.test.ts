import { describe, expect, it } from 'vitest';
import { formatAt, isTimeZone, zoneOffset } from './time-zone';

describe("an organ's own time zone (issue 18)", () => {
	it('accepts IANA names Intl knows and refuses the rest', () => {
		for (const z of ['Asia/Shanghai', 'Asia/Urumqi', 'UTC', 'America/Argentina/Buenos_Aires', 'Etc/GMT-8'])
			expect(isTimeZone(z), z).toBe(true);
		for (const z of ['', 'Mars/Olympus', 'Asia/Shanghai; drop table', '../etc', 'a'.repeat(65), 'Asia Shanghai'])
			expect(isTimeZone(z), z).toBe(false);
	});

	it('names the offset on printouts and formats in the chosen zone', () => {
		const at = new Date('2026-12-02T20:11:00Z');
		expect(zoneOffset('Asia/Shanghai', at)).toBe('UTC+08:00');
		expect(zoneOffset('UTC', at)).toBe('UTC+00:00');
		expect(zoneOffset('Asia/Kolkata', at)).toBe('UTC+05:30');
		expect(formatAt(at.toISOString(), 'Asia/Urumqi')).toBe('2026-12-03 02:11');
		expect(formatAt(at.toISOString(), 'Asia/Shanghai')).toBe('2026-12-03 04:11');
	});
});
