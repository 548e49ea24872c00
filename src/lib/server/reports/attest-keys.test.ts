/**
 * `npm run root -- attest` (src/lib/shared/attest-keys.ts): the keys file it writes is the one the server reads
 * (PROOF_KEYS_FILE), each entry signed by the root and nothing else; a second key for an organ replaces the first.
 */
import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { parseDirectoryEntry, rootKeyFromSeed, verifyDirectoryEntry } from '$lib/crypto/directory';
import { proofKeysFrom } from '$lib/server/reports/proof';
import { addAttestKey } from '$lib/shared/attest-keys';

describe('attestation keys from the root ceremony', () => {
	const rootSeed = nacl.randomBytes(32);
	const root = rootKeyFromSeed(rootSeed);
	const now = new Date('2026-12-04T08:00:00Z');

	it('writes keys the server accepts, signed by the root, one per organ', () => {
		const a = addAttestKey(null, 'o-city', rootSeed, now);
		const b = addAttestKey(a.text, 'o-county', rootSeed, now, 3);
		const keys = proofKeysFrom(b.text);
		expect([...keys.keys()].sort()).toEqual(['o-city', 'o-county']);
		for (const [organ, key] of keys) {
			expect(verifyDirectoryEntry(key.entry, root.publicKey, { now, organId: organ }).organId).toBe(organ);
			expect(parseDirectoryEntry(key.entry).entry.role).toBe('attest');
		}
		// Another root's signature does not verify.
		const other = rootKeyFromSeed(nacl.randomBytes(32));
		expect(() => verifyDirectoryEntry(keys.get('o-city')!.entry, other.publicKey, { now })).toThrow(/signature/i);
	});

	it('replaces an organ’s former key and refuses what is not an organ id or a keys file', () => {
		const first = addAttestKey(null, 'o-city', rootSeed, now);
		const second = addAttestKey(first.text, 'o-city', rootSeed, now);
		expect(second.replaced).toBe(true);
		const keys = proofKeysFrom(second.text);
		expect(keys.size).toBe(1);
		expect(Buffer.from(parseDirectoryEntry(keys.get('o-city')!.entry).entry.publicKey)).toEqual(
			Buffer.from(second.publicKey)
		);
		expect(() => addAttestKey(null, 'O City', rootSeed, now)).toThrow(/organ id/);
		expect(() => addAttestKey('{"a":1}', 'o-city', rootSeed, now)).toThrow(/keys file/);
	});
});
