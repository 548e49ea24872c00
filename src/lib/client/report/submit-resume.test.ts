import { expect, it } from 'vitest';
import { describeDb } from '../../../../tests/support/reporter-server';
import {
	CANARY,
	choice,
	fixture,
	input,
	multipartInput,
	puts,
	setupWith,
	worldOf
} from '../../../../tests/support/submit-setup';
import { PART_SIZE } from '../../shared/limits';
import { createSubmission, submitReport } from './submit';
import { prepareRecipients } from './recipients';
import { ReportError } from './errors';

describeDb('submitReport against the real handlers: parts, retries and resumption', (get) => {
	const world = worldOf(get);
	const setup = (extra: Parameters<typeof setupWith>[2] = {}) => setupWith(get, world, extra);

	it('splits files into parts of partSize, retries a failed part with backoff and does not resend sent parts', async () => {
		const delays: number[] = [];
		const { server, options } = await setup({ retry: { wait: async (ms) => void delays.push(ms) } });
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
		await submitReport(multipartInput(), options);
		const stored = (await server.reports())[0]!;
		const parts = stored.files.reduce((a, f) => a + Math.ceil(f.stream.length / PART_SIZE), 0);
		expect(puts(server)).toHaveLength(parts + 3);
		expect(delays).toEqual([500, 1000, 1000]); // 2 network failures (500, 1000), one 503 with Retry-After: 1 s
	});

	it('gives up after 4 tries, and a resumed submission sends only the missing parts', async () => {
		const { server, options } = await setup();
		server.faults.push({
			match: (r) => r.method === 'PUT' && r.path.endsWith('/files/0/parts/2'),
			fail: 'network',
			times: 4
		});
		const s = createSubmission(multipartInput(), options);
		await expect(s.run()).rejects.toMatchObject({ code: 'network' });
		expect(await server.reports()).toHaveLength(0);
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
		const { server, options } = await setup({ now: () => clock });
		server.faults.push({
			match: (r) => r.method === 'PUT' && r.path.endsWith('/files/0/parts/1'),
			fail: 'network',
			times: 4
		});
		const s = createSubmission(multipartInput(), options);
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

	it('makes a new receipt on locator_taken, redoes an expired intake and a reported incomplete upload', async () => {
		const { server, options, worker } = await setup();
		server.faults.push({ match: (r) => r.path === '/api/v1/reports', fail: 409, code: 'locator_taken', times: 1 });
		await submitReport(input({ files: [] }), options);
		expect(worker.ops.filter((o) => o === 'deriveReceiptKeys')).toHaveLength(2);

		const b = await setup();
		b.server.faults.push({ match: (r) => r.path === '/api/v1/reports', fail: 404, code: 'unknown_intake', times: 1 });
		b.server.faults.push({
			match: (r) => r.path === '/api/v1/reports',
			fail: 409,
			code: 'incomplete_upload',
			times: 1
		});
		await submitReport(input(), b.options);
		expect(await b.server.reports()).toHaveLength(1);
		expect(b.server.requests.filter((r) => r.path === '/api/v1/intake')).toHaveLength(2);
	});

	it('retries a refused challenge once with a fresh one', async () => {
		const { server, options } = await setup();
		server.faults.push({ match: (r) => r.path === '/api/v1/intake', fail: 400, code: 'pow_expired', times: 1 });
		await submitReport(input({ files: [] }), options);
		expect(server.requests.filter((r) => r.path === '/api/v1/pow')).toHaveLength(2);
	});

	it('maps server refusals to typed errors', async () => {
		const { server, options } = await setup();
		server.faults.push({ match: (r) => r.path === '/api/v1/intake', fail: 429, code: 'rate_limited', times: 1 });
		const e = await submitReport(input({ files: [] }), options).catch((x: unknown) => x);
		expect(e).toBeInstanceOf(ReportError);
		expect(e).toMatchObject({ code: 'rate_limited', status: 429, retryAfter: 1 });
		server.faults.push({ match: (r) => r.path === '/api/v1/intake', fail: 413, code: 'file_too_large', times: 1 });
		await expect(submitReport(input(), options)).rejects.toMatchObject({ code: 'file_too_large' });
	});

	it('checks identity against the real-name flag, and a preview for another choice', async () => {
		const { options } = await setup();
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
		const { server, options, world: w } = await setup();
		const identity = { name: `李四 ${CANARY}`, contact: '13800000000', unitOrAddress: '某街道' };
		await submitReport(
			input({ routing: { ...choice, realName: true }, details: { ...input().details, identity }, files: [] }),
			options
		);
		const stored = (await server.reports())[0]!;
		expect(stored.routing.realName).toBe(true);
		expect((server.openAs(stored, w.alice).content as { identity: unknown }).identity).toEqual(identity);
		expect(Buffer.from(stored.content).includes(Buffer.from('13800000000'))).toBe(false);
	});

	it('is cancelled by the signal (before the commit nothing is stored)', async () => {
		const ctrl = new AbortController();
		const { server, options } = await setup({
			signal: ctrl.signal,
			onProgress: (p) => p.phase === 'pow' && ctrl.abort()
		});
		await expect(submitReport(input({ files: [] }), options)).rejects.toMatchObject({ code: 'cancelled' });
		expect(await server.reports()).toHaveLength(0);
	});

	it('uses a stripped result the UI already made instead of stripping again', async () => {
		const { server, options, world: w } = await setup();
		const { stripImageMetadata } = await import('./exif');
		const stripped = stripImageMetadata(fixture('gps.jpg'));
		await submitReport(
			input({
				files: [{ file: new Blob([fixture('gps.jpg') as BlobPart], { type: 'image/jpeg' }), name: 'a.jpg', stripped }]
			}),
			options
		);
		const stored = (await server.reports())[0]!;
		const opened = server.openAs(stored, w.alice);
		expect(Buffer.from(opened.files[0]?.data ?? []).equals(Buffer.from(stripped.data))).toBe(true);
	});
});

// These change the directory (a new staff member, routing), so they have a database of their own.
describeDb('submitReport against the real handlers: the directory changes under it', (get) => {
	const world = worldOf(get);
	const setup = () => setupWith(get, world);

	it('re-fetches and re-seals once on recipients_changed (a new staff member appeared)', async () => {
		const { server, options } = await setup();
		const prepared = await prepareRecipients(choice, options);
		const newcomer = await server.addStaff('o-city');
		await submitReport(input({ files: [] }), { ...options, prepared });
		const stored = (await server.reports())[0];
		if (!stored) throw new Error('nothing stored');
		expect(stored.wraps).toHaveLength(3);
		expect(() => server.openAs(stored, newcomer)).not.toThrow();
		expect(server.requests.filter((r) => r.path === '/api/v1/reports')).toHaveLength(2);
	});

	it('never re-routes silently: on routing_changed to another organ it stops, and the new preview sends there', async () => {
		const { server, options, world: w } = await setup();
		const prepared = await prepareRecipients(choice, options);
		await server.routeTopLeaderOfK1To('o-prov');
		// The reporter was shown o-city: the submission stops (the form then shows the new destination).
		await expect(submitReport(input({ files: [] }), { ...options, prepared })).rejects.toMatchObject({
			code: 'recipients_changed',
			serverCode: 'routing_changed'
		});
		expect(await server.reports()).toHaveLength(0);
		// Sent again after the reporter saw the new preview, it goes to the new organ under the same root.
		const seen = await prepareRecipients(choice, options);
		expect(seen.organ.id).toBe('o-prov');
		const result = await submitReport(input({ files: [] }), { ...options, prepared: seen });
		await server.routeTopLeaderOfK1To('o-city');
		expect(result.organ.id).toBe('o-prov');
		expect(result.fingerprint).toBe(prepared.fingerprint);
		const stored = (await server.reports())[0]!;
		expect(stored.organ).toBe('o-prov');
		expect(() => server.openAs(stored, w.carol)).not.toThrow();
	});

	it('refuses to re-seal if the root key changed since the preview', async () => {
		const { server, options } = await setup();
		const prepared = await prepareRecipients(choice, options);
		await server.addStaff('o-city');
		// the directory is now served by another root
		const swapped = server.foreignRootFetch();
		await expect(submitReport(input({ files: [] }), { ...options, prepared, fetch: swapped })).rejects.toMatchObject({
			code: 'root_changed'
		});
		expect(await server.reports()).toHaveLength(0);
	});
});
