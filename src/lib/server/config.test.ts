import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('database settings', () => {
	it('defaults: prepared statements on, no separate direct URL', () => {
		expect(loadConfig({})).toMatchObject({
			databaseUrl: null,
			databasePoolMax: 10,
			databasePrepare: true,
			databaseDirectUrl: null
		});
	});

	it('reads DATABASE_PREPARE and DATABASE_DIRECT_URL (for PgBouncer transaction pooling)', () => {
		for (const off of ['off', 'OFF', '0', 'false', 'no'])
			expect(loadConfig({ DATABASE_PREPARE: off }).databasePrepare, off).toBe(false);
		for (const on of ['on', '1', 'true', 'yes', ' '])
			expect(loadConfig({ DATABASE_PREPARE: on }).databasePrepare, on).toBe(true);
		expect(loadConfig({ DATABASE_DIRECT_URL: 'postgres://qf:pw@db:5432/qf' }).databaseDirectUrl).toBe(
			'postgres://qf:pw@db:5432/qf'
		);
	});

	it('refuses bad values in one line, without echoing a password', () => {
		expect(() => loadConfig({ DATABASE_PREPARE: 'maybe' })).toThrow(
			new ConfigError('DATABASE_PREPARE', 'on or off', 'maybe')
		);
		expect(() => loadConfig({ DATABASE_DIRECT_URL: 'mysql://qf:secret@db/qf' })).toThrow(
			'Configuration error: DATABASE_DIRECT_URL must be a PostgreSQL URL like postgres://user:password@host:5432/dbname that bypasses transaction pooling, or unset (got "mysql://qf:***@db/qf")'
		);
	});
});
