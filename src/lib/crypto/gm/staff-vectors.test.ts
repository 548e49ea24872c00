import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromHex, fromUtf8, toHex, utf8 } from '../encoding';
import { Kind } from '../format';
import { decryptNote, noteKey } from '../notes';
import { decryptSummary } from '../summary';
import { blindIndexKey, blindPerson, decryptLeadDetails, leadKey } from '../organ-key';
import { registerKeys } from '../register';
import { gmSuite } from './suite';
import { gmEncryptContentWithNonce } from './formats';
import { gmEncryptSummaryWithNonce } from './staff';

/**
 * Issue 21: project vectors of the GM suite's staff-side formats (docs/crypto.md, "The GM suite: staff side"),
 * in their own file beside vectors/gm-v1.json. Every output is deterministic (fixed keys and nonces).
 * Regenerate only on a deliberate format change: GM_STAFF_VECTORS_WRITE=1 npx vitest run <this file>.
 */
const FILE = fileURLToPath(new URL('../vectors/gm-staff-v1.json', import.meta.url));
const KEY = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const NONCE = 'a0a1a2a3a4a5a6a7a8a9aaab';
const CTX = { reportId: 'r-0001', authorId: 'staff-7', kind: 'note' };

function compute(): Record<string, Record<string, string>> {
	const key = fromHex(KEY);
	const note = gmEncryptContentWithNonce(noteKey(key, CTX, gmSuite), utf8('内部意见：先核实'), fromHex(NONCE));
	note[1] = Kind.note;
	const index = blindIndexKey(key, 'organ-1', gmSuite);
	const blind = blindPerson(index, '张三', '某某局', gmSuite);
	const lead = leadKey(key, 'organ-1', 'lead-1', gmSuite);
	const details = gmEncryptContentWithNonce(
		gmSuite.subkey(lead, 'details'),
		utf8(JSON.stringify({ matter: '线索' })),
		fromHex(NONCE)
	);
	const reg = registerKeys('0123-4567-89AB-CDEF-GHJK-MNPQ', gmSuite);
	return {
		note: { reportKey: KEY, nonce: NONCE, ...CTX, plaintextUtf8: '内部意见：先核实', output: toHex(note) },
		summary: {
			reportKey: KEY,
			nonce: NONCE,
			plaintextUtf8: '张三 · 收受礼金',
			output: toHex(gmEncryptSummaryWithNonce(key, utf8('张三 · 收受礼金'), fromHex(NONCE)))
		},
		blindIndex: {
			organKey: KEY,
			organId: 'organ-1',
			name: '张三',
			unit: '某某局',
			indexKey: toHex(index),
			blindName: toHex(blind.blindName),
			output: toHex(blind.blindNameUnit)
		},
		leadDetails: { organKey: KEY, organId: 'organ-1', leadId: 'lead-1', nonce: NONCE, output: toHex(details) },
		registerKey: {
			key: '0123-4567-89AB-CDEF-GHJK-MNPQ',
			handle: reg.handle,
			auth: reg.auth,
			output: toHex(reg.content)
		}
	};
}

describe('GM staff-side vectors (vectors/gm-staff-v1.json)', () => {
	if (process.env.GM_STAFF_VECTORS_WRITE === '1') writeFileSync(FILE, `${JSON.stringify(compute(), null, '\t')}\n`);
	const committed = JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, Record<string, string>>;

	it('recomputes every vector exactly', () => {
		expect(compute()).toEqual(committed);
	});

	it('opens the committed outputs with the staff-side functions', () => {
		const key = fromHex(KEY);
		expect(fromUtf8(decryptNote(key, CTX, fromHex(committed.note!.output!), gmSuite))).toBe('内部意见：先核实');
		expect(fromUtf8(decryptSummary(key, fromHex(committed.summary!.output!), gmSuite))).toBe('张三 · 收受礼金');
		expect(decryptLeadDetails(key, 'organ-1', 'lead-1', fromHex(committed.leadDetails!.output!), gmSuite)).toEqual({
			matter: '线索'
		});
		expect(fromHex(committed.summary!.output!).length).toBe(1066);
	});
});
