import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '$lib/server/config';

describe('configuration of the reporter’s channel', () => {
	it('has the documented defaults', () => {
		expect(loadConfig({})).toMatchObject({
			powDifficulty: 16,
			powFreePerMinute: 600,
			maxFiles: 10,
			maxFileBytes: 25 * 1024 * 1024,
			maxReportBytes: 60 * 1024 * 1024,
			intakePerHour: 30,
			receiptPer10Min: 30,
			statsMinCount: 5,
			timezone: 'Asia/Shanghai'
		});
	});

	it('reads valid values', () => {
		expect(
			loadConfig({ POW_DIFFICULTY: '0', MAX_FILES: '0', TIMEZONE: 'Europe/Berlin', STATS_MIN_COUNT: '1' })
		).toMatchObject({
			powDifficulty: 0,
			maxFiles: 0,
			timezone: 'Europe/Berlin',
			statsMinCount: 1
		});
		expect(loadConfig({ POW_DIFFICULTY: '32' }).powDifficulty).toBe(32);
	});

	it.each([
		['POW_DIFFICULTY', '33', 'a whole number from 0 to 32'],
		['POW_DIFFICULTY', '-1', 'a whole number from 0 to 32'],
		['POW_FREE_PER_MINUTE', '0', 'a whole number from 1 to'],
		['MAX_FILES', 'ten', 'a whole number from 0 to 100'],
		['MAX_FILE_BYTES', '100', 'a whole number from 1024 to'],
		['MAX_REPORT_BYTES', '1.5', 'a whole number from 1024 to'],
		['INTAKE_PER_HOUR', '0', 'a whole number from 1 to'],
		['RECEIPT_PER_10MIN', 'x', 'a whole number from 1 to'],
		['STATS_MIN_COUNT', '0', 'a whole number from 1 to 1000'],
		['TIMEZONE', 'Mars/Olympus', 'an IANA time zone like Asia/Shanghai']
	])('refuses %s=%s with one line naming it', (name, value, expected) => {
		let error: unknown;
		try {
			loadConfig({ [name]: value });
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(ConfigError);
		const message = (error as ConfigError).message;
		expect(message).toContain(name);
		expect(message).toContain(expected);
		expect(message).not.toContain('\n');
	});
});
