import { describe, expect, it } from 'vitest';
import { formatAt, ORGAN_TIME_ZONE } from './time-zone';

describe('times in the organ time zone', () => {
	it('shows a report received on 3 December in Beijing as 3 December, not the UTC day before', () => {
		expect(ORGAN_TIME_ZONE).toBe('Asia/Shanghai');
		expect(formatAt('2026-12-02T20:11:00.000Z')).toBe('2026-12-03 04:11');
		expect(formatAt('2026-12-02T15:59:00Z')).toBe('2026-12-02 23:59');
		expect(formatAt('2026-12-02T16:00:00Z')).toBe('2026-12-03 00:00');
		expect(formatAt('2026-12-02T20:11:00Z', 'UTC')).toBe('2026-12-02 20:11');
		expect(formatAt('not a date')).toBe('not a date');
	});
});
