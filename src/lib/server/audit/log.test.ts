/**
 * The audit log in the database: appends under the advisory lock (concurrent, rolled back), tampering
 * detected by verifyAuditLog (content change, reorder, deletion in the middle and at the end, a rewritten
 * anchor against an anchor kept elsewhere), and `npm run audit:verify` itself run as a child process.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { openDatabase, type Db } from '$lib/server/db';
import { describeDb } from '$support/db';
import { appendAuditTx, auditAdmin, verifyAuditLog } from './log';

class Rollback extends Error {}

/**
 * Runs `tamper` and the verification inside a transaction that is rolled back. The tampering runs as a
 * superuser with the append-only trigger bypassed (the maintenance switch, docs/security.md).
 */
async function tampered(db: Db, tamper: (tx: Db) => Promise<void>, anchor?: { count: bigint; head: string }) {
	let result: Awaited<ReturnType<typeof verifyAuditLog>> | null = null;
	try {
		await db.transaction(async (txRaw) => {
			const tx = txRaw as unknown as Db;
			await tx.execute(sql`set local session_replication_role = replica`);
			await tamper(tx);
			result = await verifyAuditLog(tx, { anchor });
			throw new Rollback();
		});
	} catch (e) {
		if (!(e instanceof Rollback)) throw e;
	}
	return result!;
}

async function fill(db: Db, n: number): Promise<void> {
	for (let i = 0; i < n; i++) {
		await appendAuditTx(db, {
			actor: '00000000-0000-4000-8000-00000000000' + (i % 10),
			action: i % 2 ? 'report.open' : 'workflow.register',
			reportId: null,
			organId: 'o-city',
			details: { i, list: [1, 'two'] }
		});
	}
}

function runVerify(
	env: Record<string, string>,
	args: string[] = []
): Promise<{ code: number; stdout: string; stderr: string }> {
	const root = process.cwd();
	const clean: Record<string, string> = {};
	for (const [k, v] of Object.entries(process.env))
		if (
			v !== undefined &&
			!k.startsWith('VITEST') &&
			!k.startsWith('__VITEST') &&
			k !== 'NODE_OPTIONS' &&
			k !== 'DATABASE_URL' &&
			k !== 'DATA_DIR'
		)
			clean[k] = v;
	return new Promise((resolve) => {
		execFile(
			process.execPath,
			[path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/audit-verify.ts', ...args],
			{ cwd: root, env: { ...clean, ...env }, timeout: 120_000 },
			(err, stdout, stderr) => {
				resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
			}
		);
	});
}

describeDb('audit log', (get, backend) => {
	it('appends a verifiable chain, concurrently and without gaps; a rolled-back action leaves no entry', async () => {
		const { db } = get();
		expect(await verifyAuditLog(db)).toMatchObject({ ok: true, count: 0 });
		await fill(db, 5);
		await Promise.all(
			Array.from({ length: 12 }, (_, i) =>
				appendAuditTx(db, { actor: 'system', action: 'test.parallel', reportId: null, organId: null, details: { i } })
			)
		);
		try {
			await db.transaction(async (tx) => {
				await appendAuditTx(tx as unknown as Db, {
					actor: 'system',
					action: 'test.rolled_back',
					reportId: null,
					organId: null,
					details: {}
				}).catch(() => {});
				throw new Rollback();
			});
		} catch (e) {
			if (!(e instanceof Rollback)) throw e;
		}
		await auditAdmin(db, { id: '00000000-0000-4000-8000-000000000001' }, 'users.disable', { userId: 'x' });
		// Details the chain refuses (a forbidden key) are replaced by their keys, the action is still logged.
		await auditAdmin(db, 'system', 'admin.calendar.edit', { body: 'plaintext' });
		const r = await verifyAuditLog(db);
		expect(r).toMatchObject({ ok: true, count: 19 });
		const rows = (await db.execute(
			sql`select seq::int as seq, action, details from audit_log order by seq`
		)) as unknown;
		const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as {
			seq: number;
			action: string;
			details: unknown;
		}[];
		expect(list.map((x) => x.seq)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
		expect(list.some((x) => x.action === 'test.rolled_back')).toBe(false);
		expect(list[17]!.action).toBe('admin.users.disable');
		expect(list[18]).toMatchObject({ action: 'admin.calendar.edit', details: { refusedDetails: ['body'] } });
	});

	it('detects a changed row, a reorder, a deletion in the middle and at the end, and a rewritten anchor', async () => {
		const { db } = get();
		const good = await verifyAuditLog(db);
		if (!good.ok) throw new Error('chain should verify');
		const n = good.count;

		expect(
			await tampered(
				db,
				async (tx) => void (await tx.execute(sql`update audit_log set details = '{"i": 99}' where seq = 3`))
			)
		).toMatchObject({ ok: false, firstBad: 3n, reason: 'hash_mismatch' });
		expect(
			await tampered(
				db,
				async (tx) => void (await tx.execute(sql`update audit_log set action = 'report.export' where seq = 4`))
			)
		).toMatchObject({ ok: false, firstBad: 4n, reason: 'hash_mismatch' });
		expect(
			await tampered(
				db,
				async (tx) => void (await tx.execute(sql`update audit_log set at = at + interval '1 second' where seq = 2`))
			)
		).toMatchObject({ ok: false, firstBad: 2n });
		// Reorder: rows 2 and 3 swap places (their seq numbers swapped).
		expect(
			await tampered(db, async (tx) => {
				await tx.execute(sql`update audit_log set seq = -2 where seq = 2`);
				await tx.execute(sql`update audit_log set seq = 2 where seq = 3`);
				await tx.execute(sql`update audit_log set seq = 3 where seq = -2`);
			})
		).toMatchObject({ ok: false, firstBad: 2n, reason: 'prev_mismatch' });
		// Deletion in the middle.
		expect(
			await tampered(db, async (tx) => void (await tx.execute(sql`delete from audit_log where seq = 5`)))
		).toMatchObject({ ok: false, firstBad: 6n, reason: 'seq_gap' });
		// Deletion of the last entry: the anchor row counts one more.
		expect(
			await tampered(db, async (tx) => void (await tx.execute(sql`delete from audit_log where seq = ${n}`)))
		).toMatchObject({ ok: false, firstBad: BigInt(n), reason: 'truncated' });
		// Deleting the anchor row too: detected (entries without an anchor).
		expect(
			await tampered(db, async (tx) => {
				await tx.execute(sql`delete from audit_log where seq = ${n}`);
				await tx.execute(sql`delete from audit_anchor`);
			})
		).toMatchObject({ ok: false, reason: 'anchor_mismatch' });
		// Cutting the end and rewriting the anchor row to match: only an anchor kept elsewhere catches it.
		const cut = async (tx: Db) => {
			await tx.execute(sql`delete from audit_log where seq = ${n}`);
			await tx.execute(
				sql`update audit_anchor set count = ${n - 1}, head = (select hash from audit_log where seq = ${n - 1})`
			);
		};
		expect(await tampered(db, cut)).toMatchObject({ ok: true, count: n - 1 });
		expect(await tampered(db, cut, { count: BigInt(n), head: good.head })).toMatchObject({
			ok: false,
			reason: 'truncated'
		});
		// An entry inserted behind the writer's back (anchor not updated) is refused.
		expect(
			await tampered(db, async (tx) => {
				await tx.execute(
					sql`insert into audit_log (seq, at, actor, action, details, prev_hash, hash) select seq + 1, at, actor, action, details, hash, hash from audit_log where seq = ${n}`
				);
			})
		).toMatchObject({ ok: false });
		expect(await verifyAuditLog(db)).toMatchObject({ ok: true, count: n });
	});

	it('`npm run audit:verify` prints the head, and names the first broken entry with exit code 1', async () => {
		let env: Record<string, string>;
		let dir: string | null = null;
		let target: { db: Db; close(): Promise<void> };
		if (backend === 'pglite') {
			dir = mkdtempSync(path.join(tmpdir(), 'qf-audit-'));
			env = { DATA_DIR: dir };
			target = await openDatabase({ databaseUrl: null, dataDir: dir });
		} else {
			env = { DATABASE_URL: (get() as ReturnType<typeof get> & { url: string | null }).url! };
			target = get();
		}
		try {
			if (backend === 'pglite') await fill(target.db, 6);
			const good = await verifyAuditLog(target.db);
			if (!good.ok) throw new Error('chain should verify');
			if (backend === 'pglite') await target.close();

			const ok = await runVerify(env);
			expect(ok.stderr).toBe('');
			expect(ok.code).toBe(0);
			expect(ok.stdout.trim()).toBe(`audit chain OK: ${good.count} entries, head ${good.head}`);
			const anchored = await runVerify(env, ['--anchor', `${good.count}:${good.head}`]);
			expect(anchored.code).toBe(0);

			if (backend === 'pglite') target = await openDatabase({ databaseUrl: null, dataDir: dir! });
			await target.db.transaction(async (tx) => {
				await tx.execute(sql`set local session_replication_role = replica`);
				await tx.execute(sql`update audit_log set details = '{"tampered": true}' where seq = 3`);
			});
			if (backend === 'pglite') await target.close();
			const bad = await runVerify(env);
			expect(bad.code).toBe(1);
			expect(bad.stderr).toContain('BROKEN at entry seq 3');
			expect(bad.stderr).toContain('hash_mismatch');
			expect((await runVerify(env, ['--anchor', 'nonsense'])).code).toBe(2);
		} finally {
			if (dir) rmSync(dir, { recursive: true, force: true });
		}
	}, 180_000);
});
