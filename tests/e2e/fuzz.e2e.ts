/**
 * Property-based fuzzing (fast-check) of every public endpoint and every staff form action reachable
 * without a session, plus a few with one (issue 7, abuse tests): per target, FUZZ_RUNS generated malformed
 * requests (default 600 on PostgreSQL, 300 on PGlite, which is slower; the seed is printed and can be
 * fixed with FUZZ_SEED). Properties, against the production build on the keyed demo:
 *  - never a 5xx, never a dropped connection;
 *  - never a stored row: every table of the app's schema has the same row count before and after
 *    (counted from the stopped server's storage);
 *  - the server keeps answering (/healthz after every target and at the end).
 * The proof-of-work difficulty is set to 32 bits so that no generated nonce can solve a challenge by luck.
 */
import { generateHOTP } from '@oslojs/otp';
import fc from 'fast-check';
import nacl from 'tweetnacl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptAttachment } from '../../src/lib/crypto/attachment';
import { encryptContent } from '../../src/lib/crypto/content';
import { encodeKdfSpec } from '../../src/lib/crypto/kdf-spec';
import { RECEIPT_KDF } from '../../src/lib/crypto/kdf';
import { wrapKey } from '../../src/lib/crypto/keys';
import { sealKey } from '../../src/lib/crypto/seal';
import { formRequest, getRequest, jsonRequest, type FuzzRequest } from '../security/fuzz-arbitraries';
import { countRows, insertSession, pool, rowDiff, withStorage } from '../security/lib';
import { loadDemoInto } from './demo';
import { releaseStorage, startServer, type Server } from './harness';
import { keyDemoInto, KEYED_UNITS, type KeyedDemoKeys } from './keyed-demo';

const onPostgres = (process.env.E2E_DB ?? '') === 'postgres';
// More on PostgreSQL, the database of real deployments; both within CI's 30 minutes (FUZZ_RUNS for longer runs).
const RUNS = Number(process.env.FUZZ_RUNS ?? (onPostgres ? 600 : 300));
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const CONCURRENCY = 8;

const ENV = {
	POW_DIFFICULTY: '32',
	RECEIPT_PER_10MIN: '100000',
	INTAKE_PER_HOUR: '100000',
	JOBS: 'off'
};

let server: Server;
let stored: Server;
let keys: KeyedDemoKeys;
let before: Record<string, number>;
const cookies = { full: '', totp: '', enrol: '' };
let totpKey: Uint8Array;
const results: { target: string; counts: Map<string, number>; ms: number }[] = [];

beforeAll(async () => {
	const first = await startServer({ keepStorage: true, env: ENV });
	try {
		await first.stop();
		await loadDemoInto(first);
		keys = await keyDemoInto(first, { testKdf: true });
		// Sessions stand for completed sign-ins (tests/security/lib.ts insertSession): a full one for a keyed
		// inspector, a password-only one for a member with TOTP, and one for a member still enrolling TOTP.
		totpKey = nacl.randomBytes(20);
		await withStorage(first, async (s) => {
			const [a, b, c] = keys.staff;
			await s.query('update staff_user set is_admin = true where id = $1', [a!.staffId]);
			cookies.full = await insertSession(s, a!.staffId, true);
			await s.query('update staff_user set totp_key = $1 where id = $2', [Buffer.from(totpKey), b!.staffId]);
			cookies.totp = await insertSession(s, b!.staffId, false);
			await s.query('update staff_user set totp_key = null where id = $1', [c!.staffId]);
			cookies.enrol = await insertSession(s, c!.staffId, false);
		});
		// Warm up once (lazily created server keys), then count every table while stopped.
		const warm = await startServer({ reuse: first, keepStorage: true, env: ENV });
		await warmUp(warm);
		await warm.stop();
		before = await withStorage(warm, countRows);
		server = await startServer({ reuse: warm, keepStorage: true, env: ENV });
		stored = server;
	} catch (e) {
		await releaseStorage(first);
		throw e;
	}
}, 240_000);

afterAll(async () => {
	if (stored) await releaseStorage(stored);
	if (results.length > 0) {
		const lines = results.map(
			(r) =>
				`${r.target.padEnd(44)} ${[...r.counts.entries()]
					.sort((a, b) => a[0].localeCompare(b[0]))
					.map(([s, n]) => `${s}×${n}`)
					.join(' ')}  (${(r.ms / 1000).toFixed(1)} s)`
		);
		console.log(
			`fuzz (${onPostgres ? 'PostgreSQL' : 'PGlite'}, ${RUNS} per target, seed ${SEED}):\n${lines.join('\n')}`
		);
	}
});

async function warmUp(s: Server): Promise<void> {
	const post = (path: string, body: unknown) =>
		fetch(`${s.url}${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body)
		}).then((r) => r.arrayBuffer());
	await post('/api/v1/pow', { purpose: 'intake' });
	await post('/api/v1/receipt/spec', { locator: 'ABCDE12345' });
	await post('/api/v1/receipt/open', {
		locator: 'ABCDE12345',
		authKey: Buffer.alloc(32).toString('base64'),
		pow: { challenge: 'x', nonce: 0 }
	});
	await fetch(`${s.url}/api/v1/receipt/report`, { headers: { authorization: 'Bearer a.b' } }).then((r) =>
		r.arrayBuffer()
	);
	await post('/staff/login/salt', { username: 'nobody' });
	await fetch(`${s.url}/api/v1/stats/public`).then((r) => r.arrayBuffer());
}

/**
 * Sends one generated request. The answer's status; for an enhanced form action (HTTP 200 with a JSON
 * `{ type: 'failure', status }`) also the status inside. 0 is a connection that failed.
 */
async function send(req: FuzzRequest): Promise<{ status: number; key: string; error?: string }> {
	try {
		const res = await fetch(`${server.url}${req.path}`, {
			method: req.method,
			headers: req.headers,
			body: req.body as BodyInit | undefined,
			redirect: 'manual',
			signal: AbortSignal.timeout(30_000)
		});
		const text = await res.text();
		let key = String(res.status);
		if (
			res.status === 200 &&
			req.headers['x-sveltekit-action'] &&
			(res.headers.get('content-type') ?? '').includes('application/json')
		) {
			const inner = JSON.parse(text) as { type?: string; status?: number };
			key = `200(${inner.type}${inner.status ? ' ' + inner.status : ''})`;
		}
		return { status: res.status, key };
	} catch (e) {
		// A request undici refuses to build (e.g. a header it finds invalid) never reached the server.
		if (e instanceof TypeError && !/fetch failed/.test(e.message)) return { status: -1, key: 'unsendable' };
		const cause = (e as { cause?: { code?: string; message?: string } }).cause;
		return { status: 0, key: 'connection failed', error: cause?.code ?? cause?.message ?? String(e) };
	}
}

const bodyBytes = (r: FuzzRequest) =>
	r.body === undefined ? 0 : typeof r.body === 'string' ? Buffer.byteLength(r.body) : r.body.length;

async function fuzz(target: string, arb: fc.Arbitrary<FuzzRequest>): Promise<void> {
	const reqs = fc.sample(arb, { numRuns: RUNS, seed: SEED + results.length });
	const counts = new Map<string, number>();
	const bad: string[] = [];
	const t0 = performance.now();
	await pool(reqs, CONCURRENCY, async (req) => {
		let r = await send(req);
		// A reused keep-alive connection that the server had just closed (it closes a connection after
		// answering a body it could not parse) is reset under the next request: send that one again, once,
		// and count it apart. A second failure or a 5xx is a failure.
		if (r.status === 0 && (r.error === 'ECONNRESET' || r.error === 'UND_ERR_SOCKET') && bodyBytes(req) <= 16 * 1024) {
			const again = await send(req);
			r = { ...again, key: again.status > 0 ? `reset, resent: ${again.key}` : again.key };
		}
		// A server may answer early (415, 403, 413) and close the connection without reading a large body;
		// the client then sees its upload cut off. That is allowed for bodies above 16 KiB, nothing else is.
		const early = r.status === 0 && bodyBytes(req) > 16 * 1024;
		const key = early ? 'closed early (large body)' : r.key;
		counts.set(key, (counts.get(key) ?? 0) + 1);
		if (r.status >= 500 || (r.status === 0 && !early)) {
			bad.push(
				`${r.key}${r.error ? ` (${r.error})` : ''} ${req.method} ${req.path.slice(0, 200)} [${req.note.slice(0, 200)}] headers=${JSON.stringify(req.headers).slice(0, 300)} body=${typeof req.body === 'string' ? JSON.stringify(req.body.slice(0, 300)) : req.body ? `bytes(${req.body.length})` : 'none'}`
			);
		}
	});
	results.push({ target, counts, ms: performance.now() - t0 });
	expect(counts.get('unsendable') ?? 0, `${target}: requests the client could not even build`).toBeLessThan(RUNS / 20);
	expect(bad.slice(0, 10), `${target}: 5xx or dropped connections (seed ${SEED})`).toEqual([]);
	const health = await fetch(`${server.url}/healthz`);
	expect(health.status, `${target}: /healthz afterwards`).toBe(200);
	expect(await health.text()).toBe('ok\n');
}

/* ------------------------------------------------------------------ templates */

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');

async function challenge(purpose: 'intake' | 'receipt'): Promise<string> {
	const res = await fetch(`${server.url}/api/v1/pow`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ purpose })
	});
	const c = (await res.json()) as { challenge: string; difficulty: number };
	expect(c.difficulty).toBe(32);
	return c.challenge;
}

/** A bearer token of the right shape that the server never issued. */
const forgedToken = () => `${b64url(nacl.randomBytes(21))}.${b64url(nacl.randomBytes(32))}`;
const bearerHeaders = fc.oneof(
	{ weight: 4, arbitrary: fc.constant(null).map(() => ({ authorization: `Bearer ${forgedToken()}` })) },
	{
		weight: 1,
		arbitrary: fc.constantFrom<Record<string, string>>(
			{},
			{ authorization: 'Bearer' },
			{ authorization: 'Bearer ' + 'A'.repeat(600) },
			{ authorization: 'Basic YWRtaW46YWRtaW4=' },
			{ authorization: 'bearer a.b' },
			{ authorization: 'Bearer a.b.c' },
			{ authorization: 'Bearer %00' }
		)
	},
	{
		weight: 1,
		arbitrary: fc.string({ maxLength: 80 }).map((s) => ({ authorization: `Bearer ${s.replace(/[^\x20-\x7e]/g, '')}` }))
	}
);

function reportTemplate(): unknown {
	const key = nacl.randomBytes(32);
	const unit = KEYED_UNITS.countyDepartment;
	return {
		v: 1,
		intake: b64url(nacl.randomBytes(16)),
		routing: {
			unit: unit.unitId,
			position: 'top_leader',
			category: 'integrity',
			escalate: false,
			realName: false
		},
		organ: unit.routes.top_leader,
		content: b64(encryptContent(key, new TextEncoder().encode('{"v":1}'))),
		wraps: keys.staff
			.filter((s) => s.organId === unit.routes.top_leader)
			.map((s) => ({ entryId: b64(nacl.randomBytes(16)), sealed: b64(sealKey(key, s.publicKey)) })),
		receipt: {
			locator: 'ABCDE12345',
			kdfSpec: b64(encodeKdfSpec({ ...RECEIPT_KDF, salt: nacl.randomBytes(16) })),
			authHash: b64(nacl.randomBytes(32)),
			wrappedKey: b64(wrapKey(key, nacl.randomBytes(32)))
		}
	};
}

const ID = fc.oneof(
	{ weight: 3, arbitrary: fc.constant(null).map(() => b64url(nacl.randomBytes(16))) },
	{
		weight: 2,
		arbitrary: fc.constantFrom(
			'',
			'..',
			'%2e%2e',
			'%00',
			'A',
			'-1',
			'AAAAAAAAAAAAAAAAAAAAAA',
			'A'.repeat(2000),
			'%C3%28',
			'%ZZ',
			"1'--",
			'0x10'
		)
	},
	{
		weight: 1,
		arbitrary: fc.string({ maxLength: 30 }).map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '')))
	}
);
const INDEX = fc.oneof(
	fc.constantFrom(
		'0',
		'1',
		'-1',
		'1e3',
		'999999',
		'9999999999999999999999',
		'NaN',
		'0x1',
		'+1',
		'01',
		'%20',
		'1.5',
		'Infinity',
		'%00'
	),
	fc.integer().map(String)
);

/* ------------------------------------------------------------------ targets */

describe('fuzzing the public API (never 5xx, nothing stored, still answering)', () => {
	it('GET /api/v1/units', () => fuzz('GET /api/v1/units', getRequest('/api/v1/units', ['q', 'limit'])));
	it('GET /api/v1/routing', () =>
		fuzz('GET /api/v1/routing', getRequest('/api/v1/routing', ['unit', 'position', 'kind', 'escalate'])));
	it('GET /api/v1/directory', () => fuzz('GET /api/v1/directory', getRequest('/api/v1/directory', ['organ', 'unit'])));
	it('GET /api/v1/stats/public', () =>
		fuzz('GET /api/v1/stats/public', getRequest('/api/v1/stats/public', ['month', 'category', 'from'])));
	it('GET /healthz', () => fuzz('GET /healthz', getRequest('/healthz', ['x'])));
	it('POST /api/v1/pow', () => fuzz('POST /api/v1/pow', jsonRequest('/api/v1/pow', { purpose: 'intake' })));
	it('POST /api/v1/intake', async () => {
		const template = {
			pow: { challenge: await challenge('intake'), nonce: 0 },
			files: [{ bytes: 1104 }, { bytes: 70_000 }]
		};
		const withToken = fc.oneof({ weight: 5, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: bearerHeaders });
		await fuzz('POST /api/v1/intake', jsonRequest('/api/v1/intake', template, withToken));
	});
	it('PUT /api/v1/intake/{intake}/files/{n}/parts/{i}', () =>
		fuzz(
			'PUT /api/v1/intake/…/parts/…',
			fc
				.record({
					intake: ID,
					n: INDEX,
					i: INDEX,
					type: fc.constantFrom(
						'application/octet-stream',
						'application/octet-stream',
						'application/octet-stream',
						'application/json',
						'text/plain',
						'',
						'APPLICATION/OCTET-STREAM; x=y'
					),
					body: fc.oneof(
						{ weight: 20, arbitrary: fc.uint8Array({ maxLength: 4096 }) },
						{ weight: 1, arbitrary: fc.constantFrom(1_048_577, 600_000).map((n) => new Uint8Array(n)) }
					),
					method: fc.oneof(
						{ weight: 20, arbitrary: fc.constant('PUT') },
						{ weight: 1, arbitrary: fc.constantFrom('POST', 'GET', 'DELETE', 'PATCH') }
					)
				})
				.map(({ intake, n, i, type, body, method }) => ({
					method,
					path: `/api/v1/intake/${intake}/files/${n}/parts/${i}`,
					headers: (type ? { 'content-type': type } : {}) as Record<string, string>,
					body: method === 'GET' ? undefined : body,
					note: `${method} ${type} ${body.length} bytes`
				}))
		));
	it('POST /api/v1/reports', () => fuzz('POST /api/v1/reports', jsonRequest('/api/v1/reports', reportTemplate())));
	it('POST /api/v1/reports (files inline)', async () => {
		// The one-request form: a solved-looking challenge and an attachment stream instead of an intake.
		const rest = { ...(reportTemplate() as Record<string, unknown>), intake: undefined };
		const stream = encryptAttachment(nacl.randomBytes(32), nacl.randomBytes(3000), {
			name: 'a.jpg',
			type: 'image/jpeg'
		});
		const template = { ...rest, pow: { challenge: await challenge('intake'), nonce: 0 }, files: [b64(stream)] };
		await fuzz('POST /api/v1/reports (inline)', jsonRequest('/api/v1/reports', template));
	});
	it('POST /api/v1/receipt/spec', () =>
		fuzz('POST /api/v1/receipt/spec', jsonRequest('/api/v1/receipt/spec', { locator: 'ABCDE12345' })));
	it('POST /api/v1/receipt/open', async () => {
		const template = {
			locator: 'ABCDE12345',
			authKey: b64(nacl.randomBytes(32)),
			pow: { challenge: await challenge('receipt'), nonce: 0 }
		};
		await fuzz('POST /api/v1/receipt/open', jsonRequest('/api/v1/receipt/open', template));
	});
	it('GET /api/v1/receipt/report', () =>
		fuzz(
			'GET /api/v1/receipt/report',
			fc
				.tuple(getRequest('/api/v1/receipt/report', ['token']), bearerHeaders)
				.map(([r, h]) => ({ ...r, headers: { ...r.headers, ...h } }))
		));
	it('GET /api/v1/receipt/files/{id}', () =>
		fuzz(
			'GET /api/v1/receipt/files/{id}',
			fc
				.tuple(fc.oneof(ID, fc.uuid()), bearerHeaders, fc.constantFrom('GET', 'GET', 'GET', 'POST', 'HEAD'))
				.map(([id, h, method]) => ({
					method,
					path: `/api/v1/receipt/files/${id}`,
					headers: h,
					note: `${method} ${id.slice(0, 40)}`
				}))
		));
	it('POST /api/v1/receipt/messages', () => {
		const template = {
			body: b64(encryptContent(nacl.randomBytes(32), new TextEncoder().encode('{"text":"x"}'))),
			intake: b64url(nacl.randomBytes(16))
		};
		return fuzz('POST /api/v1/receipt/messages', jsonRequest('/api/v1/receipt/messages', template, bearerHeaders));
	});
});

describe('fuzzing the staff forms (never 5xx, nothing stored, still answering)', () => {
	const origin = () => ({ origin: server.url });
	const b64of = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map(b64);
	/** Six-digit codes, never one the TOTP key of the test member accepts right now. */
	const code = () =>
		fc.oneof(
			fc.integer({ min: 0, max: 999_999 }).map((n) => {
				const c = String(n).padStart(6, '0');
				const step = Math.floor(Date.now() / 30_000);
				const valid = [step - 1, step, step + 1, step + 2].map((s) => generateHOTP(totpKey, BigInt(s), 6));
				return valid.includes(c) ? 'x' + c : c;
			}),
			fc.constantFrom('', '12345', '1234567', '12 34 56', '１２３４５６', 'ABCDEF', '000000\u0000')
		);

	it('POST /staff/login', () =>
		fuzz(
			'POST /staff/login',
			formRequest('/staff/login', '', ['username', 'authKey'], origin(), (n) =>
				n === 'username' ? fc.constantFrom('admin', keys.staff[0]!.username, 'A'.repeat(200), 'user name') : b64of(32)
			)
		));
	it('POST /staff/login/salt', () =>
		fuzz(
			'POST /staff/login/salt',
			jsonRequest('/staff/login/salt', { username: keys.staff[0]!.username }, fc.constant(origin()))
		));
	it('POST /staff/setup', () => {
		// No `salt` field is ever sent, so even the real setup token with good fields cannot create an account.
		const token = server.setupLink() ? new URL(server.setupLink()!).searchParams.get('token')! : 'no-setup-token';
		return fuzz(
			'POST /staff/setup',
			formRequest('/staff/setup', '', ['token', 'username', 'displayName', 'authKey'], origin(), (n) =>
				n === 'token'
					? fc.constantFrom(token, token, 'x' + token, token.slice(1))
					: n === 'authKey'
						? b64of(32)
						: fc.constantFrom('admin2', '王', 'A'.repeat(70))
			)
		);
	});
	it('POST /staff/invite', () =>
		fuzz(
			'POST /staff/invite',
			formRequest('/staff/invite', '', ['token', 'username', 'displayName', 'salt', 'authKey'], origin(), (n) =>
				n === 'salt' ? b64of(16) : n === 'authKey' ? b64of(32) : fc.base64String({ maxLength: 50 })
			)
		));
	it('POST /staff/reset', () =>
		fuzz(
			'POST /staff/reset',
			formRequest('/staff/reset', '', ['token', 'salt', 'authKey'], origin(), (n) =>
				n === 'salt' ? b64of(16) : n === 'authKey' ? b64of(32) : fc.base64String({ maxLength: 50 })
			)
		));
	it('POST /staff/login/totp (password-only session)', () =>
		fuzz(
			'POST /staff/login/totp',
			formRequest('/staff/login/totp', '', ['code'], { ...origin(), cookie: `qf_session=${cookies.totp}` }, code)
		));
	it('POST /staff/login/recovery (password-only session)', () =>
		fuzz(
			'POST /staff/login/recovery',
			formRequest('/staff/login/recovery', '', ['code'], { ...origin(), cookie: `qf_session=${cookies.totp}` }, () =>
				fc.constantFrom('ABCD-EFGH-JKMN', 'abcd efgh', '0000-0000-0000')
			)
		));
	it('POST /staff/2fa/setup (session still enrolling)', () =>
		fuzz(
			'POST /staff/2fa/setup',
			formRequest(
				'/staff/2fa/setup',
				'',
				['key', 'code'],
				{ ...origin(), cookie: `qf_session=${cookies.enrol}` },
				(n) => (n === 'key' ? b64of(20) : fc.constantFrom('123456', '000000'))
			)
		));
	it('POST /staff/logout (no valid session)', () =>
		fuzz('POST /staff/logout', formRequest('/staff/logout', '', ['x'], origin())));
	it('POST /staff/password (signed in)', () =>
		fuzz(
			'POST /staff/password',
			formRequest(
				'/staff/password',
				'',
				['currentAuthKey', 'authKey', 'salt', 'publicKey', 'passwordWrapped', 'recoveryWrapped'],
				{ ...origin(), cookie: `qf_session=${cookies.full}` },
				(n) =>
					n === 'salt'
						? b64of(16)
						: n.endsWith('AuthKey') || n === 'authKey'
							? b64of(32)
							: fc.base64String({ maxLength: 200 })
			)
		));
	it('POST /staff/keys?/enrol and ?/rewrap (signed in)', () =>
		fuzz(
			'POST /staff/keys?/enrol|rewrap',
			fc.oneof(
				formRequest(
					'/staff/keys',
					'?/enrol',
					['publicKey', 'passwordWrapped', 'recoveryWrapped'],
					{ ...origin(), cookie: `qf_session=${cookies.full}` },
					(n) => (n === 'publicKey' ? b64of(32) : fc.base64String({ maxLength: 300 }))
				),
				formRequest(
					'/staff/keys',
					'?/rewrap',
					['publicKey', 'passwordWrapped', 'recoveryWrapped'],
					{ ...origin(), cookie: `qf_session=${cookies.full}` },
					() => fc.base64String({ maxLength: 300 })
				)
			)
		));
	it('POST /staff/admin/users?/disable and ?/reset (signed-in admin; ids that are not canonical UUIDs)', () => {
		// Regression: `[0-9a-f-]{36}` let through strings PostgreSQL refuses as a uuid (a 500).
		const notUuid = fc.oneof(
			fc
				.stringMatching(/^[0-9a-f-]{36}$/)
				.filter((x) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(x)),
			fc.constantFrom(
				'------------------------------------',
				'00000000-0000-0000-0000-00000000000g',
				'AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA',
				'{00000000-0000-0000-0000-000000000000}'
			)
		);
		const base = { ...origin(), cookie: `qf_session=${cookies.full}` };
		return fuzz(
			'POST /staff/admin/users?/disable|reset',
			fc.oneof(
				formRequest('/staff/admin/users', '?/disable', ['userId'], base, () => notUuid),
				formRequest('/staff/admin/users', '?/reset', ['userId'], base, () => notUuid)
			)
		);
	});
});

describe('after the fuzzing', () => {
	it('still answers, and stored nothing: every table has the row count it had before', async () => {
		const health = await fetch(`${server.url}/healthz`);
		expect(health.status).toBe(200);
		await server.stop();
		const after = await withStorage(server, countRows);
		expect(rowDiff(before, after), 'tables whose row counts changed').toEqual([]);
		const total = Object.values(after).reduce((a, b) => a + b, 0);
		console.log(
			`row counts unchanged across ${Object.keys(after).length} tables (${total} rows; report ${after.report ?? 0}, intake ${after.intake ?? 0}, attachment ${after.attachment ?? 0}, pow_spent ${after.pow_spent ?? 0}, staff_user ${after.staff_user ?? 0}, staff_session ${after.staff_session ?? 0})`
		);
	});
});
