/**
 * The pure helpers of the back-office statistics: months of a period, the median, heat-map classes, CSV cells.
 */
import { describe, expect, it } from 'vitest';
import { medianOf, quantileClasses } from './stats';
import { monthsBetween } from './stats-queries';
import { csvCell } from './stats-csv';

describe('helpers', () => {
	it('monthsBetween covers both ends and crosses years', () => {
		expect(monthsBetween('2025-11-20', '2026-02-01')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
		expect(monthsBetween('2026-03-01', '2026-03-31')).toEqual(['2026-03']);
	});
	it('medianOf a histogram: middle value, mean of the two middle ones for an even count', () => {
		expect(
			medianOf(
				new Map([
					[10, 1],
					[30, 1]
				])
			)
		).toBe(20);
		expect(
			medianOf(
				new Map([
					[5, 1],
					[1, 2]
				])
			)
		).toBe(1);
		expect(
			medianOf(
				new Map([
					[3, 2],
					[8, 2]
				])
			)
		).toBe(5.5);
		expect(medianOf(new Map([[4, 0]]))).toBeNull();
		expect(medianOf(new Map())).toBeNull();
	});
	it('quantileClasses: five classes by rank among shown counts, withheld = -1', () => {
		expect(quantileClasses([1, 2, 3, 4, 5, null])).toEqual([0, 1, 2, 3, 4, -1]);
		expect(quantileClasses([7, 7, 7])).toEqual([0, 0, 0]);
		expect(quantileClasses([null])).toEqual([-1]);
	});
	it('csvCell neutralises formulas and quotes what needs it', () => {
		expect(csvCell('=1+1')).toBe("'=1+1");
		expect(csvCell('+86')).toBe("'+86");
		expect(csvCell('-2')).toBe("'-2");
		expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
		expect(csvCell('\tx')).toBe("'\tx");
		expect(csvCell('a,b')).toBe('"a,b"');
		expect(csvCell('say "hi"')).toBe('"say ""hi"""');
		expect(csvCell('=a,b')).toBe(`"'=a,b"`);
		expect(csvCell(12)).toBe('12');
		expect(csvCell(-3)).toBe('-3'); // numbers are numbers, not formulas
		expect(csvCell(null)).toBe('');
	});
});
