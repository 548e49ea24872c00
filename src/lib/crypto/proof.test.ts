import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { generateRootKey, newEntryId, signDirectoryEntry } from './directory';
import { CryptoError } from './errors';
import { ATTEST_ROLE, proofStatementBytes, signProof, verifyProof, type ReportProof } from './proof';

const root = generateRootKey();
const attest = nacl.sign.keyPair();
const t = (d: string) => Math.floor(Date.parse(`${d}T00:00:00Z`) / 1000);
const entryFor = (over: Partial<{ role: string; organId: string; notAfter: number; publicKey: Uint8Array }> = {}) =>
	signDirectoryEntry(
		{
			entryId: newEntryId(),
			staffId: 'organ:o-city',
			organId: over.organId ?? 'o-city',
			role: over.role ?? ATTEST_ROLE,
			publicKey: over.publicKey ?? attest.publicKey,
			notBefore: t('2026-01-01'),
			notAfter: over.notAfter ?? t('2027-01-01')
		},
		root.secretKey
	);
const statement = { locator: 'K7M2P9QX4R', receivedOn: '2026-11-27', organId: 'o-city', acknowledgedOn: '2026-11-30' };
const proof = signProof(statement, '青山市纪委监委', attest.secretKey, entryFor());
// A plain JSON round trip: what the reporter downloads and shows later.
const kept = () => JSON.parse(JSON.stringify(proof)) as ReportProof;
const codeOf = (f: () => unknown) => {
	try {
		f();
		return 'ok';
	} catch (e) {
		return e instanceof CryptoError ? e.code : String(e);
	}
};

describe('proof of having reported', () => {
	it('verifies offline with the pinned root and reveals only locator, dates and organ', () => {
		const { statement: s, entry } = verifyProof(kept(), root.publicKey);
		expect(s).toEqual(statement);
		expect(entry.role).toBe(ATTEST_ROLE);
		expect(Object.keys(proof).sort()).toEqual(
			['acknowledgedOn', 'entry', 'format', 'locator', 'organId', 'organName', 'receivedOn', 'signature'].sort()
		);
		expect(new TextDecoder().decode(proofStatementBytes(statement))).toBe(
			'qingfeng/v1/proof-of-report\nK7M2P9QX4R\n2026-11-27\no-city\n2026-11-30'
		);
	});

	it('fails on a changed locator, received date, acknowledgement date or organ', () => {
		expect(codeOf(() => verifyProof({ ...kept(), locator: 'K7M2P9QX4S' }, root.publicKey))).toBe('BAD_SIGNATURE');
		expect(codeOf(() => verifyProof({ ...kept(), receivedOn: '2026-11-26' }, root.publicKey))).toBe('BAD_SIGNATURE');
		expect(codeOf(() => verifyProof({ ...kept(), acknowledgedOn: '2026-12-01' }, root.publicKey))).toBe(
			'BAD_SIGNATURE'
		);
		expect(codeOf(() => verifyProof({ ...kept(), organId: 'o-k1' }, root.publicKey))).toBe('WRONG_ORGAN');
	});

	it('fails under another root, with a forged entry, a staff key entry or an expired one', () => {
		expect(codeOf(() => verifyProof(kept(), generateRootKey().publicKey))).toBe('BAD_SIGNATURE');
		// A key the root never certified signs a statement and brings its own (self-signed) entry.
		const mallory = nacl.sign.keyPair();
		const otherRoot = generateRootKey();
		const forged = signProof(
			statement,
			'x',
			mallory.secretKey,
			signDirectoryEntry(
				{
					entryId: newEntryId(),
					staffId: 'organ:o-city',
					organId: 'o-city',
					role: ATTEST_ROLE,
					publicKey: mallory.publicKey,
					notBefore: t('2026-01-01'),
					notAfter: t('2027-01-01')
				},
				otherRoot.secretKey
			)
		);
		expect(codeOf(() => verifyProof(forged, root.publicKey))).toBe('BAD_SIGNATURE');
		const staffEntry = signProof(statement, 'x', attest.secretKey, entryFor({ role: 'inspector' }));
		expect(codeOf(() => verifyProof(staffEntry, root.publicKey))).toBe('WRONG_ORGAN');
		const expired = signProof(statement, 'x', attest.secretKey, entryFor({ notAfter: t('2026-11-29') }));
		expect(codeOf(() => verifyProof(expired, root.publicKey))).toBe('EXPIRED');
		expect(codeOf(() => verifyProof({ ...kept(), format: 'x' }, root.publicKey))).toBe('MALFORMED');
		expect(codeOf(() => verifyProof({ ...kept(), signature: 'AAAA' }, root.publicKey))).toBe('BAD_LENGTH');
	});
});
