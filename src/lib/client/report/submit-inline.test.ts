import { expect, it } from 'vitest';
import { describeDb, type RecordedRequest } from '../../../../tests/support/reporter-server';
import { fixture, input, puts, setupWith, worldOf } from '../../../../tests/support/submit-setup';
import { createSubmission, submitReport } from './submit';
import { INLINE_MAX_BYTES } from '../../shared/limits';

/** The commit requests that carried their files inline: files in the body, no intake. */
const inlineCommits = (requests: RecordedRequest[]) =>
	requests.filter((r) => {
		if (r.path !== '/api/v1/reports') return false;
		const body = r.body as { intake?: unknown; files?: unknown };
		return body.intake === undefined && Array.isArray(body.files);
	}).length;

describeDb('submitReport, small reports in one request, on the real handlers', (get) => {
	const world = worldOf(get);
	const setup = (extra: Parameters<typeof setupWith>[2] = {}) => setupWith(get, world, extra);

	it('sends the proof of work and the files inline with the commit: no intake, no parts, same stored report', async () => {
		const { server, options, events, world: w } = await setup({ inlineMaxBytes: INLINE_MAX_BYTES });
		const result = await submitReport(input(), options);
		const paths = server.requests.map((r) => `${r.method} ${r.path}`);
		expect(paths).toEqual([
			'POST /api/v1/routing',
			'POST /api/v1/directory',
			'POST /api/v1/pow',
			'POST /api/v1/reports'
		]);
		expect(inlineCommits(server.requests)).toBe(1);
		expect(events.map((e) => e.phase).filter((p, i, a) => p !== a[i - 1])).toEqual([
			'preparing',
			'encrypting',
			'deriving',
			'pow',
			'committing'
		]);
		const stored = (await server.reports())[0]!;
		expect(stored.locator).toBe(result.locator.replace('-', ''));
		for (const staff of [w.alice, w.bob]) {
			const opened = server.openAs(stored, staff);
			expect(Buffer.from(opened.files[0]?.data ?? []).equals(Buffer.from(fixture('plain.jpg')))).toBe(true);
			expect(Buffer.from(opened.files[1]?.data ?? []).equals(Buffer.from(fixture('sample.pdf')))).toBe(true);
		}
	});

	it('uses the intake when the files are larger than the inline limit', async () => {
		const { server, options } = await setup({ inlineMaxBytes: 1000 });
		await submitReport(input(), options);
		expect(inlineCommits(server.requests)).toBe(0);
		expect(server.requests.filter((r) => r.path === '/api/v1/intake')).toHaveLength(1);
		expect(puts(server).length).toBeGreaterThan(0);
	});

	it('a retry after a lost answer does not make a second report', async () => {
		const { server, options } = await setup({ inlineMaxBytes: INLINE_MAX_BYTES });
		let lost = 1;
		// The server commits, but the answer never reaches the phone.
		const fetch: typeof server.fetch = async (url, init) => {
			const answer = await server.fetch(url, init);
			if (String(url).endsWith('/api/v1/reports') && lost-- > 0) throw new TypeError('fetch failed');
			return answer;
		};
		const s = createSubmission(input({ files: [] }), { ...options, fetch });
		await expect(s.run()).rejects.toMatchObject({ code: 'network' });
		expect(await server.reports()).toHaveLength(1);
		const result = await s.run();
		expect(await server.reports()).toHaveLength(1);
		expect(result.locator.replace('-', '')).toBe((await server.reports())[0]!.locator);
		expect(server.requests.filter((r) => r.path === '/api/v1/pow')).toHaveLength(1);
	});

	it('solves a fresh challenge once when the inline one is refused, and after a taken locator', async () => {
		const a = await setup({ inlineMaxBytes: INLINE_MAX_BYTES });
		a.server.faults.push({ match: (r) => r.path === '/api/v1/reports', fail: 400, code: 'pow_expired', times: 1 });
		await submitReport(input({ files: [] }), a.options);
		expect(await a.server.reports()).toHaveLength(1);
		expect(a.server.requests.filter((r) => r.path === '/api/v1/pow')).toHaveLength(2);

		const b = await setup({ inlineMaxBytes: INLINE_MAX_BYTES });
		b.server.faults.push({ match: (r) => r.path === '/api/v1/reports', fail: 409, code: 'locator_taken', times: 1 });
		await submitReport(input({ files: [] }), b.options);
		expect(await b.server.reports()).toHaveLength(1);
		expect(b.server.requests.filter((r) => r.path === '/api/v1/pow')).toHaveLength(2);
		expect(b.worker.ops.filter((o) => o === 'deriveReceiptKeys')).toHaveLength(2);

		const c = await setup({ inlineMaxBytes: INLINE_MAX_BYTES });
		c.server.faults.push({ match: (r) => r.path === '/api/v1/reports', fail: 400, code: 'pow_replayed', times: 2 });
		await expect(submitReport(input({ files: [] }), c.options)).rejects.toMatchObject({ code: 'pow_failed' });
		expect(await c.server.reports()).toHaveLength(0);
	});
});
