/**
 * Configuration from environment variables, validated once at start-up.
 * A wrong value stops the app with one line naming the variable and what is expected.
 */
import { readFileSync } from 'node:fs';
import { FILE_LIMIT_DEFAULTS } from '../shared/limits';
import { MAX_BASE_DIFFICULTY } from '../shared/pow';
import { DEFAULT_SUITE, SUITE_IDS, isSuiteId, type SuiteId } from '../crypto/suite-id';
import { TEST_BUILD } from '../shared/build-kind';

export interface Config {
	/** postgres://… when set; otherwise the embedded PGlite database in `dataDir`. */
	databaseUrl: string | null;
	dataDir: string;
	databasePoolMax: number;
	/** postgres.js prepared statements (off for PgBouncer's transaction pooling before 1.21). */
	databasePrepare: boolean;
	/** A URL that reaches PostgreSQL without transaction pooling, for migrations and backups; null = databaseUrl. */
	databaseDirectUrl: string | null;
	/** Public origin (adapter-node's ORIGIN), used for printed links; null when unset. */
	origin: string | null;
	/** adapter-node's PROTOCOL_HEADER, HOST_HEADER, PORT_HEADER (lower case); null when unset. */
	protocolHeader: string | null;
	hostHeader: string | null;
	portHeader: string | null;
	/** HSTS_PRELOAD: add `preload` to Strict-Transport-Security (sent only when the origin is https). */
	hstsPreload: boolean;
	host: string;
	port: number;
	sessionIdleMinutes: number;
	sessionMaxHours: number;
	/**
	 * Seconds without input after which the unlocked staff key locks, in the browser and for the key stay
	 * on the server (issue 18; KEY_IDLE_SECONDS, 900 by default, at least 60; test builds accept 5).
	 */
	keyIdleSeconds: number;
	/** Failed sign-ins allowed per account or address before each further try is delayed. */
	signinFreeAttempts: number;
	logLevel: 'debug' | 'info' | 'warn' | 'error';
	/** Where the quick-exit control sends a reporter (a neutral page, opened in place of ours). */
	quickExitUrl: string;
	/** Proof-of-work difficulty in leading zero bits before any load increase. */
	powDifficulty: number;
	/** Challenges per minute above which the difficulty rises (+1 bit per doubling, at most +8). */
	powFreePerMinute: number;
	/** Seconds over which challenges are counted for that (default 60; shorter only for tests and tuning). */
	powWindowSeconds: number;
	/** Files per report or per follow-up message. */
	maxFiles: number;
	/** Largest stored stream of one file, in bytes. */
	maxFileBytes: number;
	/** Largest sum of the files of one submission, in bytes. */
	maxReportBytes: number;
	/** Intakes (uploads) one address may open per hour. */
	intakePerHour: number;
	/** ms a report commit may reuse the routing and recipients it read for the same unit and organ. */
	routingCacheMs: number;
	/** Receipt look-ups (spec and open) one address may make per 10 minutes. */
	receiptPer10Min: number;
	/** Public figures below this count are shown as "fewer than". */
	statsMinCount: number;
	/** IANA time zone for received dates (a date, never a time, is stored). */
	timezone: string;
	/**
	 * The organization's root Ed25519 public key, pinned by deployment configuration (ROOT_PUBLIC_KEY, base64,
	 * or ROOT_PUBLIC_KEY_FILE), never read from the database it protects; null when none is configured yet.
	 */
	rootPublicKey: Uint8Array | null;
	/**
	 * QF_CRYPTO_SUITE (issue 21): the deployment's one cipher suite, `nacl` (default) or `gm` (国密). Served with
	 * the reporter page beside the pinned root and in the directory answer; a reporter's browser refuses a
	 * directory of the other suite. With `gm` the pinned root is an SM2 public key.
	 */
	cryptoSuite: SuiteId;
	/** Who runs the site, shown in the public footer, the guide and on posters (issue 22, issue 19 item 7). */
	operator: Operator;
}

/** The site's operator as the public sees it; each part null when not configured. */
export interface Operator {
	/** OPERATOR_NAME: 主办单位, e.g. 示范省纪委监委. */
	name: string | null;
	/** OPERATOR_ICP: the ICP filing number (备案号), e.g. 京ICP备12345678号. */
	icp: string | null;
	/** OPERATOR_CONTACT: a public contact (an address, a telephone number, a mailbox), never a person's own. */
	contact: string | null;
}

export class ConfigError extends Error {
	constructor(
		readonly variable: string,
		readonly expected: string,
		readonly got: string
	) {
		super(`Configuration error: ${variable} must be ${expected} (got "${got}")`);
		this.name = 'ConfigError';
	}
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | undefined {
	const v = env[name];
	return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
	const v = text(env, name);
	if (v === undefined) return fallback;
	if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
		throw new ConfigError(name, `a whole number from ${min} to ${max}`, v);
	}
	return Number(v);
}

const MIB = 1024 * 1024;

function timeZone(env: Env, name: string, fallback: string): string {
	const v = text(env, name);
	if (v === undefined) return fallback;
	try {
		new Intl.DateTimeFormat('en-CA', { timeZone: v });
	} catch {
		throw new ConfigError(name, 'an IANA time zone like Asia/Shanghai', v);
	}
	return v;
}

function url(env: Env, name: string, protocols: string[], what: string): string | null {
	const v = text(env, name);
	if (v === undefined) return null;
	let parsed: URL;
	try {
		parsed = new URL(v);
	} catch {
		throw new ConfigError(name, what, redact(v));
	}
	if (!protocols.includes(parsed.protocol)) throw new ConfigError(name, what, redact(v));
	return v;
}

/** An HTTP header name (RFC 9110 token), lower-cased as adapter-node reads it; null when unset. */
function headerName(env: Env, name: string): string | null {
	const v = text(env, name);
	if (v === undefined) return null;
	if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(v))
		throw new ConfigError(name, 'an HTTP header name like x-forwarded-proto', v);
	return v.toLowerCase();
}

function onOff(env: Env, name: string, fallback: boolean): boolean {
	const raw = text(env, name);
	if (raw === undefined) return fallback;
	const v = raw.toLowerCase();
	if (v === 'on' || v === '1' || v === 'true' || v === 'yes') return true;
	if (v === 'off' || v === '0' || v === 'false' || v === 'no') return false;
	throw new ConfigError(name, 'on or off', raw);
}

/** Never echo a password from a connection string. */
function redact(v: string): string {
	return v.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/** A short line of public text (no control characters, at most `max` characters); null when unset. */
function publicText(env: Env, name: string, max: number, example: string): string | null {
	const v = text(env, name);
	if (v === undefined) return null;
	// eslint-disable-next-line no-control-regex -- control characters are what is refused
	if ([...v].length > max || /[\u0000-\u001f\u007f]/.test(v))
		throw new ConfigError(name, `one line of at most ${max} characters, like ${example}`, v.slice(0, 60));
	return v;
}

const ROOT_KEY_EXPECTED: Record<SuiteId, string> = {
	nacl: 'the base64 of a 32-byte Ed25519 public key (npm run root -- show prints it)',
	gm: 'the base64 of a 65-byte uncompressed SM2 public key (04 ‖ x ‖ y), since QF_CRYPTO_SUITE is gm'
};

/**
 * A pinned root public key in base64, or null for text that is not one: 32 bytes (Ed25519) in the NaCl
 * suite, 65 bytes starting 04 (an uncompressed SM2 point) in the GM suite.
 */
export function parseRootPublicKey(text: string, suite: SuiteId = DEFAULT_SUITE): Uint8Array | null {
	const v = text.trim();
	if (!(suite === 'gm' ? /^[A-Za-z0-9+/]{87}=$/ : /^[A-Za-z0-9+/]{43}=$/).test(v)) return null;
	const bytes = Uint8Array.from(Buffer.from(v, 'base64'));
	if (Buffer.from(bytes).toString('base64') !== v) return null;
	return (suite === 'gm' ? bytes.length === 65 && bytes[0] === 4 : bytes.length === 32) ? bytes : null;
}

function cryptoSuite(env: Env): SuiteId {
	const v = text(env, 'QF_CRYPTO_SUITE') ?? DEFAULT_SUITE;
	if (!isSuiteId(v)) throw new ConfigError('QF_CRYPTO_SUITE', `one of ${SUITE_IDS.join(', ')}`, v.slice(0, 20));
	return v;
}

/** ROOT_PUBLIC_KEY, else the key in ROOT_PUBLIC_KEY_FILE (blank lines and lines starting with # ignored). */
function rootPublicKey(env: Env, suite: SuiteId): Uint8Array | null {
	const inline = text(env, 'ROOT_PUBLIC_KEY');
	const file = text(env, 'ROOT_PUBLIC_KEY_FILE');
	if (inline !== undefined && file !== undefined)
		throw new ConfigError('ROOT_PUBLIC_KEY_FILE', 'unset when ROOT_PUBLIC_KEY is set (give one of the two)', file);
	if (inline !== undefined) {
		const key = parseRootPublicKey(inline, suite);
		if (!key) throw new ConfigError('ROOT_PUBLIC_KEY', ROOT_KEY_EXPECTED[suite], inline.slice(0, 60));
		return key;
	}
	if (file === undefined) return null;
	let content: string;
	try {
		content = readFileSync(file, 'utf8');
	} catch {
		throw new ConfigError('ROOT_PUBLIC_KEY_FILE', 'a readable file holding the root public key', file);
	}
	const lines = content
		.split('\n')
		.map((l) => l.trim())
		.filter((l) => l !== '' && !l.startsWith('#'));
	const key = lines.length === 1 ? parseRootPublicKey(lines[0]!, suite) : null;
	if (!key) throw new ConfigError('ROOT_PUBLIC_KEY_FILE', `a file holding ${ROOT_KEY_EXPECTED[suite]}`, file);
	return key;
}

/** Reads and validates the configuration; throws ConfigError on the first bad variable. */
export function loadConfig(env: Env): Config {
	const logLevel = text(env, 'LOG_LEVEL') ?? 'info';
	if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
		throw new ConfigError('LOG_LEVEL', 'one of debug, info, warn, error', logLevel);
	}
	return {
		databaseUrl: url(
			env,
			'DATABASE_URL',
			['postgres:', 'postgresql:'],
			'a PostgreSQL URL like postgres://user:password@host:5432/dbname, or unset for the embedded database'
		),
		dataDir: text(env, 'DATA_DIR') ?? './data',
		databasePoolMax: int(env, 'DATABASE_POOL_MAX', 10, 1, 500),
		databasePrepare: onOff(env, 'DATABASE_PREPARE', true),
		databaseDirectUrl: url(
			env,
			'DATABASE_DIRECT_URL',
			['postgres:', 'postgresql:'],
			'a PostgreSQL URL like postgres://user:password@host:5432/dbname that bypasses transaction pooling, or unset'
		),
		origin: url(env, 'ORIGIN', ['http:', 'https:'], 'the public URL of the site, like https://qingfeng.example.org'),
		protocolHeader: headerName(env, 'PROTOCOL_HEADER'),
		hostHeader: headerName(env, 'HOST_HEADER'),
		portHeader: headerName(env, 'PORT_HEADER'),
		hstsPreload: onOff(env, 'HSTS_PRELOAD', false),
		host: text(env, 'HOST') ?? '0.0.0.0',
		port: int(env, 'PORT', 3000, 1, 65535),
		sessionIdleMinutes: int(env, 'SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
		sessionMaxHours: int(env, 'SESSION_MAX_HOURS', 12, 1, 24 * 30),
		keyIdleSeconds: int(env, 'KEY_IDLE_SECONDS', 900, TEST_BUILD ? 5 : 60, 24 * 3600),
		signinFreeAttempts: int(env, 'SIGNIN_FREE_ATTEMPTS', 5, 1, 100),
		logLevel: logLevel as Config['logLevel'],
		quickExitUrl:
			url(env, 'QUICK_EXIT_URL', ['http:', 'https:'], 'a neutral web page URL like https://www.weather.com.cn/') ??
			'https://www.weather.com.cn/',
		powDifficulty: int(env, 'POW_DIFFICULTY', 16, 0, MAX_BASE_DIFFICULTY),
		powFreePerMinute: int(env, 'POW_FREE_PER_MINUTE', 600, 1, 1_000_000),
		powWindowSeconds: int(env, 'POW_WINDOW_SECONDS', 60, 1, 3600),
		maxFiles: int(env, 'MAX_FILES', FILE_LIMIT_DEFAULTS.maxFiles, 0, 100),
		maxFileBytes: int(env, 'MAX_FILE_BYTES', FILE_LIMIT_DEFAULTS.maxFileBytes, 1024, 1024 * MIB),
		maxReportBytes: int(env, 'MAX_REPORT_BYTES', FILE_LIMIT_DEFAULTS.maxReportBytes, 1024, 4096 * MIB),
		intakePerHour: int(env, 'INTAKE_PER_HOUR', 30, 1, 100_000),
		routingCacheMs: int(env, 'ROUTING_CACHE_MS', 1000, 0, 60_000),
		receiptPer10Min: int(env, 'RECEIPT_PER_10MIN', 30, 1, 100_000),
		statsMinCount: int(env, 'STATS_MIN_COUNT', 5, 1, 1000),
		timezone: timeZone(env, 'TIMEZONE', 'Asia/Shanghai'),
		rootPublicKey: rootPublicKey(env, cryptoSuite(env)),
		cryptoSuite: cryptoSuite(env),
		operator: {
			name: publicText(env, 'OPERATOR_NAME', 60, '示范省纪委监委'),
			icp: publicText(env, 'OPERATOR_ICP', 40, '京ICP备12345678号'),
			contact: publicText(env, 'OPERATOR_CONTACT', 120, '010-12345678')
		}
	};
}

let current: Config | null = null;

/** The configuration loaded at start-up (see hooks.server.ts `init`). */
export function config(): Config {
	if (!current) current = loadConfig(process.env);
	return current;
}

export function setConfig(c: Config): void {
	current = c;
}
