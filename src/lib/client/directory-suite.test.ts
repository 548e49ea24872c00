import { describe, expect, it } from 'vitest';
import { encodeBase64 } from '@oslojs/encoding';
import { newEntryId, signDirectoryEntry } from '../crypto/directory';
import { naclSuite } from '../crypto/nacl-suite';
import { gmSuite } from '../crypto/gm/suite';
import type { Suite } from '../crypto/suite';
import { DirectoryAnswerError, NACL_DIRECTORY, verifyServedDirectory } from './directory-verify';

/*
 * Issue 21: one cipher suite per deployment, pinned with the page. A server (or whoever writes its database)
 * that offers the reporter a directory of the other suite is refused before any key is used: a downgrade from
 * GM to NaCl and an upgrade from NaCl to GM alike, whether the answer says so or lies about its suite.
 */
const NOW = 1_780_000_000_000;

function deployment(suite: Suite) {
	const root = suite.generateSigningKeyPair();
	const entry = signDirectoryEntry(
		{
			entryId: newEntryId(),
			staffId: 's1',
			organId: 'o-1',
			role: 'inspector',
			publicKey: suite.generateBoxKeyPair().publicKey,
			notBefore: NOW / 1000 - 10,
			notAfter: NOW / 1000 + 1000
		},
		root.secretKey,
		suite.entries
	);
	const answer = (claimed: string | undefined = suite.id) => ({
		organ: 'o-1',
		...(claimed === undefined ? {} : { suite: claimed }),
		root: { publicKey: encodeBase64(root.publicKey), fingerprint: suite.rootFingerprint(root.publicKey) },
		entries: [encodeBase64(entry)],
		revocations: null
	});
	return { root, answer };
}

const nacl = deployment(naclSuite);
const gm = deployment(gmSuite);

function refusal(fn: () => unknown): DirectoryAnswerError {
	try {
		fn();
	} catch (e) {
		expect(e).toBeInstanceOf(DirectoryAnswerError);
		return e as DirectoryAnswerError;
	}
	throw new Error('expected the directory to be refused');
}

describe('the pinned cipher suite (issue 21)', () => {
	it('accepts a directory of the pinned suite, in each suite (an answer without a suite is NaCl)', () => {
		const g = verifyServedDirectory(gm.answer(), {
			organId: 'o-1',
			now: NOW,
			pinnedRootPublicKey: gm.root.publicKey,
			suite: gmSuite
		});
		expect(g.valid).toHaveLength(1);
		expect(g.valid[0]!.publicKey).toHaveLength(65);
		expect(g.fingerprint).toBe(gmSuite.rootFingerprint(gm.root.publicKey));
		const n = verifyServedDirectory(nacl.answer(undefined), {
			organId: 'o-1',
			now: NOW,
			pinnedRootPublicKey: nacl.root.publicKey
		});
		expect(n.valid).toHaveLength(1);
	});

	it('refuses a downgrade: a GM page offered the NaCl suite', () => {
		const pinned = { organId: 'o-1', now: NOW, pinnedRootPublicKey: gm.root.publicKey, suite: gmSuite };
		expect(refusal(() => verifyServedDirectory(nacl.answer(), pinned)).code).toBe('SUITE_MISMATCH');
		expect(refusal(() => verifyServedDirectory(nacl.answer(undefined), pinned)).code).toBe('SUITE_MISMATCH');
		// Labelled "gm" but NaCl inside: the root is not an SM2 key.
		expect(refusal(() => verifyServedDirectory(nacl.answer('gm'), pinned)).code).toBe('MALFORMED');
		// Even without a pinned root key, NaCl entries under a GM label are never accepted.
		const r = verifyServedDirectory(
			{ ...nacl.answer('gm'), root: gm.answer().root },
			{ organId: 'o-1', now: NOW, suite: gmSuite }
		);
		expect(r.valid).toHaveLength(0);
		expect(r.rejected.map((x) => x.error.code)).toEqual(['UNSUPPORTED_VERSION']);
	});

	it('refuses an upgrade: a NaCl page offered the GM suite', () => {
		const pinned = { organId: 'o-1', now: NOW, pinnedRootPublicKey: nacl.root.publicKey };
		expect(refusal(() => verifyServedDirectory(gm.answer(), pinned)).code).toBe('SUITE_MISMATCH');
		expect(refusal(() => verifyServedDirectory(gm.answer('nacl'), pinned)).code).toBe('MALFORMED');
		const r = verifyServedDirectory(
			{ ...gm.answer('nacl'), root: nacl.answer().root },
			{ organId: 'o-1', now: NOW, suite: NACL_DIRECTORY }
		);
		expect(r.valid).toHaveLength(0);
		expect(r.rejected.map((x) => x.error.code)).toEqual(['UNSUPPORTED_VERSION']);
		expect(refusal(() => verifyServedDirectory(gm.answer('sm9'), pinned)).code).toBe('MALFORMED');
	});
});
