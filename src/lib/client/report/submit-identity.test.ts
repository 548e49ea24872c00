/**
 * Issue 19: the report kind and the reporter's role (您的身份) are inside the ciphertext only. A fellow
 * team member's report is stored exactly like a public tip (the same clear columns), and no code of either
 * vocabulary is anywhere in the database, in any form the canary search knows.
 */
import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { describeDb } from '../../../../tests/support/reporter-server';
import { CANARY, input, setupWith, worldOf } from '../../../../tests/support/submit-setup';
import { findCanary, rowsDump } from '../../../../tests/e2e/dump';
import { REPORT_KINDS, REPORTER_ROLES, reportKindOf } from '../../shared/vocabulary/report';
import { submitReport } from './submit';

describeDb('the kind and the reporter’s role stay inside the ciphertext', (get) => {
	const world = worldOf(get);

	it('stores a team member’s report like a public tip; no kind or role code in any clear column or the dump', async () => {
		const { server, options } = await setupWith(get, world);
		const base = input({ files: [] });
		const tip = await submitReport({ ...base, details: { ...base.details, kind: 'public_tip' } }, options);
		const peer = await submitReport(
			{
				...base,
				details: {
					...base.details,
					kind: reportKindOf('public_tip', 'leadership_team'),
					reporterRole: 'leadership_team'
				}
			},
			options
		);
		const { db } = get();
		const rowsOf = async (text: ReturnType<typeof sql>) => {
			const res = (await db.execute(text)) as unknown as
				{ rows?: Record<string, unknown>[] } | Record<string, unknown>[];
			return Array.isArray(res) ? res : (res.rows ?? []);
		};
		const rowOf = async (locator: string) => {
			const [r] = await rowsOf(sql`select * from report where locator = ${locator.replace('-', '')}`);
			if (!r) throw new Error(`no report ${locator}`);
			return r;
		};
		const a = await rowOf(tip.locator);
		const b = await rowOf(peer.locator);
		const peerLocator = String(b.locator);
		// Everything but the row's identity and its ciphertexts (random, of the same sizes) is the same.
		const CIPHERTEXTS = ['content', 'summary', 'kdf_spec', 'auth_hash', 'receipt_wrapped'];
		const clear = (r: Record<string, unknown>) => ({
			...Object.fromEntries(
				Object.entries(r).filter(([k]) => k !== 'id' && k !== 'locator' && !CIPHERTEXTS.includes(k))
			),
			sizes: CIPHERTEXTS.map((k) => (r[k] as Uint8Array | null)?.length ?? null)
		});
		expect(clear(b)).toEqual(clear(a));
		expect(Object.keys(a)).not.toContain('kind');
		expect(Object.keys(a)).toContain('position');

		// Staff open the team member's report and find both inside.
		const w = await world();
		const stored = (await server.reports()).find((r) => r.locator === peerLocator);
		if (!stored) throw new Error('not stored');
		const opened = server.openAs(stored, w.alice).content as Record<string, unknown>;
		expect(opened).toMatchObject({ v: 2, kind: 'peer_report', reporterRole: 'leadership_team' });
		expect(JSON.stringify(opened)).toContain(CANARY);

		// No code of either vocabulary anywhere in the database (every row of every table), in any form.
		const dump = await rowsDump({
			query: async <T>(text: string) => {
				const res = (await db.execute(sql.raw(text))) as unknown as { rows?: T[] } | T[];
				return { rows: Array.isArray(res) ? res : (res.rows ?? []) };
			}
		});
		expect(dump).toContain(peerLocator); // the dump does hold the reports
		for (const code of [...REPORT_KINDS, ...REPORTER_ROLES]) expect(findCanary(dump, code), code).toEqual([]);
	}, 120_000);
});
