import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decryptAttachment } from '../../crypto/attachment';
import { decryptContent } from '../../crypto/content';
import { fromUtf8 } from '../../crypto/encoding';
import { generateReceiptSecret, receiptCheckChar } from '../../crypto/receipt';
import { describeDb, ReporterServer, type Db } from '../../../../tests/support/reporter-server';
import { buildWorld } from '../../../../tests/support/reporter-world';
import { inProcessCrypto } from '../../../../tests/support/in-process';
import { submitReport, type ReportInput } from './submit';
import { openReceipt, type OpenProgress } from './followup';
import { parseReceiptInput } from './receipt-input';
import { syncSolver } from './pow';
import { ReportError } from './errors';

const fixture = (name: string) =>
	new Uint8Array(readFileSync(new URL(`../../../../tests/fixtures/${name}`, import.meta.url)));

describe('parseReceiptInput', () => {
	const locator = 'ABCDE12345';
	const secret = 'ABCDEFGHJKM2'; // the receipt vector of docs/crypto.md (valid check character)

	it('reads separate fields with spaces, dashes, lower case, full-width characters and O/I/L confusions', () => {
		expect(parseReceiptInput('abcde-12345', 'ABCD-EFGH-JKM2')).toEqual({ locator, secret });
		expect(parseReceiptInput(' ＡＢＣＤＥ　１２３４５ ', 'abcd efgh jkm2')).toEqual({ locator, secret });
		expect(parseReceiptInput('ABCDE-I2345', 'abcd-efgh-jkm2')).toEqual({ locator, secret });
		expect(parseReceiptInput('ABCDE-l2345', 'ABCD-EFGH-JKM2').locator).toBe(locator);
		expect(parseReceiptInput('0OOOO-00000', 'ABCD-EFGH-JKM2').locator).toBe('0000000000');
	});

	it('reads one paste holding both, in either order, with or without labels', () => {
		for (const text of [
			'ABCDE-12345 ABCD-EFGH-JKM2',
			'abcde12345abcdefghjkm2',
			'查询码：ABCDE-12345\n查询密码：ABCD-EFGH-JKM2',
			'Locator: ABCDE-12345, Secret: ABCD-EFGH-JKM2',
			'Your receipt — code ABCDE 12345 / password ABCD EFGH JKM2 (keep it safe)',
			'ABCD-EFGH-JKM2 ABCDE-12345',
			'查询密码 ＡＢＣＤ－ＥＦＧＨ－ＪＫＭ２ 查询码 ABCDE-12345'
		]) {
			expect(parseReceiptInput(text), text).toEqual({ locator, secret });
		}
	});

	it('says which part is wrong, and catches a typo in the secret', () => {
		const typo = (text: string, secretText?: string) => {
			try {
				parseReceiptInput(text, secretText);
			} catch (e) {
				return e instanceof ReportError ? { code: e.code, part: e.part } : e;
			}
			return null;
		};
		expect(typo('ABCDE-1234', 'ABCD-EFGH-JKM2')).toEqual({ code: 'receipt_malformed', part: 'locator' });
		expect(typo('ABCDE-12345', 'ABCD-EFGH-JKM3')).toEqual({ code: 'receipt_typo', part: 'secret' });
		expect(typo('ABCDE-12345', 'ABCD-EFGH-JKMU')).toEqual({ code: 'receipt_malformed', part: 'secret' });
		expect(typo('ABCDE-12345 ABCD-EFGH-JKM3')).toEqual({ code: 'receipt_typo', part: 'secret' });
		expect(typo('hello')).toEqual({ code: 'receipt_malformed', part: 'secret' });
		expect(typo('ABCD-EFGH-JKM2')).toEqual({ code: 'receipt_malformed', part: 'locator' });
	});

	it('accepts every generated secret (property)', () => {
		for (let i = 0; i < 200; i++) {
			const s = generateReceiptSecret();
			expect(receiptCheckChar(s.slice(0, 11))).toBe(s[11]);
			expect(parseReceiptInput(`K7Q2M-9XW3P ${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`.toLowerCase())).toEqual({
				locator: 'K7Q2M9XW3P',
				secret: s
			});
		}
	});
});

/** The real endpoints on this test's database, with a report submitted through them. */
async function submitted(db: Db, options: { files?: ReportInput['files'] } = {}) {
	const server = new ReporterServer(db, await buildWorld(db));
	const { crypto, worker } = inProcessCrypto();
	const common = { fetch: server.fetch, crypto, powSolver: syncSolver, retry: { wait: async () => {} } };
	const receipt = await submitReport(
		{
			routing: {
				unit: 'u-k1',
				position: 'team_member',
				category: 'appointments',
				escalate: false,
				realName: false
			},
			details: {
				kind: 'interference_record',
				person: { name: '赵某', post: '副县长' },
				description: '打招呼干预干部选拔',
				interference: {
					matter: 'cadre_selection',
					when: '2026年10月',
					how: 'greeting',
					howDetail: '电话',
					othersWhoKnew: ''
				}
			},
			files: options.files ?? [
				{ file: new File([fixture('gps.jpg') as BlobPart], 'photo.jpg', { type: 'image/jpeg' }) }
			]
		},
		common
	);
	return { server, crypto, worker, common, receipt, stored: () => server.stored(receipt.locator) };
}

describeDb('openReceipt and the follow-up session', (get) => {
	it('opens the report: spec → Argon2id in the worker → PoW → open → unwrap → decrypt', async () => {
		const { server, common, receipt, worker } = await submitted(get().db);
		const staffKey = await server.staffOpen(receipt.locator);
		await server.staffReply(receipt.locator, staffKey, '已收到，请补充时间。');
		const events: OpenProgress[] = [];
		const before = server.requests.length;
		const session = await openReceipt(receipt.locator.toLowerCase(), receipt.secret.replace(/-/g, ' '), {
			...common,
			onProgress: (p) => events.push(p)
		});
		expect(server.requests.slice(before).map((r) => r.path)).toEqual([
			'/api/v1/receipt/spec',
			'/api/v1/pow',
			'/api/v1/receipt/open'
		]);
		expect(events.map((e) => e.phase).filter((p, i, a) => p !== a[i - 1])).toEqual([
			'preparing',
			'deriving',
			'pow',
			'opening'
		]);
		expect(worker.ops.at(-1)).toBe('deriveReceiptKeys');
		const r = session.report;
		expect(r.locator).toBe(receipt.locator);
		expect(r.status).toBe('received');
		expect(r.content.description).toBe('打招呼干预干部选拔');
		expect(r.content.interference?.matter).toBe('cadre_selection');
		expect(r.content.files[0]?.metadataRemoved).toContain('gps');
		expect(r.messages).toEqual([
			{
				id: expect.stringMatching(/^[0-9a-f-]{36}$/),
				author: 'staff',
				sentOn: '2026-11-27',
				text: '已收到，请补充时间。',
				error: null,
				files: []
			}
		]);

		const file = await session.downloadFile((r.files[0] as { id: string }).id);
		expect(file.name).toBe('photo.jpg');
		expect(file.type).toBe('image/jpeg');
		expect(Buffer.from(await file.blob.arrayBuffer()).equals(Buffer.from(fixture('plain.jpg')))).toBe(true);
		session.close();
	});
});

describeDb('openReceipt and the follow-up session', (get) => {
	it('sends a message with a file (stripped, encrypted, uploaded under the token) that staff can read', async () => {
		const { server, common, receipt, stored } = await submitted(get().db, { files: [] });
		const session = await openReceipt(receipt.locator, receipt.secret, common);
		const phases: string[] = [];
		const sent = await session.sendMessage(
			'补充：时间是10月3日',
			[{ file: new File([fixture('gps.jpg') as BlobPart], 'more.jpg', { type: 'image/jpeg' }) }],
			{
				onProgress: (p) => phases.push(p.phase)
			}
		);
		expect(sent).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), seq: 1, sentOn: '2026-11-27' });
		expect(phases.filter((p, i, a) => p !== a[i - 1])).toEqual(['encrypting', 'uploading', 'sending']);
		const intakeReq = server.requests.filter((r) => r.path === '/api/v1/intake').at(-1);
		expect(intakeReq?.headers['authorization']).toMatch(/^Bearer /);
		// what staff see
		const staffKey = await server.staffOpen(receipt.locator);
		const m = (await stored()).messages[0]!;
		expect(JSON.parse(fromUtf8(decryptContent(staffKey, m.body)))).toEqual({ text: '补充：时间是10月3日' });
		const f = decryptAttachment(staffKey, (m.files[0] as { stream: Uint8Array }).stream);
		expect(f.name).toBe('more.jpg');
		expect(Buffer.from(f.data).equals(Buffer.from(fixture('plain.jpg')))).toBe(true);
		// the session refreshed itself
		expect(session.report.messages.map((x) => [x.author, x.text, x.files.length])).toEqual([
			['reporter', '补充：时间是10月3日', 1]
		]);
		// a text-only message sends no intake
		await session.sendMessage('再补充一句');
		expect(server.requests.filter((r) => r.path === '/api/v1/receipt/messages').length).toBe(2);
		expect((await stored()).messages[1]?.files).toEqual([]);
	});
});

describeDb('openReceipt and the follow-up session', (get) => {
	it('renews an expired token with a new proof of work, transparently', async () => {
		const { server, common, receipt } = await submitted(get().db, { files: [] });
		const session = await openReceipt(receipt.locator, receipt.secret, common);
		server.expireTokens();
		const before = server.requests.length;
		const report = await session.refresh();
		expect(report.status).toBe('received');
		expect(server.requests.slice(before).map((r) => r.path)).toEqual([
			'/api/v1/receipt/report',
			'/api/v1/pow',
			'/api/v1/receipt/open',
			'/api/v1/receipt/report'
		]);
	});
});

describeDb('openReceipt and the follow-up session', (get) => {
	it('close() zeroes the keys and ends the session', async () => {
		const { common, receipt } = await submitted(get().db, { files: [] });
		const session = await openReceipt(receipt.locator, receipt.secret, common);
		const keys = session as unknown as { reportKey: Uint8Array; authKey: Uint8Array };
		session.close();
		expect(session.closed).toBe(true);
		expect(keys.reportKey.every((b) => b === 0)).toBe(true);
		expect(keys.authKey.every((b) => b === 0)).toBe(true);
		await expect(session.refresh()).rejects.toMatchObject({ code: 'closed' });
		await expect(session.sendMessage('x')).rejects.toMatchObject({ code: 'closed' });
	});
});

describeDb('openReceipt and the follow-up session', (get) => {
	it('a wrong secret and an unknown locator get the same receipt_not_recognised; a typo costs no request', async () => {
		const { server, common, receipt } = await submitted(get().db, { files: [] });
		const other = generateReceiptSecret();
		await expect(openReceipt(receipt.locator, other, common)).rejects.toMatchObject({
			code: 'receipt_not_recognised',
			status: 403
		});
		await expect(openReceipt('ZZZZZ-ZZZZZ', receipt.secret, common)).rejects.toMatchObject({
			code: 'receipt_not_recognised'
		});
		const before = server.requests.length;
		const typo = receipt.secret.slice(0, -1) + (receipt.secret.endsWith('0') ? '1' : '0');
		await expect(openReceipt(receipt.locator, typo, common)).rejects.toMatchObject({ code: 'receipt_typo' });
		expect(server.requests.length).toBe(before);
	});
});

describeDb('openReceipt and the follow-up session', (get) => {
	it('reports a tampered file or message as decrypt_failed without breaking the session', async () => {
		const { server, common, receipt, stored } = await submitted(get().db);
		const staffKey = await server.staffOpen(receipt.locator);
		await server.staffReply(receipt.locator, staffKey, 'ok');
		const s = await stored();
		await server.tamper(s.messages[0]!.id, s.files[0]!.id, { body: 60, file: 100 });
		const session = await openReceipt(receipt.locator, receipt.secret, common);
		expect(session.report.messages[0]).toMatchObject({ text: null, error: 'decrypt_failed' });
		await expect(session.downloadFile((session.report.files[0] as { id: string }).id)).rejects.toMatchObject({
			code: 'decrypt_failed'
		});
		expect((await session.refresh()).status).toBe('received');
	});
});
