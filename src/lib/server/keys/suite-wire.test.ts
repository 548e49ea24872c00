/**
 * Issue 21: the server accepts the deployment's suite's bytes and refuses the other suite's, both ways: a
 * report body (content, summary, seals, receipt wrap and KDF spec, inline files) and a staff key bundle.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { gmSuite } from '$lib/crypto/gm/suite';
import { naclSuite } from '$lib/crypto/nacl-suite';
import { RECEIPT_KDF } from '$lib/crypto/kdf';
import { encodeKdfSpec, newKdfSpec } from '$lib/crypto/kdf-spec';
import type { Suite, SuiteId } from '$lib/crypto/suite';
import type { ReportBody } from '$lib/shared/wire/reporter';
import { checkReportBody } from '$lib/server/reports/intake';
import { checkBundle } from './staff-keys';
import { pinSuite } from './suite';
import { deploymentWire } from './suite-wire';

const SETTINGS = { maxFiles: 3, maxFileBytes: 1 << 20, maxReportBytes: 2 << 20, timezone: 'Asia/Shanghai' };

afterEach(() => pinSuite(undefined));

function body(suite: Suite): ReportBody {
	const reportKey = new Uint8Array(32).fill(3);
	const recipient = suite.generateBoxKeyPair();
	// The receipt's spec at the production cost, without deriving (the check reads the parameters only).
	const kdfSpec = suite.id === 'nacl' ? encodeKdfSpec(newKdfSpec(RECEIPT_KDF)) : suite.newReceiptKdfSpec();
	return {
		v: 1,
		routing: { unit: 'u', position: 'top_leader', category: 'integrity', escalate: false, realName: false },
		organ: 'o',
		content: suite.encryptContent(reportKey, new TextEncoder().encode('{"v":2}')),
		summary: suite.encryptSummary(reportKey, new TextEncoder().encode('{"v":1}')),
		wraps: [{ entryId: new Uint8Array(16), sealed: suite.sealKey(reportKey, recipient.publicKey) }],
		receipt: {
			locator: 'ABCDE12345',
			kdfSpec,
			authHash: new Uint8Array(32),
			wrappedKey: suite.wrapKey(reportKey, new Uint8Array(32).fill(4))
		},
		files: [suite.encryptAttachment(reportKey, new Uint8Array(100), { name: 'a.txt', type: 'text/plain' })]
	} as unknown as ReportBody;
}

const suites: [SuiteId, Suite, Suite][] = [
	['nacl', naclSuite, gmSuite],
	['gm', gmSuite, naclSuite]
];

describe.each(suites)('a %s deployment', (id, own, other) => {
	it('accepts a report body of its suite and refuses each field of the other suite', () => {
		pinSuite(id);
		expect(deploymentWire().version).toBe(own.version);
		expect(checkReportBody(body(own), SETTINGS)).toMatchObject({ ok: true });
		const foreign = body(other);
		expect(checkReportBody(foreign, SETTINGS)).toMatchObject({ ok: false, field: 'content' });
		const mixed = (over: (b: ReportBody, f: ReportBody) => void) => {
			const b = body(own);
			over(b, foreign);
			return checkReportBody(b, SETTINGS);
		};
		expect(mixed((b, f) => (b.summary = f.summary))).toMatchObject({ ok: false, field: 'summary' });
		expect(mixed((b, f) => (b.wraps = f.wraps))).toMatchObject({ ok: false, field: 'wraps[0].sealed' });
		expect(mixed((b, f) => (b.receipt.wrappedKey = f.receipt.wrappedKey))).toMatchObject({
			ok: false,
			field: 'receipt.wrappedKey'
		});
		expect(mixed((b, f) => (b.receipt.kdfSpec = f.receipt.kdfSpec))).toMatchObject({
			ok: false,
			field: 'receipt.kdfSpec'
		});
		expect(mixed((b, f) => (b.files = f.files))).toMatchObject({ ok: false, field: 'files[0]' });
	});

	it('enrols a staff key bundle of its suite and refuses the other suite', async () => {
		pinSuite(id);
		const mine = await own.createStaffKeys('pw', { testOnlyCheap: true });
		const theirs = await other.createStaffKeys('pw', { testOnlyCheap: true });
		expect(checkBundle(mine.bundle, { allowWeakKdf: true })).toMatchObject({ ok: true });
		expect(checkBundle(mine.bundle)).toEqual({ ok: false, reason: 'weak_kdf' });
		expect(checkBundle(theirs.bundle, { allowWeakKdf: true })).toEqual({ ok: false, reason: 'bad_public_key' });
		expect(
			checkBundle({ ...mine.bundle, passwordWrapped: theirs.bundle.passwordWrapped }, { allowWeakKdf: true })
		).toEqual({
			ok: false,
			reason: 'bad_password_wrap'
		});
		expect(
			checkBundle({ ...mine.bundle, recoveryWrapped: theirs.bundle.recoveryWrapped }, { allowWeakKdf: true })
		).toEqual({
			ok: false,
			reason: 'bad_recovery_wrap'
		});
	});
});
