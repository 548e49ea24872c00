/**
 * Issue 16: the audit log is append-only in the database (migration 0012's trigger refuses UPDATE, DELETE
 * and TRUNCATE, superusers included unless they flip the maintenance switch), and a signed anchor kept
 * outside the database catches a chain rewritten consistently by someone who did flip it: in process and
 * through `npm run audit:verify -- --anchor FILE --anchor-key HEX`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { openDatabase, type Db } from '$lib/server/db';
import { describeDb } from '$support/db';
import { AnchorError, anchorPublicKey, checkSignedAnchor, parseSeed, signAnchor, signCurrentHead } from './anchor';
import { runAuditAnchor } from './anchor-job';
import { nextEntry, type AuditEntry } from './chain';
import { appendAuditTx, readAuditLog, verifyAuditLog } from './log';

const SEED = parseSeed('11'.repeat(32));
const PUB = anchorPublicKey(SEED);

async function fill(db: Db, n: number): Promise<void> {
	for (let i = 0; i < n; i++)
		await appendAuditTx(db, {
			actor: 'system',
			action: 'keys.entry_sign',
			reportId: null,
			organId: null,
			details: { i }
		});
}

/** Postgres error code of a failed query (drizzle wraps the driver's error in `cause`). */
async function codeOf(p: Promise<unknown>): Promise<string | null> {
	try {
		await p;
		return null;
	} catch (e) {
		const err = e as { code?: string; cause?: { code?: string } };
		return err.cause?.code ?? err.code ?? 'unknown';
	}
}

/**
 * What someone with superuser access and the trigger bypassed can do: change entry `seq`'s details and
 * recompute every later hash and the anchor row, so the chain is consistent again inside the database.
 */
async function rewriteChain(db: Db, seq: number): Promise<void> {
	const all: AuditEntry[] = [];
	for await (const e of readAuditLog(db)) all.push(e);
	await db.transaction(async (tx) => {
		await tx.execute(sql`set local session_replication_role = replica`);
		let head: { seq: bigint; hash: string } | null = null;
		for (const e of all) {
			const details = Number(e.seq) === seq ? { i: 'rewritten' } : e.details;
			const n = nextEntry(head, { ...e, details });
			await tx.execute(
				sql`update audit_log set details = ${JSON.stringify(details)}::jsonb, prev_hash = decode(${n.prevHash}, 'hex'), hash = decode(${n.hash}, 'hex') where seq = ${e.seq}`
			);
			head = { seq: BigInt(n.seq), hash: n.hash };
		}
		await tx.execute(sql`update audit_anchor set head = decode(${head!.hash}, 'hex')`);
	});
}

function runVerify(env: Record<string, string>, args: string[]): Promise<{ code: number; out: string }> {
	const clean: Record<string, string> = {};
	for (const [k, v] of Object.entries(process.env))
		if (v !== undefined && !k.includes('VITEST') && !['NODE_OPTIONS', 'DATABASE_URL', 'DATA_DIR'].includes(k))
			clean[k] = v;
	return new Promise((resolve) => {
		execFile(
			process.execPath,
			[path.join(process.cwd(), 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/audit-verify.ts', ...args],
			{ cwd: process.cwd(), env: { ...clean, ...env }, timeout: 120_000 },
			(err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr })
		);
	});
}

it('an anchor file refuses a changed field, another signer and a pinned-key mismatch', () => {
	const a = signAnchor({ count: 7n, head: 'ab'.repeat(32) }, SEED, new Date('2026-12-01T00:00:00Z'));
	const text = JSON.stringify(a);
	expect(checkSignedAnchor(text, new Uint8Array(Buffer.from(PUB, 'hex')))).toMatchObject({ count: 7n });
	const moved = JSON.stringify({ ...a, count: '6' });
	expect(() => checkSignedAnchor(moved)).toThrow(AnchorError);
	const other = signAnchor({ count: 7n, head: a.head }, parseSeed('22'.repeat(32)));
	expect(() => checkSignedAnchor(JSON.stringify(other), new Uint8Array(Buffer.from(PUB, 'hex')))).toThrow(
		/pinned anchor key/
	);
	expect(() => checkSignedAnchor('{"format":"x"}')).toThrow(/not a qingfeng-audit-anchor-v1/);
});

describeDb('append-only audit log', (get, backend) => {
	it('UPDATE, DELETE and TRUNCATE of audit rows fail; appends and the anchor row still work', async () => {
		const { db } = get();
		await fill(db, 3);
		expect(await codeOf(db.execute(sql`update audit_log set action = 'x' where seq = 2`))).toBe('42501');
		expect(await codeOf(db.execute(sql`delete from audit_log where seq = 3`))).toBe('42501');
		expect(await codeOf(db.execute(sql`truncate audit_log`))).toBe('42501');
		await fill(db, 1);
		expect(await verifyAuditLog(db)).toMatchObject({ ok: true, count: 4 });
	});

	it('the anchor job writes a signed head outside the database when configured, nothing otherwise', async () => {
		const { db } = get();
		const dir = mkdtempSync(path.join(tmpdir(), 'qf-anchor-'));
		try {
			const keyFile = path.join(dir, 'anchor.key');
			writeFileSync(keyFile, '11'.repeat(32) + '\n');
			expect(await runAuditAnchor(db, new Date(), {})).toEqual({ written: false, count: 0 });
			const out = path.join(dir, 'anchors');
			const env = { AUDIT_ANCHOR_KEY_FILE: keyFile, AUDIT_ANCHOR_DIR: out };
			expect(await runAuditAnchor(db, new Date(), env)).toEqual({ written: true, count: 4 });
			const [file] = readdirSync(out);
			const a = checkSignedAnchor(readFileSync(path.join(out, file!), 'utf8'), Buffer.from(PUB, 'hex'));
			expect(a.count).toBe(4n);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('a chain rewritten with the trigger bypassed verifies alone but fails against the exported anchor (CLI too)', async () => {
		let target: { db: Db; close(): Promise<void> };
		let env: Record<string, string>;
		const tmp = mkdtempSync(path.join(tmpdir(), 'qf-anchor-cli-'));
		if (backend === 'pglite') {
			const dir = path.join(tmp, 'data');
			env = { DATA_DIR: dir };
			target = await openDatabase({ databaseUrl: null, dataDir: dir });
			await fill(target.db, 4);
		} else {
			env = { DATABASE_URL: (get() as ReturnType<typeof get> & { url: string | null }).url! };
			target = get();
		}
		try {
			const anchorFile = path.join(tmp, 'anchor.json');
			const signed = await signCurrentHead(target.db, SEED);
			writeFileSync(anchorFile, JSON.stringify(signed));
			const anchor = checkSignedAnchor(readFileSync(anchorFile, 'utf8'));
			expect(await verifyAuditLog(target.db, { anchor })).toMatchObject({ ok: true, count: 4 });

			await rewriteChain(target.db, 2);
			// Inside the database everything agrees again: only the outside anchor catches it.
			expect(await verifyAuditLog(target.db)).toMatchObject({ ok: true, count: 4 });
			// The anchor holds the head only, so the mismatch shows at the anchored entry.
			expect(await verifyAuditLog(target.db, { anchor })).toMatchObject({
				ok: false,
				firstBad: 4n,
				reason: 'anchor_mismatch'
			});
			await expect(signCurrentHead(target.db, SEED, new Date(), anchor)).rejects.toThrow(/broken/);

			if (backend === 'pglite') await target.close();
			const bad = await runVerify(env, ['--anchor', anchorFile, '--anchor-key', PUB]);
			expect(bad.out).toContain('BROKEN at entry seq 4');
			expect(bad.code).toBe(1);
			const forged = path.join(tmp, 'forged.json');
			writeFileSync(forged, JSON.stringify({ ...signed, head: 'cd'.repeat(32) }));
			const refused = await runVerify(env, ['--anchor', forged, '--anchor-key', PUB]);
			expect(refused.out).toContain('audit anchor REFUSED');
			expect(refused.code).toBe(1);
		} finally {
			rmSync(tmp, { recursive: true, force: true });
		}
	}, 180_000);
});
