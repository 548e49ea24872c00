import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuditFormatError, canonicalJson, computeHash, encodeEntry, nextEntry, normalizeAt, ZERO_HASH } from './chain';
import { chain, fields } from '../../../../tests/support/audit-chains';

describe('the entry format', () => {
	it('hashes exactly the documented byte layout (independent encoder here)', () => {
		const entry = {
			seq: 7n,
			at: '2026-02-13T09:30:00.000Z',
			actor: 'staff-1',
			action: 'workflow.approve',
			reportId: 'r-9',
			organId: null,
			details: { to: 'concluded', from: 'close_requested' },
			prevHash: 'ab'.repeat(32)
		};
		const f = (s: string | Buffer) => {
			const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
			const len = Buffer.alloc(4);
			len.writeUInt32BE(b.length);
			return Buffer.concat([len, b]);
		};
		const bytes = Buffer.concat([
			f('qingfeng.audit.v1'),
			f('7'),
			f('2026-02-13T09:30:00.000Z'),
			f('staff-1'),
			f('workflow.approve'),
			Buffer.from([1]),
			f('r-9'),
			Buffer.from([0]),
			f('{"from":"close_requested","to":"concluded"}'),
			f(Buffer.from('ab'.repeat(32), 'hex'))
		]);
		expect(Buffer.from(encodeEntry(entry)).equals(bytes)).toBe(true);
		expect(computeHash(entry)).toBe(createHash('sha256').update(bytes).digest('hex'));
	});

	it('null and empty string, and field boundaries, encode differently', () => {
		const base = {
			seq: 1,
			at: '2026-01-01T00:00:00.000Z',
			actor: 'a',
			action: 'x',
			reportId: null,
			organId: 'o',
			details: null,
			prevHash: ZERO_HASH
		};
		expect(() => computeHash({ ...base, reportId: '' })).toThrow(AuditFormatError); // empty ids are refused, not confused with null
		const h1 = computeHash({ ...base, actor: 'ab', action: 'c' });
		const h2 = computeHash({ ...base, actor: 'a', action: 'bc' });
		expect(h1).not.toBe(h2);
		expect(computeHash({ ...base, reportId: null, organId: 'o' })).not.toBe(
			computeHash({ ...base, reportId: 'o', organId: null })
		);
	});

	it('canonical JSON sorts keys at every depth and refuses what is not JSON', () => {
		expect(canonicalJson({ b: [1, { y: 2, x: 'é"' }], a: -0 })).toBe('{"a":0,"b":[1,{"x":"é\\"","y":2}]}');
		expect(canonicalJson(JSON.parse('{"__proto__":1,"a":true}'))).toBe('{"__proto__":1,"a":true}');
		// eslint-disable-next-line no-sparse-arrays -- an array with a hole is one of the values refused
		for (const bad of [NaN, Infinity, undefined, new Date(0), 1n, () => 1, [1, , 2], new Map()]) {
			expect(() => canonicalJson(bad), String(bad)).toThrow(AuditFormatError);
		}
	});

	it('takes the instant as a Date or an ISO string and hashes one form of it', () => {
		expect(normalizeAt(new Date('2026-02-13T09:30:00Z'))).toBe('2026-02-13T09:30:00.000Z');
		expect(normalizeAt('2026-02-13T17:30:00+08:00')).toBe('2026-02-13T09:30:00.000Z');
		expect(normalizeAt('2026-02-13T09:30:00.120000Z')).toBe('2026-02-13T09:30:00.120Z');
		for (const bad of [
			'2026-02-13',
			'2026-02-13T09:30:00.1234Z',
			'2026-02-31T00:00:00Z',
			'2026-02-31T08:00:00+08:00',
			'2026-02-13T24:00:00Z',
			'yesterday',
			12
		]) {
			expect(() => normalizeAt(bad), String(bad)).toThrow(AuditFormatError);
		}
	});

	it('nextEntry chains, numbers from 1 and refuses details that must not be logged', () => {
		const [a, b] = chain(2);
		expect(a).toMatchObject({ seq: 1n, prevHash: ZERO_HASH });
		expect(b).toMatchObject({ seq: 2n, prevHash: a?.hash });
		const f = fields(0);
		expect(() => nextEntry(null, { ...f, details: { content: 'the report says …' } })).toThrow(/not allowed/);
		expect(() => nextEntry(null, { ...f, details: { x: [{ IP: '10.0.0.1' }] } })).toThrow(/not allowed/);
		expect(() => nextEntry(null, { ...f, details: { x: 'a\u0000b' } })).toThrow(AuditFormatError);
		expect(() => nextEntry(null, { ...f, details: { x: 'y'.repeat(9000) } })).toThrow(/bytes/);
		expect(() => nextEntry(null, { ...f, actor: '' })).toThrow(AuditFormatError);
		expect(() => nextEntry(null, { ...f, reportId: 'r\u0000' })).toThrow(/NUL/);
	});
});
