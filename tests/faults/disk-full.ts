/**
 * Fault: the disk under the data folder fills up (PGlite on a small tmpfs), then space is freed.
 * Needs root (mount); a script, not part of CI:
 *
 *   npx tsx tests/faults/disk-full.ts        (FAULT_HEADROOM_MB=3 FAULT_ATTACHMENT_KB=300)
 *
 * The keyed demo is prepared on an ordinary PGlite folder, copied onto a tmpfs sized to hold it plus
 * 80 MiB, and a filler file then takes all but FAULT_HEADROOM_MB of it. Reports with attachments are
 * submitted one after another until the storage refuses: every answer must be a clear JSON error
 * (507 storage_full or 503 unavailable, with Retry-After), never a 500 and never a hang (30 s timeout per
 * request). The filler is deleted and, without restarting the app, submissions must succeed again. Then
 * every acknowledged receipt must open complete, the stored reports must be exactly the acknowledged
 * ones, no committed file may lack a part, and the cleanup job must remove what the refused submissions
 * staged. The tmpfs is unmounted at the end, whatever happens.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root, startServer, type Server } from '../e2e/harness';
import { startWithKeyedDemo } from '../e2e/keyed-demo';
import {
	DEMO_TARGET,
	fetchRecipients,
	HttpClient,
	openAndVerify,
	pool,
	prepareReports,
	submitOne,
	type Outcome,
	type PreparedReport
} from '../bench/intake-lib';

const HEADROOM_MB = Number(process.env.FAULT_HEADROOM_MB ?? 3);
const ATTACHMENT_KB = Number(process.env.FAULT_ATTACHMENT_KB ?? 300);
const ENV = {
	POW_DIFFICULTY: '8',
	POW_FREE_PER_MINUTE: '1000000',
	INTAKE_PER_HOUR: '100000',
	RECEIPT_PER_10MIN: '100000',
	JOBS: 'off',
	LOG_LEVEL: 'warn'
};

function duBytes(dir: string): number {
	return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
}

function inspect(dataDir: string): Promise<{
	before: Record<string, number> & { locators: string[] };
	cleaned: Record<string, number>;
	after: Record<string, number>;
}> {
	const args = [
		path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
		'tests/faults/inspect-db.ts',
		'--data-dir',
		dataDir,
		'--cleanup'
	];
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, args, {
			cwd: root,
			env: { ...process.env, NODE_OPTIONS: '' },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (c: Buffer) => (out += c));
		child.stderr.on('data', (c: Buffer) => (err += c));
		child.once('close', (code) =>
			code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(err))
		);
	});
}

async function main(): Promise<number> {
	process.env.E2E_DB = 'pglite';
	const failures: string[] = [];
	const base = mkdtempSync(path.join(os.tmpdir(), 'qf-diskfull-'));
	const mount = path.join(base, 'mnt');
	mkdirSync(mount);
	let mounted = false;
	let server: Server | null = null;
	try {
		// 1. The keyed demo on an ordinary folder, copied onto a tmpfs just large enough.
		const { server: seed, keys } = await startWithKeyedDemo({ testKdf: true, env: ENV });
		process.kill(seed.pid, 'SIGTERM');
		await seed.exited;
		const size = duBytes(seed.dataDir!);
		// Room for growth: PostgreSQL preallocates 16 MiB WAL segments, so freeing the filler must give back more.
		const tmpfsMb = Math.ceil(size / 2 ** 20) + 80;
		try {
			execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${tmpfsMb}m`, 'tmpfs', mount]);
			mounted = true;
		} catch (e) {
			console.error(
				`mount -t tmpfs failed (${(e as Error).message.split('\n')[0]}): this script needs root and permission to mount.`
			);
			await seed.stop();
			return 2;
		}
		const dataDir = path.join(mount, 'data');
		cpSync(seed.dataDir!, dataDir, { recursive: true });
		await seed.stop(); // removes the original folder
		server = await startServer({ dataDir, env: ENV });
		const recipients = await fetchRecipients(server.url, DEMO_TARGET, keys.rootPublicKey);
		const client = new HttpClient(server.url, 4);

		const fs = statfsSync(mount);
		const free = fs.bavail * fs.bsize;
		const filler = path.join(mount, 'filler');
		writeFileSync(filler, Buffer.alloc(Math.max(0, free - HEADROOM_MB * 2 ** 20)));
		const left = statfsSync(mount);
		console.log(
			`PGlite data folder ${(size / 2 ** 20).toFixed(1)} MiB on a ${tmpfsMb} MiB tmpfs; filler leaves ${((left.bavail * left.bsize) / 2 ** 20).toFixed(1)} MiB free; reports with a ${ATTACHMENT_KB} KiB attachment`
		);

		// 2. Submit until the storage refuses (or 200 reports).
		const reports: PreparedReport[] = prepareReports({
			target: DEMO_TARGET,
			recipients,
			count: 260,
			mix: { sizes: [[ATTACHMENT_KB * 1024, 1]] },
			keyPool: 4,
			seed: 5
		});
		const outcomes: Outcome[] = [];
		const acknowledged: PreparedReport[] = [];
		const lost: PreparedReport[] = [];
		let refusals = 0;
		let next = 0;
		const statusOf = new Map<string, number>();
		while (next < 200 && refusals < 8) {
			const r = reports[next++]!;
			const o = await submitOne(client, r);
			outcomes.push(o);
			if (o.ok) acknowledged.push(r);
			else {
				refusals++;
				statusOf.set(`${o.stage}: ${o.error}`, (statusOf.get(`${o.stage}: ${o.error}`) ?? 0) + 1);
				if (o.stage === 'commit') lost.push(r);
			}
		}
		console.log(
			`  while full: ${acknowledged.length} acknowledged, then refusals: ${[...statusOf].map(([k, n]) => `${n} × ${k}`).join('; ') || 'none'}`
		);
		if (refusals === 0)
			failures.push('the storage never filled up (raise FAULT_ATTACHMENT_KB or lower FAULT_HEADROOM_MB)');
		for (const o of outcomes) {
			if (o.ok) continue;
			if (!/^(507 storage_full|503 unavailable)$/.test(o.error ?? ''))
				failures.push(`refused without a clear 507/503: ${o.stage}: ${o.error} after ${o.ms.toFixed(0)} ms`);
		}

		// 3. Free the space: the same app must accept submissions again.
		rmSync(filler);
		let recovered = 0;
		const after: Outcome[] = [];
		for (let i = 0; i < 10 && next < reports.length; i++) {
			const r = reports[next++]!;
			const o = await submitOne(client, r);
			after.push(o);
			if (!o.ok) console.log(`    attempt ${i + 1} after freeing: ${o.stage}: ${o.error}`);
			if (o.ok) {
				acknowledged.push(r);
				recovered++;
			} else if (o.stage === 'commit') lost.push(r);
		}
		console.log(
			`  after freeing the space (no restart): ${recovered}/10 acknowledged${
				recovered < 10
					? ` (failures: ${after
							.filter((o) => !o.ok)
							.map((o) => `${o.stage}: ${o.error}`)
							.join('; ')})`
					: ''
			}`
		);
		if (recovered < 10) failures.push(`the app did not recover after the space was freed: ${recovered}/10`);

		// 4. Every acknowledged receipt opens complete; lost answers open complete or not at all.
		const toReceipt = (r: PreparedReport, ack: boolean) => ({
			locator: r.locator,
			authKey: r.authKey,
			unwrapKey: r.unwrapKey,
			attachmentPlainBytes: r.attachmentPlainBytes,
			attachmentSeed: r.attachmentSeed,
			acknowledged: ack,
			commitSent: true
		});
		const checks = await pool(
			acknowledged.map((r) => toReceipt(r, true)),
			4,
			(r) => openAndVerify(client, r)
		);
		const lostChecks = await pool(
			lost.map((r) => toReceipt(r, false)),
			4,
			(r) => openAndVerify(client, r)
		);
		for (const c of checks) if (!c.ok) failures.push(`acknowledged ${c.locator} does not open: ${c.why}`);
		for (const c of lostChecks)
			if (!c.ok && c.why !== 'open 403 receipt_not_recognised')
				failures.push(`refused commit ${c.locator} half there: ${c.why}`);
		const lostStored = new Set(lostChecks.filter((c) => c.ok).map((c) => c.locator));
		client.close();

		// 5. Storage: exactly the acknowledged reports, complete; the cleanup job removes what was staged.
		process.kill(server.pid, 'SIGTERM');
		await server.exited;
		const seen = await inspect(dataDir);
		const ack = new Set(acknowledged.map((r) => r.locator));
		const extra = seen.before.locators.filter((l) => !ack.has(l) && !lostStored.has(l));
		const missing = [...ack].filter((l) => !seen.before.locators.includes(l));
		if (extra.length) failures.push(`stored without a receipt: ${extra.length}`);
		if (missing.length) failures.push(`acknowledged but missing: ${missing.length}`);
		if (seen.before.incompleteCommittedFiles || seen.before.reportsWithoutWraps)
			failures.push(`incomplete committed reports: ${JSON.stringify(seen.before)}`);
		if (seen.after.stagedIntakes || seen.after.stagedFiles || seen.after.stagedParts)
			failures.push(`left after cleanup: ${JSON.stringify(seen.after)}`);
		console.log(
			`  COUNTS acknowledged=${ack.size} opened=${checks.filter((c) => c.ok).length} stored=${seen.before.reports} refused=${refusals} ` +
				`staged_before_cleanup=${seen.before.stagedIntakes}/${seen.before.stagedFiles}/${seen.before.stagedParts} (intakes/files/parts) ` +
				`cleaned=${seen.cleaned.intakes}/${seen.cleaned.attachments}/${seen.cleaned.parts} incomplete_committed=${seen.before.incompleteCommittedFiles}`
		);
	} finally {
		if (server) await server.stop().catch(() => {});
		if (mounted && process.env.FAULT_KEEP) console.log(`kept ${mount} (FAULT_KEEP)`);
		else if (mounted) {
			try {
				execFileSync('umount', [mount]);
			} catch (e) {
				console.error(`umount ${mount} failed: ${(e as Error).message}`);
			}
		}
		if (existsSync(base) && !process.env.FAULT_KEEP) rmSync(base, { recursive: true, force: true });
	}
	for (const f of failures) console.error(`FAIL: ${f}`);
	console.log(failures.length === 0 ? 'disk full: all checks passed' : 'disk full: FAILED');
	return failures.length === 0 ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(e) => {
		console.error(e);
		process.exit(1);
	}
);
