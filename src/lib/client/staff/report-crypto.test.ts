import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';
import { encryptContent } from '../../crypto/content';
import { utf8 } from '../../crypto/encoding';
import { generateRootKey, newEntryId, rootFingerprint, signDirectoryEntry } from '../../crypto/directory';
import { openSealedKey, sealKey } from '../../crypto/seal';
import { DirectoryAnswerError } from '../directory-verify';
import {
	decryptReportContent,
	decryptText,
	encryptText,
	forget,
	openReportKey,
	resealForOrgan,
	sealForColleague,
	StaffDecryptError,
	summarize
} from './report-crypto';

const NOW = 1_780_000_000_000;
const root = generateRootKey();
const staff = (id: string) => ({ id, pair: nacl.box.keyPair() });
const a = staff('s-a');
const b = staff('s-b');
const c = staff('s-c');

function entry(s: { id: string; pair: nacl.BoxKeyPair }, over: Record<string, unknown> = {}, key = root.secretKey) {
	return signDirectoryEntry(
		{
			entryId: newEntryId(),
			staffId: s.id,
			organId: 'o-up',
			role: 'inspector',
			publicKey: s.pair.publicKey,
			notBefore: NOW / 1000 - 10,
			notAfter: NOW / 1000 + 1000,
			...over
		},
		key
	);
}
const answer = (entries: Uint8Array[]) => ({
	organ: 'o-up',
	root: { publicKey: encodeBase64(root.publicKey), fingerprint: rootFingerprint(root.publicKey) },
	entries: entries.map(encodeBase64),
	revocations: null
});

const content = {
	v: 1,
	unit: { id: 'u1', name: '银清县', regionPath: '示范省/北泉市' },
	position: 'top_leader',
	kind: 'public_tip',
	category: 'integrity',
	person: { name: '张某', post: '县长' },
	description: '\n  第一行：收受现金。  \n第二行',
	interference: null,
	identity: null,
	files: [],
	submittedFrom: 'web'
};

describe('back-office report crypto', () => {
	it('opens the caller’s wrap and decrypts the content, refusing another member’s key', () => {
		const reportKey = nacl.randomBytes(32);
		const sealed = encodeBase64(sealKey(reportKey, a.pair.publicKey));
		const key = openReportKey(sealed, a.pair);
		expect(Array.from(key)).toEqual(Array.from(reportKey));
		const blob = encodeBase64(encryptContent(reportKey, utf8(JSON.stringify(content))));
		expect(decryptReportContent(key, blob)).toEqual(content);
		expect(() => openReportKey(sealed, b.pair)).toThrow(StaffDecryptError);
		expect(() => openReportKey('%%%', a.pair)).toThrow(StaffDecryptError);
		expect(() => decryptReportContent(nacl.randomBytes(32), blob)).toThrow(StaffDecryptError);
		forget(key);
		expect(Array.from(key)).toEqual(new Array(32).fill(0));
	});

	it('encrypts notes and replies as {text} in the padded content format', () => {
		const k = nacl.randomBytes(32);
		const wire = encryptText(k, '回复：已受理。');
		expect(decodeBase64(wire).length).toBe(2 + 24 + 16 + 1024); // smallest bucket: length says nothing
		expect(decryptText(k, wire)).toBe('回复：已受理。');
		expect(() => decryptText(nacl.randomBytes(32), wire)).toThrow(StaffDecryptError);
	});

	it('summarizes by the person and the first non-empty line', () => {
		expect(summarize(content)).toEqual({ person: '张某 · 县长', snippet: '第一行：收受现金。' });
		expect(summarize({ v: 1, description: 'x'.repeat(100) }, 10)).toEqual({
			person: '',
			snippet: `${'x'.repeat(10)}…`
		});
	});

	it('re-seals to every verified recipient once, skipping bad entries, and to one colleague for a grant', () => {
		const k = nacl.randomBytes(32);
		const forged = entry(c, {}, generateRootKey().secretKey);
		const r = resealForOrgan(k, answer([entry(a), entry(a), entry(b), forged, entry(c, { organId: 'o-other' })]), {
			organId: 'o-up',
			now: NOW
		});
		expect(r.fingerprint).toBe(rootFingerprint(root.publicKey));
		expect(r.recipients).toBe(2);
		expect(r.rejected).toBe(2);
		expect(r.wraps.map((w) => w.staffId)).toEqual(['s-a', 's-b']);
		for (const [w, s] of [
			[r.wraps[0]!, a],
			[r.wraps[1]!, b]
		] as const) {
			expect(Array.from(openSealedKey(decodeBase64(w.sealed), s.pair))).toEqual(Array.from(k));
			expect(decodeBase64(w.entryId)).toHaveLength(16);
		}
		const g = sealForColleague(k, answer([entry(a), entry(b)]), { organId: 'o-up', staffId: 's-b', now: NOW });
		expect(Array.from(openSealedKey(decodeBase64(g!.wrap.sealed), b.pair))).toEqual(Array.from(k));
		expect(sealForColleague(k, answer([entry(a)]), { organId: 'o-up', staffId: 's-b', now: NOW })).toBeNull();
		const other = generateRootKey();
		expect(() =>
			resealForOrgan(k, answer([entry(a)]), { organId: 'o-up', now: NOW, pinnedRootPublicKey: other.publicKey })
		).toThrow(DirectoryAnswerError);
	});
});
