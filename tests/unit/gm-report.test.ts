/**
 * Issue 21: a GM (国密) deployment end to end on the real handlers, on both databases. The reporter's
 * submission (SM4-GCM content, attachments and summary, SM2 seals, PBKDF2-HMAC-SM3 receipt) against a server
 * whose root, staff keys and directory are SM2; staff open it with the GM suite; the reporter reads it back
 * with the receipt; a canary in the content, a file name, a file and the receipt is absent from every table.
 * A page of the other suite is refused in both directions before anything is sent.
 */
import { afterAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { gmSuite } from '$lib/crypto/gm/suite';
import { GM_VERSION } from '$lib/crypto/gm/formats';
import { GM_SUMMARY_LENGTH } from '$lib/crypto/gm/staff';
import { fromUtf8 } from '$lib/crypto/encoding';
import { decodeSummary } from '$lib/shared/report-summary';
import { pinRootKey } from '$lib/server/keys/root-key';
import { describeDb } from '../support/reporter-server';
import { buildWorld, type World } from '../support/reporter-world';
import { CANARY, choice, input, setupWith } from '../support/submit-setup';
import { findCanary } from '../e2e/dump';
import { openReceipt } from '$lib/client/report/followup';
import { prepareRecipients } from '$lib/client/report/recipients';
import { submitReport } from '$lib/client/report/submit';

afterAll(() => pinRootKey(undefined));

describeDb('a GM deployment: the reporter submits, staff open, the receipt reads it back', (get) => {
	let world: Promise<World> | null = null;
	const gmWorld = () => (world ??= buildWorld(get().db, 'gm'));

	it('writes only GM bytes that SM2 staff keys open, and the receipt opens the report', async () => {
		const { server, options, crypto } = await setupWith(get, gmWorld, { pinnedSuite: 'gm' });
		const w = await gmWorld();
		expect(w.root.publicKey.length).toBe(65);
		const result = await submitReport(input(), options);
		expect(result.fingerprint).toBe(gmSuite.rootFingerprint(w.root.publicKey));

		const [stored] = await server.reports();
		if (!stored) throw new Error('nothing stored');
		// Every ciphertext is of the GM suite (byte 0 = 47).
		expect(stored.content[0]).toBe(GM_VERSION);
		expect(stored.wrappedKey[0]).toBe(GM_VERSION);
		expect(stored.kdfSpec[0]).toBe(GM_VERSION);
		expect(stored.files.map((f) => f.stream[0])).toEqual([GM_VERSION, GM_VERSION]);
		expect(stored.wraps.map((x) => [x.sealed[0], x.sealed.length])).toEqual([
			[GM_VERSION, 131],
			[GM_VERSION, 131]
		]);

		// Alice opens it with her SM2 key.
		const wrap = stored.wraps.find((x) => x.staffId === w.alice.id)!;
		const reportKey = gmSuite.openSealedKey(wrap.sealed, w.alice.keyPair);
		const content = JSON.parse(fromUtf8(gmSuite.decryptContent(reportKey, stored.content))) as {
			description: string;
			files: { name: string }[];
		};
		expect(content.description).toBe(`收受礼金 ${CANARY}`);
		expect(content.files.map((f) => f.name)).toEqual(['IMG_0042.jpg', '会议纪要.pdf']);
		const pdf = gmSuite.decryptAttachment(reportKey, stored.files[1]!.stream);
		expect(pdf.name).toBe('会议纪要.pdf');
		expect(pdf.type).toBe('application/pdf');
		const summaryRows = (await get().db.execute(
			sql`select summary from report where id = ${stored.id}`
		)) as unknown as { rows?: { summary: Uint8Array }[] } & { summary: Uint8Array }[];
		const summary = (summaryRows.rows ?? summaryRows)[0]!.summary;
		expect(summary.length).toBe(GM_SUMMARY_LENGTH);
		expect(decodeSummary(gmSuite.decryptSummary(reportKey, new Uint8Array(summary)))).toMatchObject({
			subject: `收受礼金 ${CANARY}`
		});

		// The reporter's follow-up with the receipt (PBKDF2-HMAC-SM3 in the worker), and a message back.
		const session = await openReceipt(result.locator, result.secret, {
			fetch: server.fetch,
			crypto,
			powSolver: options.powSolver,
			suite: 'gm'
		});
		expect(session.report.content.description).toBe(`收受礼金 ${CANARY}`);
		await session.sendMessage(`补充 ${CANARY}`);
		const again = await server.reports();
		const message = again[0]!.messages.at(-1)!;
		expect(message.body[0]).toBe(GM_VERSION);
		expect(JSON.parse(fromUtf8(gmSuite.decryptContent(reportKey, message.body)))).toEqual({ text: `补充 ${CANARY}` });
		// A NaCl page's follow-up refuses the GM server's receipt spec before deriving anything.
		await expect(
			openReceipt(result.locator, result.secret, { fetch: server.fetch, crypto, powSolver: options.powSolver })
		).rejects.toMatchObject({ code: 'server' });
		session.close();

		// The canary test: nothing of the content, the files or the receipt in any table, in any encoding.
		const tables = (await get().db.execute(
			sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`
		)) as unknown as { rows?: { table_name: string }[] } & { table_name: string }[];
		const names = (tables.rows ?? tables).map((t) => t.table_name);
		expect(names).toContain('report');
		const secrets = [CANARY, result.secret, result.secret.replace(/-/g, '')];
		for (const name of names) {
			const rows = (await get().db.execute(sql.raw(`select t::text as row from "${name}" t`))) as unknown as {
				rows?: { row: string }[];
			} & { row: string }[];
			const dump = (rows.rows ?? rows).map((r) => r.row).join('\n');
			for (const s of secrets) expect(findCanary(dump, s), `${s} in ${name}`).toEqual([]);
		}
	});

	it('a page of the other suite is refused in both directions before anything is sent', async () => {
		const { server, options } = await setupWith(get, gmWorld, { pinnedSuite: 'nacl' });
		// A NaCl page against this GM server: the directory answer says gm (SUITE_MISMATCH).
		await expect(prepareRecipients(choice, options)).rejects.toMatchObject({ code: 'directory_untrusted' });
		await expect(submitReport(input(), options)).rejects.toMatchObject({ code: 'directory_untrusted' });
		expect(server.requests.filter((r) => r.path === '/api/v1/reports')).toEqual([]);
		// A GM page whose server answers with a NaCl label is refused the same way.
		const relabelled = async (url: string, init?: RequestInit) => {
			const res = await server.fetch(url, init);
			if (!url.startsWith('/api/v1/directory')) return res;
			const body = (await res.json()) as Record<string, unknown>;
			return new Response(JSON.stringify({ ...body, suite: 'nacl' }), {
				status: 200,
				headers: { 'content-type': 'application/json' }
			});
		};
		await expect(prepareRecipients(choice, { ...options, pinnedSuite: 'gm', fetch: relabelled })).rejects.toMatchObject(
			{ code: 'directory_untrusted' }
		);
	});
});
