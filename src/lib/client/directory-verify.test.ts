import { describe, expect, it } from 'vitest';
import { encodeBase64 } from '@oslojs/encoding';
import {
	generateRootKey,
	newEntryId,
	rootFingerprint,
	signDirectoryEntry,
	signRevocationList
} from '../crypto/directory';
import { DirectoryAnswerError, verifyServedDirectory } from './directory-verify';

const NOW = 1_780_000_000_000;
const root = generateRootKey();
const entry = (over: Record<string, unknown> = {}, key = root.secretKey) =>
	signDirectoryEntry(
		{
			entryId: newEntryId(),
			staffId: 's1',
			organId: 'o-1',
			role: 'inspector',
			publicKey: new Uint8Array(32).fill(9),
			notBefore: NOW / 1000 - 10,
			notAfter: NOW / 1000 + 1000,
			...over
		},
		key
	);
const answer = (entries: Uint8Array[], extra: Record<string, unknown> = {}) => ({
	organ: 'o-1',
	root: { publicKey: encodeBase64(root.publicKey), fingerprint: rootFingerprint(root.publicKey) },
	entries: entries.map(encodeBase64),
	revocations: null,
	...extra
});

describe('verifyServedDirectory', () => {
	it('accepts signed entries and refuses tampered, foreign, expired and other-organ ones', () => {
		const good = entry();
		const flipped = entry();
		flipped[40] = flipped[40]! ^ 1;
		const r = verifyServedDirectory(
			answer([
				good,
				flipped,
				entry({}, generateRootKey().secretKey),
				entry({ notBefore: 1, notAfter: 2 }),
				entry({ organId: 'o-2' })
			]),
			{ organId: 'o-1', now: NOW }
		);
		expect(r.valid).toHaveLength(1);
		expect(r.fingerprint).toBe(rootFingerprint(root.publicKey));
		expect(r.rejected.map((x) => [x.index, x.error.code])).toEqual([
			[1, 'BAD_SIGNATURE'],
			[2, 'BAD_SIGNATURE'],
			[3, 'EXPIRED'],
			[4, 'WRONG_ORGAN']
		]);
	});

	it('refuses revoked entries and a revocation list signed by another key', () => {
		const e = entry();
		const id = e.subarray(2, 18);
		const list = signRevocationList({ issuedAt: NOW / 1000, entryIds: [id], publicKeys: [] }, root.secretKey);
		const r = verifyServedDirectory(answer([e], { revocations: encodeBase64(list) }), { organId: 'o-1', now: NOW });
		expect(r.valid).toHaveLength(0);
		expect(r.rejected[0]!.error.code).toBe('REVOKED');
		const forged = signRevocationList(
			{ issuedAt: NOW / 1000, entryIds: [], publicKeys: [] },
			generateRootKey().secretKey
		);
		expect(() =>
			verifyServedDirectory(answer([e], { revocations: encodeBase64(forged) }), { organId: 'o-1', now: NOW })
		).toThrow(DirectoryAnswerError);
	});

	it('refuses a swapped root key when one is pinned, a wrong fingerprint and malformed answers', () => {
		const other = generateRootKey();
		const swapped = answer([entry({}, other.secretKey)], {
			root: { publicKey: encodeBase64(other.publicKey), fingerprint: rootFingerprint(other.publicKey) }
		});
		expect(() =>
			verifyServedDirectory(swapped, { organId: 'o-1', now: NOW, pinnedRootPublicKey: root.publicKey })
		).toThrow(/ROOT_MISMATCH/);
		expect(() =>
			verifyServedDirectory(answer([], { root: { publicKey: encodeBase64(root.publicKey), fingerprint: '00000' } }), {
				organId: 'o-1',
				now: NOW
			})
		).toThrow(/FINGERPRINT_MISMATCH/);
		for (const bad of [null, {}, { root: {}, entries: [] }, { root: { publicKey: 'AAAA' }, entries: [] }]) {
			expect(() => verifyServedDirectory(bad, { organId: 'o-1', now: NOW })).toThrow(DirectoryAnswerError);
		}
		const r = verifyServedDirectory({ ...answer([]), entries: ['%%%', 5] }, { organId: 'o-1', now: NOW });
		expect(r.valid).toEqual([]);
		expect(r.rejected.map((x) => x.index)).toEqual([0, 1]);
	});
});
