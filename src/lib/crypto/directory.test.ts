import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import nacl from 'tweetnacl';
import {
	encodeDirectoryEntry,
	generateRootKey,
	newEntryId,
	parseDirectoryEntry,
	revocationsFrom,
	rootFingerprint,
	rootKeyFromSeed,
	signDirectoryEntry,
	signRevocationList,
	verifyDirectoryEntries,
	verifyDirectoryEntry,
	verifyRevocationList,
	type DirectoryEntry
} from './directory';
import { DirectoryError } from './errors';
import { generateBoxKeyPair } from './seal';
import { expectCryptoError } from '$support/crypto';

const root = generateRootKey();
const T0 = 1_767_225_600; // 2026-01-01
const YEAR = 365 * 86400;
const NOW = (T0 + 100 * 86400) * 1000;

function entry(over: Partial<DirectoryEntry> = {}): DirectoryEntry {
	return {
		entryId: newEntryId(),
		staffId: 'u-42',
		organId: 'organ-7',
		role: 'inspector',
		publicKey: generateBoxKeyPair().publicKey,
		notBefore: T0,
		notAfter: T0 + YEAR,
		...over
	};
}

describe('root key and fingerprint', () => {
	it('fingerprint: six groups of five digits, stable, differs between keys', () => {
		const fp = rootFingerprint(root.publicKey);
		expect(fp).toMatch(/^\d{5}( \d{5}){5}$/);
		expect(rootFingerprint(rootKeyFromSeed(root.seed).publicKey)).toBe(fp);
		expect(rootFingerprint(generateRootKey().publicKey)).not.toBe(fp);
	});
});

describe('signed key directory', () => {
	it('round-trips and verifies a signed entry', () => {
		const e = entry({ organId: '省纪委监委第三审查调查室' });
		const signed = signDirectoryEntry(e, root.secretKey);
		expect(verifyDirectoryEntry(signed, root.publicKey, { now: NOW, organId: e.organId })).toEqual(e);
		expect(parseDirectoryEntry(signed).body).toEqual(encodeDirectoryEntry(e));
	});

	it('refuses unsigned, wrongly signed, expired, not-yet-valid, revoked and wrong-organ entries', () => {
		const e = entry();
		const signed = signDirectoryEntry(e, root.secretKey);
		const code = (fn: () => unknown, c: string) => expect(expectCryptoError(fn)).toMatchObject({ code: c });
		code(() => verifyDirectoryEntry(encodeDirectoryEntry(e), root.publicKey, { now: NOW }), 'UNSIGNED');
		code(
			() => verifyDirectoryEntry(signDirectoryEntry(e, generateRootKey().secretKey), root.publicKey, { now: NOW }),
			'BAD_SIGNATURE'
		);
		code(() => verifyDirectoryEntry(signed, root.publicKey, { now: (T0 + YEAR) * 1000 }), 'EXPIRED');
		code(() => verifyDirectoryEntry(signed, root.publicKey, { now: new Date((T0 - 1) * 1000) }), 'NOT_YET_VALID');
		code(
			() => verifyDirectoryEntry(signed, root.publicKey, { now: NOW, revocations: revocationsFrom([e.entryId]) }),
			'REVOKED'
		);
		code(
			() => verifyDirectoryEntry(signed, root.publicKey, { now: NOW, revocations: revocationsFrom([], [e.publicKey]) }),
			'REVOKED'
		);
		code(() => verifyDirectoryEntry(signed, root.publicKey, { now: NOW, organId: 'organ-8' }), 'WRONG_ORGAN');
		expect(
			expectCryptoError(() => verifyDirectoryEntry(signed, generateRootKey().publicKey, { now: NOW }))
		).toBeInstanceOf(DirectoryError);
	});

	it('a server that swaps in its own key is caught', () => {
		const e = entry();
		const signed = signDirectoryEntry(e, root.secretKey);
		const swapped = signed.slice();
		const at = parseDirectoryEntry(signed).body.length - 16 - 32;
		swapped.set(generateBoxKeyPair().publicKey, at);
		expectCryptoError(() => verifyDirectoryEntry(swapped, root.publicKey, { now: NOW }), 'BAD_SIGNATURE');
	});

	it('property: any flipped byte is refused with a typed error', () => {
		const signed = signDirectoryEntry(entry(), root.secretKey);
		fc.assert(
			fc.property(fc.nat({ max: signed.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, x) => {
				const bad = signed.slice();
				bad[at] = (bad[at] as number) ^ x;
				expectCryptoError(() => verifyDirectoryEntry(bad, root.publicKey, { now: NOW }));
			}),
			{ numRuns: 60 }
		);
	});

	it('malformed entries: version, kind, lengths, empty strings, bad period', () => {
		const signed = signDirectoryEntry(entry(), root.secretKey);
		expectCryptoError(
			() => verifyDirectoryEntry(new Uint8Array([2, ...signed.subarray(1)]), root.publicKey, { now: NOW }),
			'UNSUPPORTED_VERSION'
		);
		expectCryptoError(
			() => verifyDirectoryEntry(new Uint8Array([1, 0x52, ...signed.subarray(2)]), root.publicKey, { now: NOW }),
			'WRONG_KIND'
		);
		expectCryptoError(
			() => verifyDirectoryEntry(signed.subarray(0, signed.length - 1), root.publicKey, { now: NOW }),
			'BAD_LENGTH'
		);
		expectCryptoError(
			() => verifyDirectoryEntry(new Uint8Array([...signed, 0]), root.publicKey, { now: NOW }),
			'BAD_LENGTH'
		);
		expectCryptoError(() => verifyDirectoryEntry(signed.subarray(0, 20), root.publicKey, { now: NOW }), 'BAD_LENGTH');
		expectCryptoError(() => encodeDirectoryEntry(entry({ staffId: '' })), 'INVALID_ARGUMENT');
		expectCryptoError(() => encodeDirectoryEntry(entry({ notAfter: T0 })), 'INVALID_ARGUMENT');
		const body = encodeDirectoryEntry(entry());
		const emptyStaff = body.slice();
		emptyStaff[18] = 0;
		expectCryptoError(() => parseDirectoryEntry(emptyStaff), 'MALFORMED', 'BAD_LENGTH');
	});

	it('verifies a list, keeping only the good entries', () => {
		const good = signDirectoryEntry(entry(), root.secretKey);
		const expired = signDirectoryEntry(entry({ notAfter: T0 + 1 }), root.secretKey);
		const forged = signDirectoryEntry(entry(), nacl.sign.keyPair().secretKey);
		const { valid, rejected } = verifyDirectoryEntries([good, expired, forged, new Uint8Array(3)], root.publicKey, {
			now: NOW
		});
		expect(valid.length).toBe(1);
		expect(rejected.map((r) => [r.index, r.error.code])).toEqual([
			[1, 'EXPIRED'],
			[2, 'BAD_SIGNATURE'],
			[3, 'UNSUPPORTED_VERSION']
		]);
	});

	it('signed revocation lists', () => {
		const e = entry();
		const k = generateBoxKeyPair().publicKey;
		const list = signRevocationList({ issuedAt: T0 + 5, entryIds: [e.entryId], publicKeys: [k] }, root.secretKey);
		const rev = verifyRevocationList(list, root.publicKey);
		expect(rev.issuedAt).toBe(T0 + 5);
		expectCryptoError(
			() => verifyDirectoryEntry(signDirectoryEntry(e, root.secretKey), root.publicKey, { now: NOW, revocations: rev }),
			'REVOKED'
		);
		expectCryptoError(
			() =>
				verifyDirectoryEntry(signDirectoryEntry(entry({ publicKey: k }), root.secretKey), root.publicKey, {
					now: NOW,
					revocations: rev
				}),
			'REVOKED'
		);
		expect(
			verifyDirectoryEntry(signDirectoryEntry(entry(), root.secretKey), root.publicKey, { now: NOW, revocations: rev })
		).toBeTruthy();
		expectCryptoError(() => verifyRevocationList(list, generateRootKey().publicKey), 'BAD_SIGNATURE');
		expectCryptoError(() => verifyRevocationList(list.subarray(0, list.length - 64), root.publicKey), 'UNSIGNED');
		expectCryptoError(() => verifyRevocationList(list.subarray(0, list.length - 1), root.publicKey), 'BAD_LENGTH');
		const bad = list.slice();
		bad[20] = (bad[20] as number) ^ 1;
		expectCryptoError(() => verifyRevocationList(bad, root.publicKey), 'BAD_SIGNATURE');
		const huge = list.slice();
		huge[13] = 0xff;
		expectCryptoError(() => verifyRevocationList(huge, root.publicKey), 'BAD_LENGTH');
	});
});
