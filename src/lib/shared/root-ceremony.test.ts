import { describe, expect, it } from 'vitest';
import {
	generateRootKey,
	rootFingerprint,
	rootKeyFromSeed,
	verifyDirectoryEntry,
	verifyRevocationList
} from '../crypto/directory';
import { encodeBase64 } from '@oslojs/encoding';
import {
	CeremonyError,
	formatPaperBackup,
	parsePaperBackup,
	parsePendingFile,
	parseSeedFile,
	parseSignedFile,
	PENDING_FILE_FORMAT,
	seedFile,
	signPending,
	type PendingFile
} from './root-ceremony';

const seed = new Uint8Array(32).map((_, i) => i * 7 + 3);

describe('root seed file', () => {
	it('round-trips and names the seed’s public key and fingerprint', () => {
		const file = seedFile(seed, new Date('2026-12-01T00:00:00Z'));
		const pub = rootKeyFromSeed(seed).publicKey;
		expect(file).toEqual({
			format: 'qingfeng-root-seed/v1',
			seed: encodeBase64(seed),
			publicKey: encodeBase64(pub),
			fingerprint: rootFingerprint(pub),
			createdAt: '2026-12-01T00:00:00.000Z'
		});
		expect(parseSeedFile(JSON.stringify(file))).toEqual({ seed, publicKey: pub, fingerprint: rootFingerprint(pub) });
	});

	it('refuses other files and a public key that is not the seed’s', () => {
		expect(() => parseSeedFile('nope')).toThrow(CeremonyError);
		expect(() => parseSeedFile('{"format":"other"}')).toThrow(/format qingfeng-root-seed\/v1 expected/);
		const other = { ...seedFile(seed), publicKey: encodeBase64(generateRootKey().publicKey) };
		expect(() => parseSeedFile(JSON.stringify(other))).toThrow('the public key in the file is not the seed’s');
	});
});

describe('paper backup', () => {
	it('is 85 digits in 17 groups of five and reads back', () => {
		const text = formatPaperBackup(seed);
		expect(text).toMatch(/^\d{5}( \d{5}){16}$/);
		expect(parsePaperBackup(text)).toEqual(seed);
		expect(parsePaperBackup(text.replace(/ /g, '-'))).toEqual(seed);
		expect(formatPaperBackup(new Uint8Array(32))).toMatch(/^00000 /);
		expect(parsePaperBackup(formatPaperBackup(new Uint8Array(32)))).toEqual(new Uint8Array(32));
	});

	it('catches a mistyped digit and a wrong length', () => {
		const text = formatPaperBackup(seed);
		const i = text.length - 3;
		const typo = text.slice(0, i) + String((Number(text[i]) + 1) % 10) + text.slice(i + 1);
		expect(() => parsePaperBackup(typo)).toThrow(expect.objectContaining({ code: 'BAD_CHECK' }));
		expect(() => parsePaperBackup(text.slice(1))).toThrow(expect.objectContaining({ code: 'BAD_BACKUP' }));
		expect(() => parsePaperBackup('9'.repeat(85))).toThrow(CeremonyError);
	});
});

describe('signing a pending file', () => {
	const root = rootKeyFromSeed(seed);
	const entryId = '00112233445566778899aabbccddeeff';
	const pending: PendingFile = {
		format: PENDING_FILE_FORMAT,
		rootFingerprint: rootFingerprint(root.publicKey),
		entries: [
			{
				entryId,
				staffId: '11111111-1111-4111-8111-111111111111',
				username: 'li.si',
				organId: 'o-city',
				role: 'inspector',
				publicKey: encodeBase64(new Uint8Array(32).fill(9)),
				notBefore: 1_800_000_000,
				notAfter: 1_900_000_000
			}
		],
		revocations: {
			issuedAt: 1_800_000_100,
			entryIds: ['ff'.repeat(16)],
			publicKeys: [encodeBase64(new Uint8Array(32).fill(5))]
		}
	};

	it('signs entries and the revocation list so they verify against the root', () => {
		const signed = parseSignedFile(JSON.stringify(signPending(parsePendingFile(JSON.stringify(pending)), seed)));
		expect(signed.rootFingerprint).toBe(pending.rootFingerprint);
		expect(signed.entries).toHaveLength(1);
		const entry = verifyDirectoryEntry(Buffer.from(signed.entries[0]!, 'base64'), root.publicKey, {
			now: new Date(1_850_000_000_000)
		});
		expect(entry).toMatchObject({ staffId: pending.entries[0]!.staffId, organId: 'o-city', role: 'inspector' });
		expect(Buffer.from(entry.entryId).toString('hex')).toBe(entryId);
		const list = verifyRevocationList(Buffer.from(signed.revocations!, 'base64'), root.publicKey);
		expect(list.issuedAt).toBe(1_800_000_100);
		expect([...list.entryIds]).toEqual(['ff'.repeat(16)]);
	});

	it('refuses a pending file exported for another root, and malformed files', () => {
		expect(() => signPending(pending, generateRootKey().seed)).toThrow(/the pending file is for root/);
		expect(() =>
			parsePendingFile('{"format":"qingfeng-directory-pending/v1","rootFingerprint":"x","entries":[{}]}')
		).toThrow('a pending entry is malformed');
		expect(() => parseSignedFile('{"format":"qingfeng-directory-signed/v1","entries":[1],"revocations":null}')).toThrow(
			CeremonyError
		);
	});
});
