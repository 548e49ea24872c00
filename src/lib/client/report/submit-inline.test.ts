import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TEST_ONLY_CHEAP_KDF } from '../../crypto/kdf';
import { FakeServer } from './testing/fake-server';
import { inProcessCrypto } from './testing/in-process';
import { createSubmission, submitReport, type ReportInput, type SubmitOptions, type SubmitProgress } from './submit';
import type { RoutingChoice } from './routing';
import { INLINE_MAX_BYTES } from '../../shared/limits';
import { syncSolver } from './pow';

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
