import { describe, expect, it } from 'vitest';
import { describeDb } from '$support/db';
import { powApi } from '$lib/server/http/reporter';
import { fromBase64Url, toBase64Url } from '$lib/shared/encoding';
import { CHALLENGE_LENGTH, leadingZeroBits } from '$lib/shared/pow';
import { issueChallenge, powHash, PowLoad, purgeSpent, solvePow, spendPow, verifyPow } from './pow';
import { jsonRequest, NOW, SETTINGS } from '../../../../tests/support/reporter-world';

describe('PowLoad', () => {
	it('adds one bit per doubling above the free rate, at most 8, and falls back after a quiet minute', () => {
		const load = new PowLoad();
		const t = NOW.getTime() - (NOW.getTime() % 60_000);
		expect(load.extraBits(t, 10)).toBe(0);
		for (let i = 0; i < 10; i++) load.count(t);
		expect(load.extraBits(t, 10)).toBe(0);
		load.count(t);
		expect(load.extraBits(t, 10)).toBe(1);
		for (let i = 0; i < 14; i++) load.count(t);
		expect(load.extraBits(t, 10)).toBe(2); // 25 = 2.5 × free
		// The next minute still remembers the busy one ...
		expect(load.extraBits(t + 60_000, 10)).toBe(2);
		// ... a quiet minute later it is back to normal.
		expect(load.extraBits(t + 120_000, 10)).toBe(0);
		for (let i = 0; i < 100_000; i++) load.count(t + 180_000);
		expect(load.extraBits(t + 180_000, 10)).toBe(8);
	});

	it('counts in a shorter window when configured (POW_WINDOW_SECONDS), with the free rate scaled to it', () => {
		const load = new PowLoad();
		const w = 5_000; // 60 per minute = 5 per 5-second window
		const t = NOW.getTime() - (NOW.getTime() % w);
		for (let i = 0; i < 5; i++) load.count(t, w);
		expect(load.extraBits(t, 60, w)).toBe(0);
		for (let i = 0; i < 15; i++) load.count(t + 1_000, w);
		expect(load.extraBits(t + 1_000, 60, w)).toBe(2); // 20 = 4 × free
		expect(load.extraBits(t + w, 60, w)).toBe(2); // the next window remembers the busy one
		expect(load.extraBits(t + 2 * w, 60, w)).toBe(0); // a quiet window later it is back
	});

	it('counts leading zero bits', () => {
		expect(leadingZeroBits(new Uint8Array([0, 0, 0x10]))).toBe(19);
		expect(leadingZeroBits(new Uint8Array([0x80]))).toBe(0);
		expect(leadingZeroBits(new Uint8Array([0, 0]))).toBe(16);
	});
});

describeDb('proof of work', (get) => {
	const ctx = () => ({ db: get().db, settings: SETTINGS, address: 'addr:x', now: NOW });

	it('POST /pow answers a challenge in the documented layout', async () => {
		const r = await powApi(ctx(), jsonRequest('/api/v1/pow', { purpose: 'receipt' }));
		expect(r.status).toBe(200);
		const body = r.body as { challenge: string; difficulty: number; expiresAt: number };
		expect(Object.keys(body).sort()).toEqual(['challenge', 'difficulty', 'expiresAt']);
		const bytes = fromBase64Url(body.challenge, CHALLENGE_LENGTH)!;
		expect(bytes.length).toBe(39);
		expect([...bytes.subarray(0, 3)]).toEqual([1, 2, SETTINGS.powDifficulty]);
		expect(body.difficulty).toBe(SETTINGS.powDifficulty);
		expect(body.expiresAt).toBe(NOW.getTime() / 1000 + 600);
		expect(new DataView(bytes.buffer).getUint32(3)).toBe(body.expiresAt);
	});

	it.each([
		['an unknown purpose', { purpose: 'login' }],
		['no purpose', {}],
		['a number', { purpose: 1 }]
	])('POST /pow refuses %s with 400 invalid_field', async (_n, body) => {
		const r = await powApi(ctx(), jsonRequest('/api/v1/pow', body));
		expect(r).toMatchObject({ status: 400, body: { error: { code: 'invalid_field', field: 'purpose' } } });
	});

	it('accepts a solved challenge once, for its purpose, until it expires', async () => {
		const { db } = get();
		const c = await issueChallenge(db, 'intake', { difficulty: 8, freePerMinute: 1000, load: new PowLoad() }, NOW);
		const nonce = solvePow(c.challenge, 8);
		expect(leadingZeroBits(powHash(fromBase64Url(c.challenge, 39)!, nonce))).toBeGreaterThanOrEqual(8);
		const ok = await verifyPow(db, { challenge: c.challenge, nonce }, 'intake', NOW);
		expect(ok.ok).toBe(true);
		expect(await verifyPow(db, { challenge: c.challenge, nonce }, 'receipt', NOW)).toEqual({
			ok: false,
			code: 'pow_invalid'
		});
		expect(await verifyPow(db, { challenge: c.challenge, nonce }, 'intake', new Date(NOW.getTime() + 600_000))).toEqual(
			{ ok: false, code: 'pow_expired' }
		);
		if (!ok.ok) throw new Error('unreachable');
		expect(await spendPow(db, ok)).toBe(true);
		expect(await spendPow(db, ok)).toBe(false);
		// Purged once expired, not before; the stored expiry is the next UTC midnight (issue 16, a day only).
		expect(await purgeSpent(db, NOW)).toBe(0);
		expect(await purgeSpent(db, new Date(NOW.getTime() + 601_000))).toBe(0);
		const midnight = Math.ceil((NOW.getTime() + 600_000) / 86_400_000) * 86_400_000;
		expect(await purgeSpent(db, new Date(midnight - 1))).toBe(0);
		expect(await purgeSpent(db, new Date(midnight + 1))).toBe(1);
	});

	it('refuses forged, tampered, unsolved and malformed solutions', async () => {
		const { db } = get();
		const c = await issueChallenge(db, 'intake', { difficulty: 8, freePerMinute: 1000, load: new PowLoad() }, NOW);
		const bytes = fromBase64Url(c.challenge, 39)!;
		const nonce = solvePow(c.challenge, 8);
		let bad = 0;
		while (leadingZeroBits(powHash(bytes, bad)) >= 8) bad++;
		const easier = bytes.slice();
		easier[2] = 0; // lower the difficulty: the tag no longer matches
		const otherPurpose = bytes.slice();
		otherPurpose[1] = 2;
		const v2 = bytes.slice();
		v2[0] = 2;
		const cases: [unknown, string][] = [
			[undefined, 'pow_required'],
			[null, 'pow_required'],
			['x', 'pow_invalid'],
			[{ challenge: c.challenge }, 'pow_invalid'],
			[{ challenge: c.challenge, nonce: -1 }, 'pow_invalid'],
			[{ challenge: c.challenge, nonce: 1.5 }, 'pow_invalid'],
			[{ challenge: c.challenge, nonce: 2 ** 53 }, 'pow_invalid'],
			[{ challenge: c.challenge, nonce: String(nonce) }, 'pow_invalid'],
			[{ challenge: c.challenge, nonce: bad }, 'pow_invalid'],
			[{ challenge: toBase64Url(easier), nonce: bad }, 'pow_invalid'],
			[{ challenge: toBase64Url(otherPurpose), nonce }, 'pow_invalid'],
			[{ challenge: toBase64Url(v2), nonce }, 'pow_invalid'],
			[{ challenge: c.challenge.slice(0, -2), nonce }, 'pow_invalid'],
			[{ challenge: `${c.challenge}=`, nonce }, 'pow_invalid'],
			[{ challenge: 12, nonce }, 'pow_invalid']
		];
		for (const [pow, code] of cases)
			expect(await verifyPow(db, pow, 'intake', NOW), JSON.stringify(pow)).toEqual({ ok: false, code });
		expect((await verifyPow(db, { challenge: c.challenge, nonce }, 'intake', NOW)).ok).toBe(true);
	});
});
