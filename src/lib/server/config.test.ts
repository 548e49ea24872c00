import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseRootPublicKey } from './config';

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

describe('pinned root key', () => {
	const key = Buffer.alloc(32, 7).toString('base64');
	const dir = mkdtempSync(path.join(os.tmpdir(), 'qf-config-'));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('is unset by default, read from ROOT_PUBLIC_KEY or from ROOT_PUBLIC_KEY_FILE', () => {
		expect(loadConfig({}).rootPublicKey).toBeNull();
		expect(loadConfig({ ROOT_PUBLIC_KEY: ` ${key} ` }).rootPublicKey).toEqual(new Uint8Array(32).fill(7));
		const file = path.join(dir, 'root.pub');
		writeFileSync(file, `# Qingfeng root public key (npm run root -- init)\n\n${key}\n`);
		expect(loadConfig({ ROOT_PUBLIC_KEY_FILE: file }).rootPublicKey).toEqual(new Uint8Array(32).fill(7));
	});

	it('refuses anything that is not one 32-byte key', () => {
		const short = Buffer.alloc(31, 7).toString('base64');
		expect(() => loadConfig({ ROOT_PUBLIC_KEY: short })).toThrow(
			`Configuration error: ROOT_PUBLIC_KEY must be the base64 of a 32-byte Ed25519 public key (npm run root -- show prints it) (got "${short}")`
		);
		expect(() => loadConfig({ ROOT_PUBLIC_KEY: key, ROOT_PUBLIC_KEY_FILE: '/x' })).toThrow(ConfigError);
		expect(() => loadConfig({ ROOT_PUBLIC_KEY_FILE: path.join(dir, 'missing') })).toThrow(
			'ROOT_PUBLIC_KEY_FILE must be a readable file holding the root public key'
		);
		const two = path.join(dir, 'two.pub');
		writeFileSync(two, `${key}\n${key}\n`);
		expect(() => loadConfig({ ROOT_PUBLIC_KEY_FILE: two })).toThrow(ConfigError);
		expect(parseRootPublicKey(key.replace(/=$/, ''))).toBeNull();
		expect(parseRootPublicKey(key)).toEqual(new Uint8Array(32).fill(7));
	});
});

describe('cipher suite (QF_CRYPTO_SUITE, issue 21)', () => {
	it('is nacl by default, gm on request, and nothing else', () => {
		expect(loadConfig({}).cryptoSuite).toBe('nacl');
		expect(loadConfig({ QF_CRYPTO_SUITE: 'gm' }).cryptoSuite).toBe('gm');
		expect(() => loadConfig({ QF_CRYPTO_SUITE: 'sm4' })).toThrow(
			'Configuration error: QF_CRYPTO_SUITE must be one of nacl, gm (got "sm4")'
		);
	});

	it('takes the pinned root of the suite: an SM2 point for gm, an Ed25519 key for nacl', () => {
		const sm2 = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 9)]).toString('base64');
		const ed = Buffer.alloc(32, 7).toString('base64');
		expect(loadConfig({ QF_CRYPTO_SUITE: 'gm', ROOT_PUBLIC_KEY: sm2 }).rootPublicKey?.length).toBe(65);
		expect(() => loadConfig({ QF_CRYPTO_SUITE: 'gm', ROOT_PUBLIC_KEY: ed })).toThrow(/65-byte uncompressed SM2/);
		expect(() => loadConfig({ ROOT_PUBLIC_KEY: sm2 })).toThrow(/32-byte Ed25519/);
	});
});

describe('operator identity (主办单位, 备案号, contact)', () => {
	it('is unset by default and read from OPERATOR_NAME, OPERATOR_ICP and OPERATOR_CONTACT', () => {
		expect(loadConfig({}).operator).toEqual({ name: null, icp: null, contact: null });
		expect(
			loadConfig({
				OPERATOR_NAME: ' 示范省纪委监委 ',
				OPERATOR_ICP: '京ICP备12345678号',
				OPERATOR_CONTACT: '010-12345678'
			}).operator
		).toEqual({ name: '示范省纪委监委', icp: '京ICP备12345678号', contact: '010-12345678' });
	});

	it('refuses a line that is too long or holds control characters, naming the variable', () => {
		expect(() => loadConfig({ OPERATOR_NAME: '纪'.repeat(61) })).toThrow(/OPERATOR_NAME must be one line/);
		expect(() => loadConfig({ OPERATOR_CONTACT: 'a\nb' })).toThrow(/OPERATOR_CONTACT/);
		expect(() => loadConfig({ OPERATOR_ICP: 'x'.repeat(41) })).toThrow(/OPERATOR_ICP/);
	});
});

describe('key idle time (issue 18)', () => {
	it('defaults to 15 minutes and refuses less than a minute outside test builds', () => {
		expect(loadConfig({}).keyIdleSeconds).toBe(900);
		expect(loadConfig({ KEY_IDLE_SECONDS: '60' }).keyIdleSeconds).toBe(60);
		expect(() => loadConfig({ KEY_IDLE_SECONDS: '30' })).toThrow(ConfigError);
		expect(() => loadConfig({ KEY_IDLE_SECONDS: 'soon' })).toThrow(/KEY_IDLE_SECONDS/);
	});
});
