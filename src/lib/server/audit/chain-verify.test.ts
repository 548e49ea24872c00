import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	ChainVerifier,
	genesisHash,
	nextEntry,
	verifyChain,
	verifyChainSync,
	ZERO_HASH,
	type AuditEntry,
	type AuditFields,
	type Json
} from './chain';
import { chain, fields, rechain } from '../../../../tests/support/audit-chains';

describe('verifying', () => {
	it('accepts an intact chain (array, async iterable, string seqs from an int8 column) and an empty one', async () => {
		const c = chain(12);
		const ok = { ok: true, count: 12, head: c[11]?.hash, lastSeq: 12n };
		expect(verifyChainSync(c)).toEqual(ok);
		async function* rows() {
			for (const e of c) yield { ...e, seq: e.seq.toString() };
		}
		expect(await verifyChain(rows())).toEqual(ok);
		expect(verifyChainSync([])).toEqual({ ok: true, count: 0, head: ZERO_HASH, lastSeq: null });
	});

	it('uses a per-installation genesis', () => {
		const g = genesisHash('installation-1');
		expect(g).toMatch(/^[0-9a-f]{64}$/);
		expect(g).not.toBe(genesisHash('installation-2'));
		const c = chain(3, g);
		expect(verifyChainSync(c, { genesis: g }).ok).toBe(true);
		expect(verifyChainSync(c)).toEqual({ ok: false, firstBad: 1n, index: 0, reason: 'prev_mismatch' });
	});

	const N = 10;
	const tamper: [keyof AuditEntry, (e: AuditEntry) => AuditEntry, string][] = [
		['at', (e) => ({ ...e, at: new Date(Date.parse(String(e.at)) + 1000).toISOString() }), 'hash_mismatch'],
		['actor', (e) => ({ ...e, actor: 'staff-evil' }), 'hash_mismatch'],
		['action', (e) => ({ ...e, action: 'report.view' }), 'hash_mismatch'],
		['reportId', (e) => ({ ...e, reportId: e.reportId === null ? 'r-x' : null }), 'hash_mismatch'],
		['organId', (e) => ({ ...e, organId: 'organ-x' }), 'hash_mismatch'],
		['details', (e) => ({ ...e, details: { ...(e.details as Record<string, Json>), step: -1 } }), 'hash_mismatch'],
		['prevHash', (e) => ({ ...e, prevHash: 'f'.repeat(64) }), 'prev_mismatch'],
		['hash', (e) => ({ ...e, hash: '0'.repeat(64) }), 'hash_mismatch']
	];

	it('names the tampered row for a change to any field of any row', () => {
		for (let k = 0; k < N; k++) {
			for (const [name, change, reason] of tamper) {
				const c = chain(N);
				c[k] = change(c[k] as AuditEntry);
				expect(verifyChainSync(c), `${name} of row ${k + 1}`).toEqual({
					ok: false,
					firstBad: BigInt(k + 1),
					index: k,
					reason
				});
			}
			const up = chain(N);
			up[k] = { ...(up[k] as AuditEntry), seq: BigInt(k + 1 + 5) };
			expect(verifyChainSync(up)).toEqual({ ok: false, firstBad: BigInt(k + 6), index: k, reason: 'seq_gap' });
			if (k > 0) {
				const down = chain(N);
				down[k] = { ...(down[k] as AuditEntry), seq: BigInt(k) };
				expect(verifyChainSync(down)).toEqual({ ok: false, firstBad: BigInt(k), index: k, reason: 'seq_order' });
			}
		}
	});

	it('a malformed stored value is reported as such at its row', () => {
		const c = chain(4);
		c[2] = { ...(c[2] as AuditEntry), at: 'not a time' };
		expect(verifyChainSync(c)).toEqual({ ok: false, firstBad: 3n, index: 2, reason: 'malformed' });
		const d = chain(4);
		d[1] = { ...(d[1] as AuditEntry), seq: 'two' };
		expect(verifyChainSync(d)).toEqual({ ok: false, firstBad: 2n, index: 1, reason: 'malformed' });
	});

	it('detects two rows swapped, in content or in order', () => {
		const c = chain(N);
		const [i, j] = [3, 6];
		const swapped = c.map((e, n) =>
			n === i ? { ...(c[j] as AuditEntry), seq: e.seq } : n === j ? { ...(c[i] as AuditEntry), seq: e.seq } : e
		);
		expect(verifyChainSync(swapped)).toEqual({ ok: false, firstBad: BigInt(i + 1), index: i, reason: 'prev_mismatch' });
		const reordered = [...c];
		reordered[i] = c[j] as AuditEntry;
		reordered[j] = c[i] as AuditEntry;
		expect(verifyChainSync(reordered)).toEqual({ ok: false, firstBad: BigInt(j + 1), index: i, reason: 'seq_gap' });
		// neighbours swapped and renumbered: the hash covers the seq
		const renumbered = [...c];
		renumbered[4] = { ...(c[5] as AuditEntry), seq: 5n, prevHash: (c[3] as AuditEntry).hash };
		renumbered[5] = { ...(c[4] as AuditEntry), seq: 6n };
		expect(verifyChainSync(renumbered)).toEqual({ ok: false, firstBad: 5n, index: 4, reason: 'hash_mismatch' });
	});

	it('detects a deleted first or middle row', () => {
		const c = chain(N);
		expect(verifyChainSync([...c.slice(0, 4), ...c.slice(5)])).toEqual({
			ok: false,
			firstBad: 6n,
			index: 4,
			reason: 'seq_gap'
		});
		expect(verifyChainSync(c.slice(1))).toEqual({ ok: false, firstBad: 2n, index: 0, reason: 'seq_gap' });
		// deleted and the rest renumbered: the next row no longer links
		const renumbered = [...c.slice(0, 4), ...c.slice(5).map((e) => ({ ...e, seq: BigInt(e.seq) - 1n }))];
		expect(verifyChainSync(renumbered)).toEqual({ ok: false, firstBad: 5n, index: 4, reason: 'prev_mismatch' });
	});

	it('detects a deleted last row only against an anchor', () => {
		const c = chain(N);
		const anchor = { count: N, head: (c[N - 1] as AuditEntry).hash };
		expect(verifyChainSync(c, { anchor }).ok).toBe(true);
		expect(verifyChainSync(c.slice(0, -1))).toMatchObject({ ok: true, count: N - 1 }); // without an anchor it cannot be seen
		expect(verifyChainSync(c.slice(0, -1), { anchor })).toEqual({
			ok: false,
			firstBad: BigInt(N),
			index: N - 1,
			reason: 'truncated'
		});
		expect(verifyChainSync([], { anchor })).toEqual({ ok: false, firstBad: 1n, index: 0, reason: 'truncated' });
		// entries appended after the anchor are fine
		const longer = [...c, nextEntry(c[N - 1] as AuditEntry, fields(N))];
		expect(verifyChainSync(longer, { anchor })).toMatchObject({ ok: true, count: N + 1 });
	});

	it('detects an inserted row', () => {
		const c = chain(N);
		const k = 4; // insert after row seq 5
		const prev = c[k] as AuditEntry;
		// 1) with a seq that is already taken
		const dup = nextEntry(c[k - 1] as AuditEntry, fields(99));
		expect(verifyChainSync([...c.slice(0, k + 1), dup, ...c.slice(k + 1)])).toEqual({
			ok: false,
			firstBad: 5n,
			index: k + 1,
			reason: 'seq_order'
		});
		// 2) well formed and linked, the later rows renumbered but not re-hashed
		const inserted = nextEntry(prev, fields(99));
		const shifted = c.slice(k + 1).map((e) => ({ ...e, seq: BigInt(e.seq) + 1n }));
		expect(verifyChainSync([...c.slice(0, k + 1), inserted, ...shifted])).toEqual({
			ok: false,
			firstBad: 7n,
			index: k + 2,
			reason: 'prev_mismatch'
		});
		// 3) everything after it re-hashed: only the anchor catches it
		const forged = rechain([...c.slice(0, k + 1), inserted, ...shifted], k + 1);
		expect(verifyChainSync(forged).ok).toBe(true);
		const anchor = { count: N, head: (c[N - 1] as AuditEntry).hash };
		expect(verifyChainSync(forged, { anchor })).toEqual({
			ok: false,
			firstBad: BigInt(N),
			index: N - 1,
			reason: 'anchor_mismatch'
		});
	});

	it('the streaming verifier stops at the first failure and keeps reporting it', () => {
		const c = chain(5);
		c[1] = { ...(c[1] as AuditEntry), actor: 'x' };
		const v = new ChainVerifier();
		expect(v.push(c[0] as AuditEntry)).toBeNull();
		const f = v.push(c[1] as AuditEntry);
		expect(f).toEqual({ ok: false, firstBad: 2n, index: 1, reason: 'hash_mismatch' });
		expect(v.push(c[2] as AuditEntry)).toBe(f);
		expect(v.finish()).toBe(f);
	});
});

describe('random chains (fast-check)', () => {
	const json = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
	const row = fc.record({
		at: fc
			.integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') })
			.map((t) => new Date(t).toISOString()),
		actor: fc.oneof(fc.constant('system'), fc.uuid()),
		action: fc.constantFrom('report.open', 'workflow.approve', 'report.grant', 'admin.staff.create'),
		reportId: fc.option(fc.uuid(), { nil: null }),
		organId: fc.option(fc.stringMatching(/^[a-z0-9-]{1,12}$/), { nil: null }),
		details: fc.dictionary(fc.stringMatching(/^k_[a-z]{1,6}$/), json, { maxKeys: 4 })
	});
	const build = (rows: AuditFields[]) => {
		const out: AuditEntry[] = [];
		for (const r of rows) out.push(nextEntry(out[out.length - 1] ?? null, r));
		return out;
	};
	/** Rows the writer accepts (random JSON may hold NUL or a forbidden key such as "text" deep inside). */
	const accepted = (r: AuditFields) => {
		try {
			nextEntry(null, r);
			return true;
		} catch {
			return false;
		}
	};
	const cleanRows = fc.array(row.filter(accepted), { minLength: 1, maxLength: 25 });

	it('intact chains verify, and their canonical details survive a JSON round trip (as through jsonb)', () => {
		fc.assert(
			fc.property(cleanRows, (rows) => {
				const c = build(rows);
				const trip = c.map((e) => ({
					...e,
					details: JSON.parse(JSON.stringify(e.details)) as Json,
					at: new Date(String(e.at))
				}));
				const r = verifyChainSync(trip);
				expect(r).toEqual({ ok: true, count: c.length, head: c[c.length - 1]?.hash, lastSeq: BigInt(c.length) });
			}),
			{ numRuns: 200 }
		);
	});

	it('any single change to a row is found at that row; any single deletion at the next', () => {
		fc.assert(
			fc.property(
				cleanRows,
				fc.nat(),
				fc.constantFrom('at', 'actor', 'action', 'reportId', 'organId', 'details', 'prevHash', 'hash'),
				fc.nat(),
				(rows, at, field, pos) => {
					const c = build(rows);
					const k = at % c.length;
					const e = c[k] as AuditEntry;
					const changed: AuditEntry =
						field === 'at'
							? { ...e, at: new Date(Date.parse(String(e.at)) + 1).toISOString() }
							: field === 'actor'
								? { ...e, actor: `${e.actor}!` }
								: field === 'action'
									? { ...e, action: `${e.action}.x` }
									: field === 'reportId'
										? { ...e, reportId: e.reportId === null ? 'r' : null }
										: field === 'organId'
											? { ...e, organId: e.organId === null ? 'o' : `${e.organId}o` }
											: field === 'details'
												? { ...e, details: { ...(e.details as Record<string, Json>), not_generated: 1 } }
												: field === 'prevHash'
													? { ...e, prevHash: createHash('sha256').update(e.prevHash).digest('hex') }
													: { ...e, hash: createHash('sha256').update(e.hash).digest('hex') };
					const t = [...c];
					t[k] = changed;
					const r = verifyChainSync(t);
					expect(r).toEqual({
						ok: false,
						firstBad: BigInt(k + 1),
						index: k,
						reason: field === 'prevHash' ? 'prev_mismatch' : 'hash_mismatch'
					});
					if (c.length > 1) {
						const d = pos % c.length;
						const without = c.filter((_, n) => n !== d);
						const anchor = { count: c.length, head: c[c.length - 1]?.hash as string };
						const rd = verifyChainSync(without, { anchor });
						expect(rd.ok).toBe(false);
						if (!rd.ok) {
							expect(rd.firstBad).toBe(BigInt(d + 2 <= c.length ? d + 2 : c.length));
							expect(rd.reason).toBe(d === c.length - 1 ? 'truncated' : 'seq_gap');
						}
					}
				}
			),
			{ numRuns: 300 }
		);
	});
});
