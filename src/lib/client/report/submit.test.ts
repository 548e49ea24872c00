import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TEST_ONLY_CHEAP_KDF } from '../../crypto/kdf';
import { decodeKdfSpec } from '../../crypto/kdf-spec';
import { deriveReceiptKeys, parseReceiptSecret, receiptAuthHash } from '../../crypto/receipt';
import { unwrapKey } from '../../crypto/keys';
import { toHex } from '../../crypto/encoding';
import { FakeServer } from './testing/fake-server';
import { inProcessCrypto } from './testing/in-process';
import { createSubmission, submitReport, type ReportInput, type SubmitOptions, type SubmitProgress } from './submit';
import { prepareRecipients } from './recipients';
import type { RoutingChoice } from './routing';
import { INLINE_MAX_BYTES } from '../../shared/limits';
import { syncSolver } from './pow';
import { ReportError } from './errors';

const fixture = (name: string) =>
	new Uint8Array(readFileSync(new URL(`../../../../tests/fixtures/${name}`, import.meta.url)));

const CANARY = 'CANARY-清风-7f3a';

const choice: RoutingChoice = {
	unit: 'sf-c01-k01',
	position: 'top_leader',
	kind: 'public_tip',
	category: 'integrity',
	escalate: false,
	realName: false
};

function input(overrides: Partial<ReportInput> = {}): ReportInput {
	return {
		routing: choice,
		details: {
			person: { name: `王某 ${CANARY}`, post: '局长' },
			description: `收受礼金 ${CANARY}`,
			interference: null,
			identity: null
		},
		files: [
			{ file: new File([fixture('gps.jpg') as BlobPart], 'IMG_0042.jpg', { type: 'image/jpeg' }) },
			{ file: new File([fixture('sample.pdf') as BlobPart], '会议纪要.pdf', { type: 'application/pdf' }) }
		],
		...overrides
	};
}

function setup(extra: Partial<SubmitOptions> = {}) {
	const server = new FakeServer();
	const { crypto, worker } = inProcessCrypto();
	const events: SubmitProgress[] = [];
	const options: SubmitOptions = {
		fetch: server.fetch,
		crypto,
		powSolver: syncSolver,
		receiptKdf: TEST_ONLY_CHEAP_KDF,
		retry: { wait: async () => {} },
		onProgress: (p) => events.push(p),
		// Most tests here exercise the resumable intake; the inline (one-request) path has its own tests.
		inlineMaxBytes: -1,
		...extra
	};
	return { server, crypto, worker, events, options };
}

const puts = (server: FakeServer) => server.requests.filter((r) => r.method === 'PUT');

describe('prepareRecipients', () => {
	it('returns the organ, the root fingerprint and the verified recipients (conflicted staff and bad entries left out)', async () => {
		const { server, options } = setup();
		server.addStaff('o-sf-c01', ['sf-c01-k01']); // conflicted for this unit
		server.servedGarbage = ['AAAA', btoa('not an entry')];
		const p = await prepareRecipients(choice, options);
		expect(p.organ.id).toBe('o-sf-c01');
		expect(p.fingerprint).toMatch(/^\d{5}( \d{5}){5}$/);
		expect(p.recipientCount).toBe(2);
		expect(p.rejectedCount).toBe(2);
		const routing = server.requests.find((r) => r.path === '/api/v1/routing');
		expect(routing).toBeDefined();
		expect(server.requests.map((r) => r.path)).toEqual(['/api/v1/routing', '/api/v1/directory']);
	});

	it('refuses an organ without valid entries, a lying fingerprint and a root key other than the pinned one', async () => {
		const { server, options } = setup();
		server.routes.set('sf-c01-k01', 'o-empty');
		await expect(prepareRecipients(choice, options)).rejects.toMatchObject({ code: 'no_recipients' });
		server.routes.set('sf-c01-k01', 'o-sf-c01');
		const lying = async (url: string, init?: RequestInit) => {
			const res = await server.fetch(url, init);
			if (!url.startsWith('/api/v1/directory')) return res;
			const body = (await res.json()) as { root: { fingerprint: string } };
			body.root.fingerprint = '00000 00000 00000 00000 00000 00000';
			return new Response(JSON.stringify(body), { status: 200 });
		};
		await expect(prepareRecipients(choice, { ...options, fetch: lying })).rejects.toMatchObject({
			code: 'directory_untrusted'
		});
		await expect(
			prepareRecipients(choice, { ...options, pinnedRootPublicKey: new Uint8Array(32).fill(9) })
		).rejects.toMatchObject({ code: 'root_changed' });
	});
});

describe('submitReport against the in-memory server', () => {
	it('strips, encrypts, seals, derives, proves work, uploads and commits; staff can open exactly what was sent', async () => {
		const { server, options, events, worker } = setup();
		const result = await submitReport(input(), options);

		expect(result.locator).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
		expect(result.secret).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
		expect(result.receivedOn).toBe('2026-11-27');
		expect(result.files).toEqual([
			{
				name: 'IMG_0042.jpg',
				metadataRemoved: ['gps', 'camera', 'datetime', 'software', 'comment', 'thumbnail', 'xmp', 'exif'],
				metadataKept: false
			},
			{ name: '会议纪要.pdf', metadataRemoved: [], metadataKept: true }
		]);

		// phases in order, each at least once
		const phases = events.map((e) => e.phase).filter((p, i, a) => p !== a[i - 1]);
		expect(phases).toEqual(['preparing', 'encrypting', 'deriving', 'pow', 'uploading', 'committing']);
		const up = events.filter((e): e is Extract<SubmitProgress, { phase: 'uploading' }> => e.phase === 'uploading');
		expect(up.at(-1)?.done).toBe(up.at(-1)?.total);
		// Argon2id and encryption ran in the (in-process) worker
		expect(worker.ops).toEqual(['encryptAttachment', 'encryptAttachment', 'deriveReceiptKeys']);

		// the requests, in order, without cookies or credentials
		const paths = server.requests.map((r) => `${r.method} ${r.path.replace(/intake\/[^/]+/, 'intake/…')}`);
		expect(paths.slice(0, 5)).toEqual([
			'POST /api/v1/routing',
			'POST /api/v1/directory',
			'POST /api/v1/pow',
			'POST /api/v1/intake',
			'PUT /api/v1/intake/…/files/0/parts/0'
		]);
		expect(paths.at(-1)).toBe('POST /api/v1/reports');
		expect(server.requests.every((r) => r.credentials === 'omit' && !('cookie' in r.headers))).toBe(true);

		// the server holds ciphertext only
		const stored = server.reports[0];
		if (!stored) throw new Error('nothing stored');
		const everything = Buffer.concat(
			[stored.content, ...stored.files.map((f) => f.stream), stored.wrappedKey, stored.kdfSpec].map((b) =>
				Buffer.from(b)
			)
		);
		for (const canary of [CANARY, 'QingfengTestCam', 'IMG_0042', '会议纪要', 'Zhang San'])
			expect(everything.includes(Buffer.from(canary))).toBe(false);
		expect(stored.routing).toEqual({ ...choice });
		expect(stored.wraps).toHaveLength(2);

		// both recipients open it; the content is the §6 document
		for (const staff of server.recipients('o-sf-c01', choice.unit)) {
			const opened = server.staffOpen(stored, staff);
			expect(opened.content).toEqual({
				v: 1,
				unit: { id: 'sf-c01-k01', name: '高新区', regionPath: '示范省/北泉市/高新区' },
				position: 'top_leader',
				kind: 'public_tip',
				category: 'integrity',
				person: { name: `王某 ${CANARY}`, post: '局长' },
				description: `收受礼金 ${CANARY}`,
				interference: null,
				identity: null,
				files: [
					{
						index: 0,
						name: 'IMG_0042.jpg',
						type: 'image/jpeg',
						bytes: fixture('plain.jpg').length,
						metadataRemoved: ['gps', 'camera', 'datetime', 'software', 'comment', 'thumbnail', 'xmp', 'exif']
					},
					{
						index: 1,
						name: '会议纪要.pdf',
						type: 'application/pdf',
						bytes: fixture('sample.pdf').length,
						metadataRemoved: []
					}
				],
				submittedFrom: 'web'
			});
			expect(Buffer.from(opened.files[0]?.data ?? []).equals(Buffer.from(fixture('plain.jpg')))).toBe(true);
			expect(Buffer.from(opened.files[1]?.data ?? []).equals(Buffer.from(fixture('sample.pdf')))).toBe(true);
		}
		// staff of another organ got nothing
		expect(() =>
			server.staffOpen(stored, server.staff.find((s) => s.organ === 'o-sf-p01') as (typeof server.staff)[0])
		).toThrow();

		// the receipt: the secret derives the auth key whose hash was stored, and the unwrap key opens the report key
		const keys = await deriveReceiptKeys(result.secret, decodeKdfSpec(stored.kdfSpec));
		expect(toHex(receiptAuthHash(keys.authKey))).toBe(toHex(stored.authHash));
		const staffKey = server.staffOpen(stored, server.staff[0] as (typeof server.staff)[0]).reportKey;
		expect(toHex(unwrapKey(stored.wrappedKey, keys.unwrapKey))).toBe(toHex(staffKey));
		expect(stored.locator).toBe(result.locator.replace('-', ''));
		expect(parseReceiptSecret(result.secret)).toHaveLength(12);
	});

	it('uses the real receipt parameters (64 MiB Argon2id) by default, which a strict server accepts', async () => {
		const { server, options } = setup({ receiptKdf: undefined });
		server.allowWeakKdf = false;
		const result = await submitReport(input({ files: [] }), options);
		const spec = decodeKdfSpec((server.reports[0] as { kdfSpec: Uint8Array }).kdfSpec);
		expect({ m: spec.m, t: spec.t, p: spec.p }).toEqual({ m: 65536, t: 3, p: 1 });
		expect(result.files).toEqual([]);
		// and the test parameters are refused by it
		const weak = setup();
		weak.server.allowWeakKdf = false;
		await expect(submitReport(input({ files: [] }), weak.options)).rejects.toMatchObject({
			code: 'invalid_input',
			serverCode: 'weak_kdf'
		});
	});

	it('splits files into parts of partSize, retries a failed part with backoff and does not resend sent parts', async () => {
		const delays: number[] = [];
		const { server, options } = setup({ retry: { wait: async (ms) => void delays.push(ms) } });
		server.partSize = 1024;
		server.faults.push({
			match: (r) => r.method === 'PUT' && r.path.endsWith('/files/0/parts/1'),
			fail: 'network',
			times: 2
		});
		server.faults.push({
			match: (r) => r.method === 'PUT' && r.path.endsWith('/files/1/parts/0'),
			fail: 503,
			times: 1
		});
		await submitReport(input(), options);
		const stored = server.reports[0] as { files: { stream: Uint8Array }[] };
		const parts = stored.files.reduce((a, f) => a + Math.ceil(f.stream.length / 1024), 0);
		expect(puts(server)).toHaveLength(parts + 3);
		expect(delays).toEqual([500, 1000, 1000]); // 2 network failures (500, 1000), one 503 with Retry-After: 1 s
	});

	it('gives up after 4 tries, and a resumed submission sends only the missing parts', async () => {
		const { server, options } = setup();
		server.partSize = 1024;
		server.faults.push({
			match: (r) => r.method === 'PUT' && r.path.endsWith('/files/0/parts/2'),
			fail: 'network',
			times: 4
		});
		const s = createSubmission(input(), options);
		await expect(s.run()).rejects.toMatchObject({ code: 'network' });
		expect(server.reports).toHaveLength(0);
		const before = puts(server).length;
		expect(before).toBe(2 + 4); // parts 0 and 1, then four tries of part 2
		const result = await s.run();
		expect(result.receivedOn).toBe('2026-11-27');
		const after = puts(server)
			.slice(before)
			.map((r) => r.path.replace(/.*files\//, ''));
		expect(after[0]).toBe('0/parts/2');
		expect(after).not.toContain('0/parts/0');
		expect(after).not.toContain('0/parts/1');
		expect(server.requests.filter((r) => r.path === '/api/v1/pow')).toHaveLength(1); // same intake reused
		await expect(s.run()).resolves.toBe(result);
	});

	it('a submission resumed after 50 minutes opens a new intake and sends every part again', async () => {
		let clock = Date.now();
		const { server, options } = setup({ now: () => clock });
		server.partSize = 1024;
		server.faults.push({
			match: (r) => r.method === 'PUT' && r.path.endsWith('/files/0/parts/1'),
			fail: 'network',
			times: 4
		});
		const s = createSubmission(input(), options);
		await expect(s.run()).rejects.toMatchObject({ code: 'network' });
		const before = puts(server).length;
		clock += 51 * 60 * 1000;
		await s.run();
		expect(server.requests.filter((r) => r.path === '/api/v1/intake')).toHaveLength(2);
		expect(
			puts(server)
				.slice(before)
				.map((r) => r.path.replace(/.*files\//, ''))[0]
		).toBe('0/parts/0');
	});

	it('re-fetches and re-seals once on recipients_changed (a new staff member appeared)', async () => {
		const { server, options } = setup();
		const prepared = await prepareRecipients(choice, options);
		const newcomer = server.addStaff('o-sf-c01');
		await submitReport(input({ files: [] }), { ...options, prepared });
		const stored = server.reports[0];
		if (!stored) throw new Error('nothing stored');
		expect(stored.wraps).toHaveLength(3);
		expect(() => server.staffOpen(stored, newcomer)).not.toThrow();
		expect(server.requests.filter((r) => r.path === '/api/v1/reports')).toHaveLength(2);
	});

	it('follows routing_changed to the new organ, keeping the root key the reporter saw', async () => {
		const { server, options } = setup();
		const prepared = await prepareRecipients(choice, options);
		server.routes.set('sf-c01-k01', 'o-sf-p01');
		const result = await submitReport(input({ files: [] }), { ...options, prepared });
		expect(result.organ.id).toBe('o-sf-p01');
		expect(result.fingerprint).toBe(prepared.fingerprint);
		const stored = server.reports[0] as NonNullable<(typeof server.reports)[0]>;
		expect(stored.organ).toBe('o-sf-p01');
		expect(() =>
			server.staffOpen(stored, server.staff.find((s) => s.organ === 'o-sf-p01') as (typeof server.staff)[0])
		).not.toThrow();
	});

	it('refuses to re-seal if the root key changed since the preview', async () => {
		const { server, options } = setup();
		const prepared = await prepareRecipients(choice, options);
		const other = new FakeServer();
		server.addStaff('o-sf-c01');
		// the directory is now served by another root
		const swapped = async (url: string, init?: RequestInit) =>
			url.startsWith('/api/v1/directory') ? other.fetch(url, init) : server.fetch(url, init);
		await expect(submitReport(input({ files: [] }), { ...options, prepared, fetch: swapped })).rejects.toMatchObject({
			code: 'root_changed'
		});
		expect(server.reports).toHaveLength(0);
	});

	it('makes a new receipt on locator_taken, redoes an expired intake and a reported incomplete upload', async () => {
		const { server, options, worker } = setup();
		server.faults.push({ match: (r) => r.path === '/api/v1/reports', fail: 409, code: 'locator_taken', times: 1 });
		await submitReport(input({ files: [] }), options);
		expect(worker.ops.filter((o) => o === 'deriveReceiptKeys')).toHaveLength(2);

		const b = setup();
		b.server.faults.push({ match: (r) => r.path === '/api/v1/reports', fail: 404, code: 'unknown_intake', times: 1 });
		b.server.faults.push({
			match: (r) => r.path === '/api/v1/reports',
			fail: 409,
			code: 'incomplete_upload',
			times: 1
		});
		await submitReport(input(), b.options);
		expect(b.server.reports).toHaveLength(1);
		expect(b.server.requests.filter((r) => r.path === '/api/v1/intake')).toHaveLength(2);
	});

	it('retries a refused challenge once with a fresh one', async () => {
		const { server, options } = setup();
		server.faults.push({ match: (r) => r.path === '/api/v1/intake', fail: 400, code: 'pow_expired', times: 1 });
		await submitReport(input({ files: [] }), options);
		expect(server.requests.filter((r) => r.path === '/api/v1/pow')).toHaveLength(2);
	});

	it('maps server refusals to typed errors', async () => {
		const { server, options } = setup();
		server.faults.push({ match: (r) => r.path === '/api/v1/intake', fail: 429, code: 'rate_limited', times: 1 });
		const e = await submitReport(input({ files: [] }), options).catch((x: unknown) => x);
		expect(e).toBeInstanceOf(ReportError);
		expect(e).toMatchObject({ code: 'rate_limited', status: 429, retryAfter: 1 });
		server.faults.push({ match: (r) => r.path === '/api/v1/intake', fail: 413, code: 'file_too_large', times: 1 });
		await expect(submitReport(input(), options)).rejects.toMatchObject({ code: 'file_too_large' });
	});

	it('checks identity against the real-name flag, and a preview for another choice', () => {
		const { options } = setup();
		expect(() => createSubmission(input({ routing: { ...choice, realName: true } }), options)).toThrow(
			expect.objectContaining({ code: 'invalid_input', field: 'identity' })
		);
		const identity = { name: '李四', contact: '138…', unitOrAddress: '…' };
		expect(() => createSubmission(input({ details: { ...input().details, identity } }), options)).toThrow(
			expect.objectContaining({ field: 'identity' })
		);
		expect(() =>
			createSubmission(
				input({ routing: { ...choice, realName: true }, details: { ...input().details, identity } }),
				options
			)
		).not.toThrow();
	});

	it('puts the identity inside the ciphertext for a real-name report', async () => {
		const { server, options } = setup();
		const identity = { name: `李四 ${CANARY}`, contact: '13800000000', unitOrAddress: '某街道' };
		await submitReport(
			input({ routing: { ...choice, realName: true }, details: { ...input().details, identity }, files: [] }),
			options
		);
		const stored = server.reports[0] as NonNullable<(typeof server.reports)[0]>;
		expect(stored.routing.realName).toBe(true);
		expect(
			(server.staffOpen(stored, server.staff[0] as (typeof server.staff)[0]).content as { identity: unknown }).identity
		).toEqual(identity);
		expect(Buffer.from(stored.content).includes(Buffer.from('13800000000'))).toBe(false);
	});

	it('is cancelled by the signal (before the commit nothing is stored)', async () => {
		const ctrl = new AbortController();
		const { server, options } = setup({ signal: ctrl.signal, onProgress: (p) => p.phase === 'pow' && ctrl.abort() });
		await expect(submitReport(input({ files: [] }), options)).rejects.toMatchObject({ code: 'cancelled' });
		expect(server.reports).toHaveLength(0);
	});

	it('uses a stripped result the UI already made instead of stripping again', async () => {
		const { server, options } = setup();
		const { stripImageMetadata } = await import('./exif');
		const stripped = stripImageMetadata(fixture('gps.jpg'));
		await submitReport(
			input({
				files: [{ file: new Blob([fixture('gps.jpg') as BlobPart], { type: 'image/jpeg' }), name: 'a.jpg', stripped }]
			}),
			options
		);
		const stored = server.reports[0] as NonNullable<(typeof server.reports)[0]>;
		const opened = server.staffOpen(stored, server.staff[0] as (typeof server.staff)[0]);
		expect(Buffer.from(opened.files[0]?.data ?? []).equals(Buffer.from(stripped.data))).toBe(true);
	});
});

describe('submitReport, small reports in one request', () => {
	it('sends the proof of work and the files inline with the commit: no intake, no parts, same stored report', async () => {
		const { server, options, events } = setup({ inlineMaxBytes: INLINE_MAX_BYTES });
		const result = await submitReport(input(), options);
		const paths = server.requests.map((r) => `${r.method} ${r.path}`);
		expect(paths).toEqual([
			'POST /api/v1/routing',
			'POST /api/v1/directory',
			'POST /api/v1/pow',
			'POST /api/v1/reports'
		]);
		expect(server.inlineCommits).toBe(1);
		expect(events.map((e) => e.phase).filter((p, i, a) => p !== a[i - 1])).toEqual([
			'preparing',
			'encrypting',
			'deriving',
			'pow',
			'committing'
		]);
		const stored = server.reports[0]!;
		expect(stored.locator).toBe(result.locator.replace('-', ''));
		for (const staff of server.recipients('o-sf-c01', choice.unit)) {
			const opened = server.staffOpen(stored, staff);
			expect(Buffer.from(opened.files[0]?.data ?? []).equals(Buffer.from(fixture('plain.jpg')))).toBe(true);
			expect(Buffer.from(opened.files[1]?.data ?? []).equals(Buffer.from(fixture('sample.pdf')))).toBe(true);
		}
	});

	it('uses the intake when the files are larger than the inline limit', async () => {
		const { server, options } = setup({ inlineMaxBytes: 1000 });
		await submitReport(input(), options);
		expect(server.inlineCommits).toBe(0);
		expect(server.requests.filter((r) => r.path === '/api/v1/intake')).toHaveLength(1);
		expect(puts(server).length).toBeGreaterThan(0);
	});

	it('a retry after a lost answer does not make a second report', async () => {
		const { server, options } = setup({ inlineMaxBytes: INLINE_MAX_BYTES });
		let lost = 1;
		// The server commits, but the answer never reaches the phone.
		const fetch: typeof server.fetch = async (url, init) => {
			const answer = await server.fetch(url, init);
			if (String(url).endsWith('/api/v1/reports') && lost-- > 0) throw new TypeError('fetch failed');
			return answer;
		};
		const s = createSubmission(input({ files: [] }), { ...options, fetch });
		await expect(s.run()).rejects.toMatchObject({ code: 'network' });
		expect(server.reports).toHaveLength(1);
		const result = await s.run();
		expect(server.reports).toHaveLength(1);
		expect(result.locator.replace('-', '')).toBe(server.reports[0]!.locator);
		expect(server.requests.filter((r) => r.path === '/api/v1/pow')).toHaveLength(1);
	});

	it('solves a fresh challenge once when the inline one is refused, and after a taken locator', async () => {
		const a = setup({ inlineMaxBytes: INLINE_MAX_BYTES });
		a.server.faults.push({ match: (r) => r.path === '/api/v1/reports', fail: 400, code: 'pow_expired', times: 1 });
		await submitReport(input({ files: [] }), a.options);
		expect(a.server.reports).toHaveLength(1);
		expect(a.server.requests.filter((r) => r.path === '/api/v1/pow')).toHaveLength(2);

		const b = setup({ inlineMaxBytes: INLINE_MAX_BYTES });
		b.server.faults.push({ match: (r) => r.path === '/api/v1/reports', fail: 409, code: 'locator_taken', times: 1 });
		await submitReport(input({ files: [] }), b.options);
		expect(b.server.reports).toHaveLength(1);
		expect(b.server.requests.filter((r) => r.path === '/api/v1/pow')).toHaveLength(2);
		expect(b.worker.ops.filter((o) => o === 'deriveReceiptKeys')).toHaveLength(2);

		const c = setup({ inlineMaxBytes: INLINE_MAX_BYTES });
		c.server.faults.push({ match: (r) => r.path === '/api/v1/reports', fail: 400, code: 'pow_replayed', times: 2 });
		await expect(submitReport(input({ files: [] }), c.options)).rejects.toMatchObject({ code: 'pow_failed' });
		expect(c.server.reports).toHaveLength(0);
	});
});
