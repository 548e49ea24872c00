/**
 * Transfer wraps checked by the receiving browser (issue 16): the wrap a colleague made for a transfer comes
 * with a proof (format T) that the receiving side checks against the signed directory of the sending organ,
 * the report id, its own entry and the report's content. Forged or mismatched wraps are refused.
 */
import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';
import { encryptContent } from '../../crypto/content';
import { utf8 } from '../../crypto/encoding';
import { generateRootKey, newEntryId, rootFingerprint, signDirectoryEntry } from '../../crypto/directory';
import { sealKey } from '../../crypto/seal';
import { makeTransferProof } from '../../crypto/transfer';
import { DirectoryAnswerError } from '../directory-verify';
import { openTransferredKey, resealForOrgan, TransferWrapError, type Wrap } from './report-crypto';

const NOW = 1_780_000_000_000;
const root = generateRootKey();
const REPORT = '7d1c1f5e-2f0b-4c11-9a77-1c2d3e4f5a6b';
const OTHER_REPORT = '0b6f9a3c-8d2e-4f51-a0b1-c2d3e4f5a6b7';

function member(id: string, organId: string) {
	const pair = nacl.box.keyPair();
	const entryId = newEntryId();
	const signed = signDirectoryEntry(
		{
			entryId,
			staffId: id,
			organId,
			role: 'inspector',
			publicKey: pair.publicKey,
			notBefore: NOW / 1000 - 10,
			notAfter: NOW / 1000 + 1000
		},
		root.secretKey
	);
	return { id, organId, pair, entryId, signed };
}
const answer = (organ: string, entries: Uint8Array[], rootKey = root) => ({
	organ,
	root: { publicKey: encodeBase64(rootKey.publicKey), fingerprint: rootFingerprint(rootKey.publicKey) },
	entries: entries.map(encodeBase64),
	revocations: null
});

const sender = member('s-sender', 'o-low'); // the inspector who hands the report up
const intruder = member('s-intruder', 'o-low'); // a member of the sending organ with no part in it… but valid
const outsider = member('s-outsider', 'o-other'); // someone of another organ
const receiver = member('s-receiver', 'o-up');
const colleague = member('s-colleague', 'o-up');

describe('transfer wraps are checked by the receiving browser (issue 16)', () => {
	const reportKey = nacl.randomBytes(32);
	const content = encodeBase64(encryptContent(reportKey, utf8(JSON.stringify({ v: 1, description: 'x' }))));
	const senderDirectory = answer('o-low', [sender.signed]);
	const made = resealForOrgan(reportKey, answer('o-up', [receiver.signed, colleague.signed]), {
		organId: 'o-up',
		now: NOW,
		proof: { reportId: REPORT, sender: { entryId: sender.entryId, keyPair: sender.pair } }
	});
	const mine = made.wraps.find((w) => w.staffId === receiver.id)!;
	const theirs = made.wraps.find((w) => w.staffId === colleague.id)!;
	const open = (wrap: Wrap, over: Partial<Parameters<typeof openTransferredKey>[0]> = {}) =>
		openTransferredKey({
			reportId: REPORT,
			wrap,
			pair: receiver.pair,
			senderOrganId: 'o-low',
			senderDirectory,
			content,
			now: NOW,
			...over
		});
	const reason = (f: () => unknown) => {
		try {
			f();
		} catch (e) {
			return e instanceof TransferWrapError ? e.reason : (e as Error).name;
		}
		return 'accepted';
	};

	it('accepts the wrap a verified member of the sending organ made for this report and this recipient', () => {
		expect(mine.proof).toBeDefined();
		expect(decodeBase64(mine.proof!).length).toBe(122);
		expect(Array.from(open(mine))).toEqual(Array.from(reportKey));
	});

	it('refuses a wrap without proof, and a proof moved to another report or another recipient’s wrap', () => {
		expect(reason(() => open({ entryId: mine.entryId, sealed: mine.sealed }))).toBe('no_proof');
		expect(reason(() => open(mine, { reportId: OTHER_REPORT }))).toBe('bad_proof');
		// The colleague's proof on my wrap (or my proof on another sealed key for me): the binding fails.
		expect(reason(() => open({ ...mine, proof: theirs.proof }))).toBe('bad_proof');
		const resealed = encodeBase64(sealKey(reportKey, receiver.pair.publicKey));
		expect(reason(() => open({ ...mine, sealed: resealed }))).toBe('bad_proof');
	});

	it('refuses a forged wrap: another key sealed with a proof made by someone else', () => {
		// A server (or anyone) swaps in its own key and content: it cannot make the sender's proof.
		const forgedKey = nacl.randomBytes(32);
		const forgedContent = encodeBase64(encryptContent(forgedKey, utf8('{"v":1}')));
		const sealed = sealKey(forgedKey, receiver.pair.publicKey);
		const recipientEntryId = decodeBase64(mine.entryId);
		const fake = nacl.box.keyPair();
		const byStranger = makeTransferProof(
			forgedKey,
			{ reportId: REPORT, recipientEntryId, sealed },
			{ entryId: sender.entryId, keyPair: fake }, // names the sender, signed with another key
			receiver.pair.publicKey
		);
		const forged = { entryId: mine.entryId, sealed: encodeBase64(sealed), proof: encodeBase64(byStranger) };
		expect(reason(() => open(forged, { content: forgedContent }))).toBe('bad_proof');
		// Made by a real member of another organ: not an entry of the sending organ's directory.
		const byOutsider = makeTransferProof(
			forgedKey,
			{ reportId: REPORT, recipientEntryId, sealed },
			{ entryId: outsider.entryId, keyPair: outsider.pair },
			receiver.pair.publicKey
		);
		expect(reason(() => open({ ...forged, proof: encodeBase64(byOutsider) }, { content: forgedContent }))).toBe(
			'unknown_sender'
		);
		// A served directory that slips the outsider in under the sending organ: its entry says o-other.
		expect(
			reason(() =>
				open(
					{ ...forged, proof: encodeBase64(byOutsider) },
					{ content: forgedContent, senderDirectory: answer('o-low', [sender.signed, outsider.signed]) }
				)
			)
		).toBe('unknown_sender');
		// A directory under another root: its entries do not verify; with the pinned root, refused as a whole.
		const otherRoot = generateRootKey();
		const underOther = answer('o-low', [sender.signed], otherRoot);
		expect(reason(() => open(mine, { senderDirectory: underOther }))).toBe('unknown_sender');
		expect(() => open(mine, { senderDirectory: underOther, pinnedRootPublicKey: root.publicKey })).toThrow(
			DirectoryAnswerError
		);
	});

	it('refuses a wrap whose key does not open the report’s content (a proof of the right key for another report’s content)', () => {
		// A member of the sending organ proves a key honestly, but the report's content is another key's.
		const otherKey = nacl.randomBytes(32);
		const sealed = sealKey(otherKey, receiver.pair.publicKey);
		const recipientEntryId = decodeBase64(mine.entryId);
		const proof = makeTransferProof(
			otherKey,
			{ reportId: REPORT, recipientEntryId, sealed },
			{ entryId: intruder.entryId, keyPair: intruder.pair },
			receiver.pair.publicKey
		);
		const wrap = { entryId: mine.entryId, sealed: encodeBase64(sealed), proof: encodeBase64(proof) };
		expect(reason(() => open(wrap, { senderDirectory: answer('o-low', [sender.signed, intruder.signed]) }))).toBe(
			'wrong_content'
		);
	});
});
