/**
 * Issue 21, the staff side of a GM deployment: a GM staff key, made as the key page makes it, opens a GM report
 * made with the suite's reporter core (SM2 seal, SM4-GCM content and summary), writes and reads notes and
 * messages, re-seals with a transfer proof that the receiving browser checks against a GM directory, and keeps
 * NaCl bytes away. No server: the deployment's suite is set as the staff layout sets it. The key page's
 * PBKDF2-HMAC-SM3 and the attachment's SM4-GCM run in the crypto worker's protocol (in-process here, the same
 * handler as crypto.worker.ts), never on the page's thread: the worker's requests are recorded.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';
import { utf8 } from '../../crypto/encoding';
import { generateReportKey } from '../../crypto/keys';
import { newEntryId, signDirectoryEntry } from '../../crypto/directory';
import { naclSuite } from '../../crypto/nacl-suite';
import { gmSuite } from '../../crypto/gm/suite';
import { encodeSummary } from '../../shared/report-summary';
import { deploymentSuite, deploymentSuiteId, useDeploymentSuite } from '../deployment-suite';
import { unlockInBrowser, enrolInBrowser, recoverInBrowser } from '../staff-keys';
import { decryptStaffAttachment } from './attachment-open';

const worker = vi.hoisted(() => ({ ops: [] as string[] }));
/** The worker's protocol in-process (as tests/support/in-process.ts, which imports this very module). */
vi.mock('../crypto-client', async (importOriginal) => {
	const actual = await importOriginal<typeof import('../crypto-client')>();
	const { createCryptoProtocol } = await import('../crypto-protocol');
	let listeners: ((e: Event) => void)[] = [];
	const protocol = createCryptoProtocol((m) => {
		const data = structuredClone(m);
		queueMicrotask(() => listeners.forEach((l) => l({ data } as unknown as Event)));
	});
	const client = new actual.CryptoWorkerClient(() => ({
		postMessage(message: unknown) {
			const op = (message as { op?: unknown }).op;
			if (typeof op === 'string') worker.ops.push(op);
			void protocol.handle(structuredClone(message));
		},
		addEventListener(type: string, l: (e: Event) => void) {
			if (type === 'message') listeners.push(l);
		},
		terminate() {
			listeners = [];
		}
	}));
	return { ...actual, cryptoWorker: () => client };
});
import {
	decryptInboxSummary,
	decryptNoteText,
	decryptReportContent,
	decryptText,
	encryptNoteText,
	encryptText,
	openReportKey,
	openTransferredKey,
	resealForOrgan,
	StaffDecryptError,
	TransferWrapError
} from './report-crypto';

const NOW = 1_780_000_000_000;
const REPORT = '7d1c1f5e-2f0b-4c11-9a77-1c2d3e4f5a6b';
const root = gmSuite.generateSigningKeyPair();

function member(staffId: string, organId: string, pair = gmSuite.generateBoxKeyPair()) {
	const entryId = newEntryId();
	const signed = signDirectoryEntry(
		{
			entryId,
			staffId,
			organId,
			role: 'inspector',
			publicKey: pair.publicKey,
			notBefore: NOW / 1000 - 10,
			notAfter: NOW / 1000 + 1000
		},
		root.secretKey,
		gmSuite.entries
	);
	return { staffId, organId, pair, entryId, signed };
}
const answer = (organ: string, entries: Uint8Array[]) => ({
	organ,
	suite: 'gm',
	root: { publicKey: encodeBase64(root.publicKey), fingerprint: gmSuite.rootFingerprint(root.publicKey) },
	entries: entries.map(encodeBase64),
	revocations: null
});

describe('a GM deployment, staff side (issue 21)', () => {
	beforeAll(async () => {
		await useDeploymentSuite('gm');
	});
	afterAll(async () => {
		await useDeploymentSuite('nacl');
	});

	it('loads the GM suite for the staff pages, and refuses an unknown suite name', async () => {
		expect(deploymentSuite()).toBe(gmSuite);
		expect(deploymentSuiteId()).toBe('gm');
		await expect(useDeploymentSuite('aes')).rejects.toThrow();
		expect(deploymentSuite()).toBe(gmSuite);
	});

	it('a GM staff key opens a GM report: content, summary, notes, messages, an attachment', async () => {
		// the key page: enrol, then unlock with the password (PBKDF2-HMAC-SM3) as after a reload
		worker.ops.length = 0;
		const enrolled = await enrolInBrowser('口令 pass');
		expect(enrolled.bundle.publicKey.length).toBe(65);
		expect(enrolled.bundle.passwordWrapped[0]).toBe(gmSuite.version);
		expect(enrolled.bundle.recoveryWrapped[0]).toBe(gmSuite.version);
		const pair = await unlockInBrowser(enrolled.bundle, '口令 pass');
		expect(pair.secretKey).toEqual(enrolled.keyPair.secretKey);
		await expect(unlockInBrowser(enrolled.bundle, 'wrong')).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
		// A NaCl password wrap (of another deployment) is refused before any derivation.
		const naclBundle = await naclSuite.createStaffKeys('口令 pass', { testOnlyCheap: true });
		await expect(
			unlockInBrowser({ ...enrolled.bundle, passwordWrapped: naclBundle.bundle.passwordWrapped }, '口令 pass')
		).rejects.toMatchObject({ code: 'UNSUPPORTED_VERSION' });
		expect(worker.ops).toEqual(['passwordWrapKey', 'passwordUnwrapKey', 'passwordUnwrapKey', 'passwordUnwrapKey']);

		// the reporter's core in the GM suite
		const reportKey = generateReportKey();
		const content = encodeBase64(
			gmSuite.encryptContent(
				reportKey,
				utf8(JSON.stringify({ v: 1, description: '收受礼金', person: { name: '王五' } }))
			)
		);
		const sealed = encodeBase64(gmSuite.sealKey(reportKey, enrolled.bundle.publicKey));
		const summaryBytes = encodeSummary({ v: 1, person: '王五', subject: '收受礼金' });
		const summary = encodeBase64(gmSuite.encryptSummary(reportKey, summaryBytes));
		const file = gmSuite.encryptAttachment(reportKey, utf8('凭证'), { name: '凭证.txt', type: 'text/plain' });

		// the case page
		const key = openReportKey(sealed, pair);
		expect(key).toEqual(reportKey);
		expect(decryptReportContent(key, content).description).toBe('收受礼金');
		expect(decryptInboxSummary(key, summary).person).toBe('王五');
		const ctx = { reportId: REPORT, authorId: 's-1', kind: 'note' };
		const note = encryptNoteText(key, ctx, '内部');
		expect(decodeBase64(note)[0]).toBe(gmSuite.version);
		expect(decryptNoteText(key, ctx, note)).toBe('内部');
		expect(() => decryptNoteText(key, { ...ctx, authorId: 's-2' }, note)).toThrow(StaffDecryptError);
		expect(decryptText(key, encryptText(key, '回复'))).toBe('回复');
		const progress: number[] = [];
		const opened = await decryptStaffAttachment(key, new Blob([file as Uint8Array<ArrayBuffer>]), (p) =>
			progress.push(p.done)
		);
		expect([opened.name, await opened.data.text()]).toEqual(['凭证.txt', '凭证']);
		expect(worker.ops.at(-1)).toBe('decryptAttachment');
		expect(progress.at(-1)).toBe(file.length);

		// NaCl bytes are refused in a GM deployment
		expect(() =>
			openReportKey(encodeBase64(naclSuite.sealKey(reportKey, naclSuite.generateBoxKeyPair().publicKey)), pair)
		).toThrow(StaffDecryptError);
		expect(() => decryptText(key, encodeBase64(naclSuite.encryptContent(key, utf8('{"text":"x"}'))))).toThrow(
			StaffDecryptError
		);
	});

	it('recovery re-wraps in GM and the new recovery key unlocks', async () => {
		const enrolled = await enrolInBrowser('pw-1');
		const recovered = await recoverInBrowser(enrolled.bundle, enrolled.recoveryKey, 'pw-2');
		expect(recovered.keyPair.secretKey).toEqual(enrolled.keyPair.secretKey);
		expect(gmSuite.unlockWithRecoveryKey(recovered.bundle, recovered.recoveryKey).publicKey).toEqual(
			enrolled.bundle.publicKey
		);
		expect((await unlockInBrowser(recovered.bundle, 'pw-2')).secretKey).toEqual(enrolled.keyPair.secretKey);
	});

	it('a transfer in GM: sealed with SM2, the signed proof checked against the GM directory', () => {
		const sender = member('s-sender', 'o-low');
		const receiver = member('s-receiver', 'o-up');
		const reportKey = generateReportKey();
		const content = encodeBase64(gmSuite.encryptContent(reportKey, utf8('{"v":1}')));
		const made = resealForOrgan(reportKey, answer('o-up', [receiver.signed]), {
			organId: 'o-up',
			now: NOW,
			pinnedRootPublicKey: root.publicKey,
			proof: { reportId: REPORT, sender: { entryId: sender.entryId, keyPair: sender.pair } }
		});
		const wrap = made.wraps[0]!;
		expect(decodeBase64(wrap.proof!).length).toBe(82);
		const open = (over: Partial<Parameters<typeof openTransferredKey>[0]> = {}) =>
			openTransferredKey({
				reportId: REPORT,
				wrap,
				pair: receiver.pair,
				senderOrganId: 'o-low',
				senderDirectory: answer('o-low', [sender.signed]),
				content,
				now: NOW,
				pinnedRootPublicKey: root.publicKey,
				...over
			});
		expect(open()).toEqual(reportKey);
		expect(() => open({ reportId: '0b6f9a3c-8d2e-4f51-a0b1-c2d3e4f5a6b7' })).toThrow(TransferWrapError);
		const intruder = member('s-intruder', 'o-low');
		expect(() => open({ senderDirectory: answer('o-low', [intruder.signed]) })).toThrow(TransferWrapError);
		// a GM page refuses a directory of the NaCl suite (no downgrade on the staff side either)
		expect(() => open({ senderDirectory: { ...answer('o-low', [sender.signed]), suite: 'nacl' } })).toThrow();
	});
});
