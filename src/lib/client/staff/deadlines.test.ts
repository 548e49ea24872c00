import { describe, expect, it } from 'vitest';
import { deadlineStatus } from './deadlines';

// Spring Festival 2026: 2026-02-16 … 02-23 off (weekdays 16–20 and 23), Saturday 2026-02-28 a make-up workday.
const cal = {
	holidays: ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-23'],
	workdays: ['2026-02-14', '2026-02-28']
};

describe('deadlineStatus', () => {
	it('counts working days left across a holiday and a make-up workday', () => {
		expect(deadlineStatus('2026-02-13', '2026-02-27', cal)).toEqual({ kind: 'left', days: 5 }); // 14 (make-up), 24, 25, 26, 27
		expect(deadlineStatus('2026-02-27', '2026-03-02', cal)).toEqual({ kind: 'left', days: 2 }); // 28 (make-up), 2
		expect(deadlineStatus('2026-03-02', '2026-03-02', cal)).toEqual({ kind: 'today' });
	});
	it('counts working days overdue', () => {
		expect(deadlineStatus('2026-02-24', '2026-02-13', cal)).toEqual({ kind: 'overdue', days: 2 }); // 14, 24
		expect(deadlineStatus('2026-02-15', '2026-02-14', cal)).toEqual({ kind: 'overdue', days: 1 }); // a Sunday after the due day
	});
});
