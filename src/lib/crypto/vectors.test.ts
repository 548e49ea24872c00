import { describe, expect, it } from 'vitest';
import vectors from './vectors/v1.json';
import { computeVectors } from '$support/crypto-vectors';
import { fromHex, toHex, fromUtf8 } from './encoding';
import { decryptContent } from './content';
import { decryptAttachment } from './attachment';
import { unwrapKey } from './keys';
import { openSealedKey } from './seal';
import { passwordUnwrapKey } from './kdf-spec';
import { parseRecoveryKey } from './staff-keys';
import { verifyDirectoryEntry, verifyRevocationList } from './directory';

describe('fixed test vectors (vectors/v1.json, docs/crypto.md)', () => {
	it('recomputes every vector exactly', async () => {
		expect(await computeVectors()).toEqual(vectors);
	});

	it('decrypts / opens / verifies the committed outputs', async () => {
		const reportKey = fromHex(vectors.content.reportKey);
		expect(fromUtf8(decryptContent(reportKey, fromHex(vectors.content.output)))).toBe(vectors.content.plaintextUtf8);
		const att = decryptAttachment(reportKey, fromHex(vectors.attachment.output));
		expect([att.name, att.type, fromUtf8(att.data)]).toEqual([
			vectors.attachment.name,
			vectors.attachment.type,
			vectors.attachment.dataUtf8
		]);
		expect(toHex(unwrapKey(fromHex(vectors.wrappedKey.output), fromHex(vectors.wrappedKey.kek)))).toBe(
			vectors.wrappedKey.key
		);
		const recipient = {
			publicKey: fromHex(vectors.sealedKey.recipientPublicKey),
			secretKey: fromHex(vectors.sealedKey.recipientSecretKey)
		};
		expect(toHex(openSealedKey(fromHex(vectors.sealedKey.output), recipient))).toBe(vectors.sealedKey.key);
		const pw = await passwordUnwrapKey(fromHex(vectors.passwordWrappedKey.output), vectors.passwordWrappedKey.password);
		expect(toHex(pw)).toBe(vectors.passwordWrappedKey.key);
		expect(toHex(parseRecoveryKey(vectors.recoveryKey.text.toLowerCase().replaceAll('-', ' ')))).toBe(
			vectors.recoveryKey.key
		);
		const root = fromHex(vectors.rootKey.publicKey);
		const entry = verifyDirectoryEntry(fromHex(vectors.directoryEntry.output), root, { now: Date.UTC(2026, 5, 1) });
		expect(entry.organId).toBe(vectors.directoryEntry.organId);
		const rev = verifyRevocationList(fromHex(vectors.revocationList.output), root);
		expect(rev.entryIds.has(vectors.revocationList.entryIds)).toBe(true);
	});
});
