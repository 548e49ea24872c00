import { expect, it } from 'vitest';
import { TEST_ONLY_CHEAP_KDF } from '../../crypto/kdf';
import { decodeKdfSpec } from '../../crypto/kdf-spec';
import { deriveReceiptKeys, parseReceiptSecret, receiptAuthHash } from '../../crypto/receipt';
import { unwrapKey } from '../../crypto/keys';
import { toHex } from '../../crypto/encoding';
import { describeDb } from '../../../../tests/support/reporter-server';
import { CANARY, choice, fixture, input, setupWith, worldOf } from '../../../../tests/support/submit-setup';
import { submitReport, type SubmitProgress } from './submit';
import { prepareRecipients } from './recipients';

describeDb('prepareRecipients on the real handlers', (get) => {
	const world = worldOf(get);
	const setup = () => setupWith(get, world);

	it('returns the organ, the root fingerprint and the verified recipients (conflicted staff and bad entries left out)', async () => {
		const { server, options } = await setup();
		await server.addStaff('o-city', ['u-k1']); // conflicted for this unit
		server.servedGarbage = ['AAAA', btoa('not an entry')];
		const p = await prepareRecipients(choice, options);
		expect(p.organ.id).toBe('o-city');
		expect(p.fingerprint).toMatch(/^\d{5}( \d{5}){5}$/);
		expect(p.recipientCount).toBe(2);
		expect(p.rejectedCount).toBe(2);
		const routing = server.requests.find((r) => r.path === '/api/v1/routing');
		expect(routing).toBeDefined();
		expect(server.requests.map((r) => r.path)).toEqual(['/api/v1/routing', '/api/v1/directory']);
	});

	it('refuses an organ without valid entries, a lying fingerprint and a root key other than the pinned one', async () => {
		const { server, options } = await setup();
		// The real routing already refuses an organ where nobody has a directory entry (o-top: no staff)...
		await server.routeTopLeaderOfK1To('o-top');
		await expect(prepareRecipients(choice, options)).rejects.toMatchObject({ code: 'not_deliverable' });
		await server.routeTopLeaderOfK1To('o-city');
		// ...so an organ without valid entries is a directory answer that lists none.
		const empty = async (url: string, init?: RequestInit) => {
			const res = await server.fetch(url, init);
			if (!url.startsWith('/api/v1/directory')) return res;
			const body = (await res.json()) as { entries: string[] };
			body.entries = [];
			return new Response(JSON.stringify(body), { status: 200 });
		};
		await expect(prepareRecipients(choice, { ...options, fetch: empty })).rejects.toMatchObject({
			code: 'no_recipients'
		});
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

describeDb('submitReport against the real handlers', (get) => {
	const world = worldOf(get);
	const setup = (extra: Parameters<typeof setupWith>[2] = {}) => setupWith(get, world, extra);

	it('strips, encrypts, seals, derives, proves work, uploads and commits; staff can open exactly what was sent', async () => {
		const { server, options, events, worker } = await setup();
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
		const stored = (await server.reports())[0];
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
		const w = await world();
		for (const staff of [w.alice, w.bob]) {
			const opened = server.openAs(stored, staff);
			expect(opened.content).toEqual({
				v: 2,
				unit: { id: 'u-k1', name: '东区', regionPath: '示范省/青山市/东区' },
				position: 'top_leader',
				kind: 'public_tip',
				reporterRole: null,
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
		expect(() => server.openAs(stored, w.carol)).toThrow();

		// the receipt: the secret derives the auth key whose hash was stored, and the unwrap key opens the report key
		const keys = await deriveReceiptKeys(result.secret, decodeKdfSpec(stored.kdfSpec));
		expect(toHex(receiptAuthHash(keys.authKey))).toBe(toHex(stored.authHash));
		const staffKey = server.openAs(stored, w.alice).reportKey;
		expect(toHex(unwrapKey(stored.wrappedKey, keys.unwrapKey))).toBe(toHex(staffKey));
		expect(stored.locator).toBe(result.locator.replace('-', ''));
		expect(parseReceiptSecret(result.secret)).toHaveLength(12);
	});

	it('uses the real receipt parameters (64 MiB Argon2id) by default, which a strict server accepts', async () => {
		// The real server is always strict (it refuses weak receipt parameters: weak_kdf).
		const { server, options } = await setup({ receiptKdf: undefined });
		const result = await submitReport(input({ files: [] }), options);
		const spec = decodeKdfSpec((await server.reports())[0]!.kdfSpec);
		expect({ m: spec.m, t: spec.t, p: spec.p }).toEqual({ m: 65536, t: 3, p: 1 });
		expect(result.files).toEqual([]);
		// and the test parameters are refused by it
		const weak = await setup({ receiptKdf: TEST_ONLY_CHEAP_KDF });
		await expect(submitReport(input({ files: [] }), weak.options)).rejects.toMatchObject({
			code: 'invalid_input',
			serverCode: 'weak_kdf'
		});
	});

	it('sends a report by region to the region’s organ, with the unit typed into the content only', async () => {
		const { server, options } = await setup();
		const county = await server.addStaff('o-k1'); // 东区纪委监委 can now receive
		const byRegion = { ...choice, byRegion: true };
		const typed = `东区教育局 ${CANARY}`;
		const details = { ...input().details, person: { name: '王某', post: '局长', unit: typed } };
		const result = await submitReport(input({ routing: byRegion, details, files: [] }), options);
		expect(result.organ.id).toBe('o-k1');
		const asked = server.requests.filter((r) => r.path === '/api/v1/routing' || r.path === '/api/v1/reports');
		expect(asked.map((r) => r.body as { byRegion?: boolean; routing?: { byRegion?: boolean } })).toMatchObject([
			{ unit: 'u-k1', byRegion: true },
			{ routing: { unit: 'u-k1', byRegion: true }, organ: 'o-k1' }
		]);
		const stored = (await server.reports())[0]!;
		expect(stored.organ).toBe('o-k1');
		expect(Buffer.from(stored.content).includes(Buffer.from(CANARY))).toBe(false);
		const opened = server.openAs(stored, county);
		expect(opened.content).toMatchObject({ unit: { id: 'u-k1', name: '东区' }, person: { post: '局长', unit: typed } });
		// Without the flag the same choice goes up to 青山市纪委监委 (the county's 一把手 is city-managed).
		expect((await submitReport(input({ files: [] }), options)).organ.id).toBe('o-city');
	});
});
