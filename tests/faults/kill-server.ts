/**
 * Fault: `kill -9` of the app server in the middle of a run of submissions, restart on the same storage
 * (architecture invariant 6: acknowledged means durable; nothing half-done stays visible or stored).
 *
 *   npx tsx tests/faults/kill-server.ts                       # PGlite (E2E_DB=postgres for PostgreSQL)
 *   FAULT_REPORTS=5000 FAULT_CONCURRENCY=32 E2E_DB=postgres TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
 *     npx tsx tests/faults/kill-server.ts
 *
 * Clients (worker threads, tests/bench/intake-lib.ts) submit FAULT_REPORTS reports through the real
 * endpoints: most without attachments, 20 % with one of 30 KiB (one part), 5 % with one of 1.2 MiB (two
 * parts), so some are mid-upload at any moment. Once FAULT_KILL_AT reports are acknowledged the server
 * gets SIGKILL, and is started again on the same storage and port; the clients do not retry (a failed
 * submission is abandoned, as a reporter closing the tab would). Then:
 *  - every acknowledged receipt opens through the API (spec → PoW → open), and its content and file
 *    decrypt to exactly what was sent;
 *  - a commit whose answer was lost in the kill may or may not be stored: each is opened too, and must
 *    either open complete or be unknown (403), never anything in between;
 *  - the stored reports are exactly the acknowledged ones plus such lost-answer commits (no report without
 *    a receipt), none without wraps, no committed file with a missing or short part;
 *  - the cleanup job (cleanupExpired, with a clock past every expiry) removes every staged intake, file and
 *    part, and nothing committed.
 * Counts are printed; the process exits non-zero when a check fails.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, startServer, type Server } from '../e2e/harness';
import { startWithKeyedDemo } from '../e2e/keyed-demo';
import {
	DEMO_TARGET,
	fetchRecipients,
	HttpClient,
	openAndVerify,
	pool,
	runClients,
	type WorkerResult
} from '../bench/intake-lib';

export interface KillFaultOptions {
	reports: number;
	concurrency: number;
	/** SIGKILL once this many reports are acknowledged. */
	killAt: number;
	workers?: number;
	log?: (line: string) => void;
}

export interface KillFaultResult {
	submitted: number;
	acknowledged: number;
	/** Commit sent, no answer (the kill): committed or not, the client cannot know. */
	answerLost: number;
	/** Of those, how many are stored (and open complete). */
	answerLostStored: number;
	failedBeforeCommit: number;
	opened: number;
	openFailures: string[];
	stored: number;
	storedWithoutReceipt: string[];
	acknowledgedMissing: string[];
	reportsWithoutWraps: number;
	incompleteCommittedFiles: number;
	staged: { intakes: number; files: number; parts: number };
	cleaned: { intakes: number; attachments: number; parts: number };
	afterCleanup: { intakes: number; files: number; parts: number; reports: number };
	killedAfterMs: number;
	downMs: number;
}

const SERVER_ENV = {
	POW_DIFFICULTY: '8',
	POW_FREE_PER_MINUTE: '1000000',
	INTAKE_PER_HOUR: '100000',
	RECEIPT_PER_10MIN: '100000',
	// The cleanup job is run by the test itself, with a clock past expiry.
	JOBS: 'off',
	LOG_LEVEL: 'warn'
};

function inspectStorage(
	server: Server,
	cleanup: boolean
): Promise<{
	before: Inspection;
	cleaned: { intakes: number; attachments: number; parts: number } | null;
	after: Inspection | null;
}> {
	const args = [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'tests/faults/inspect-db.ts'];
	if (server.databaseUrl) args.push('--database-url', server.databaseUrl);
	else args.push('--data-dir', server.dataDir!);
	if (cleanup) args.push('--cleanup');
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, args, {
			cwd: root,
			env: { ...process.env, NODE_OPTIONS: '' },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
		child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
		child.once('error', reject);
		child.once('close', (code) => {
			if (code !== 0) reject(new Error(`inspect-db exited with ${code}: ${err}`));
			else resolve(JSON.parse(out.trim().split('\n').pop()!));
		});
	});
}

interface Inspection {
	reports: number;
	locators: string[];
	reportsWithoutWraps: number;
	committedFiles: number;
	incompleteCommittedFiles: number;
	stagedIntakes: number;
	stagedFiles: number;
	stagedParts: number;
}

export async function runKillFault(o: KillFaultOptions): Promise<KillFaultResult> {
	const log = o.log ?? ((l: string) => console.log(l));
	const { server: first, keys } = await startWithKeyedDemo({ testKdf: true, env: SERVER_ENV });
	let current: Server = first;
	let killed = false;
	try {
		const recipients = await fetchRecipients(first.url, DEMO_TARGET, keys.rootPublicKey);
		log(
			`server on ${first.db}, ${recipients.length} recipients; ${o.reports} reports, ${o.concurrency} clients, kill -9 after ${o.killAt} acknowledged`
		);
		let killedAfterMs = 0;
		let downMs = 0;
		const { results } = await runClients(
			{
				base: first.url,
				workers: o.workers ?? 2,
				concurrency: o.concurrency,
				count: o.reports,
				seed: 7,
				pauseAfterFailureMs: 300,
				prepare: {
					target: DEMO_TARGET,
					recipients,
					mix: {
						sizes: [
							[0, 75],
							[30 * 1024, 20],
							[1200 * 1024, 5]
						]
					},
					keyPool: 32
				}
			},
			async (elapsed, progress) => {
				while (progress().acknowledged < o.killAt && progress().finished < o.reports)
					await new Promise((r) => setTimeout(r, 20));
				killedAfterMs = elapsed();
				process.kill(first.pid, 'SIGKILL');
				killed = true;
				await first.exited;
				log(
					`  SIGKILL at ${(killedAfterMs / 1000).toFixed(1)} s with ${progress().acknowledged} acknowledged; restarting on the same storage and port`
				);
				const t = performance.now();
				current = await startServer({
					reuse: first,
					env: { ...SERVER_ENV, PORT: String(first.port), ORIGIN: first.url }
				});
				downMs = performance.now() - t;
				log(`  back after ${(downMs / 1000).toFixed(1)} s`);
			}
		);
		const receipts = results.flatMap((r: WorkerResult) => r.receipts);
		const acknowledged = receipts.filter((r) => r.acknowledged);
		const lost = receipts.filter((r) => !r.acknowledged && r.commitSent);
		const failedBeforeCommit = receipts.filter((r) => !r.acknowledged && !r.commitSent).length;
		log(
			`  submitted ${receipts.length}: acknowledged ${acknowledged.length}, answer lost at commit ${lost.length}, failed before commit ${failedBeforeCommit}`
		);

		// Every acknowledged receipt opens a complete report; lost answers open complete or not at all.
		const client = new HttpClient(first.url, 16);
		const checks = await pool(acknowledged, 16, (r) => openAndVerify(client, r));
		const openFailures = checks.filter((c) => !c.ok).map((c) => `${c.locator}: ${c.why}`);
		const lostChecks = await pool(lost, 16, (r) => openAndVerify(client, r));
		const lostStored = new Set<string>();
		for (const c of lostChecks) {
			if (c.ok) lostStored.add(c.locator);
			else if (c.why !== 'open 403 receipt_not_recognised') openFailures.push(`${c.locator} (answer lost): ${c.why}`);
		}
		client.close();
		log(
			`  opened ${checks.length - openFailures.length}/${acknowledged.length} acknowledged receipts (content and files decrypted and compared); ${lostStored.size}/${lost.length} lost-answer commits are stored and open complete`
		);

		// Storage: stop gracefully (the storage stays), look inside, run the cleanup job, look again.
		process.kill(current.pid, 'SIGTERM');
		await current.exited;
		const inspection = await inspectStorage(current, true);
		const before = inspection.before;
		const stored = new Set(before.locators);
		const ackSet = new Set(acknowledged.map((r) => r.locator));
		const storedWithoutReceipt = before.locators.filter((l) => !ackSet.has(l) && !lostStored.has(l));
		const acknowledgedMissing = [...ackSet].filter((l) => !stored.has(l));
		const after = inspection.after!;
		const result: KillFaultResult = {
			submitted: receipts.length,
			acknowledged: acknowledged.length,
			answerLost: lost.length,
			answerLostStored: lostStored.size,
			failedBeforeCommit,
			opened: checks.length - checks.filter((c) => !c.ok).length,
			openFailures,
			stored: before.reports,
			storedWithoutReceipt,
			acknowledgedMissing,
			reportsWithoutWraps: before.reportsWithoutWraps,
			incompleteCommittedFiles: before.incompleteCommittedFiles,
			staged: { intakes: before.stagedIntakes, files: before.stagedFiles, parts: before.stagedParts },
			cleaned: inspection.cleaned!,
			afterCleanup: {
				intakes: after.stagedIntakes,
				files: after.stagedFiles,
				parts: after.stagedParts,
				reports: after.reports
			},
			killedAfterMs,
			downMs
		};
		log(
			`  stored ${result.stored} reports (acknowledged ${acknowledged.length} + answer lost but committed ${lostStored.size}); stored without a receipt: ${storedWithoutReceipt.length}; acknowledged missing: ${acknowledgedMissing.length}`
		);
		log(
			`  committed files ${before.committedFiles}, incomplete ${before.incompleteCommittedFiles}; reports without wraps ${before.reportsWithoutWraps}`
		);
		log(
			`  staged before cleanup: ${before.stagedIntakes} intakes, ${before.stagedFiles} files, ${before.stagedParts} parts; cleaned: ${result.cleaned.intakes} intakes, ${result.cleaned.attachments} files, ${result.cleaned.parts} parts`
		);
		log(
			`  after cleanup: ${after.stagedIntakes} intakes, ${after.stagedFiles} files, ${after.stagedParts} parts staged; ${after.reports} reports`
		);
		log(
			`  COUNTS acknowledged=${result.acknowledged} stored=${result.stored} answer_lost_stored=${result.answerLostStored} cleaned_parts=${result.cleaned.parts} cleaned_intakes=${result.cleaned.intakes}`
		);
		return result;
	} finally {
		// Removes the storage (the killed server's storage moved to its successor at restart).
		if (killed) await current.stop();
		else await first.stop();
	}
}

/** The checks, as a list of failures (empty: all good). */
export function killFaultFailures(r: KillFaultResult): string[] {
	const f: string[] = [];
	if (r.acknowledged === 0) f.push('nothing was acknowledged');
	if (r.openFailures.length)
		f.push(`receipts that did not open complete: ${r.openFailures.slice(0, 5).join('; ')} (${r.openFailures.length})`);
	if (r.acknowledgedMissing.length) f.push(`acknowledged but not stored: ${r.acknowledgedMissing.length}`);
	if (r.storedWithoutReceipt.length) f.push(`stored without a receipt: ${r.storedWithoutReceipt.length}`);
	if (r.stored !== r.acknowledged + r.answerLostStored)
		f.push(`stored ${r.stored} != acknowledged ${r.acknowledged} + lost-answer stored ${r.answerLostStored}`);
	if (r.reportsWithoutWraps) f.push(`reports without wraps: ${r.reportsWithoutWraps}`);
	if (r.incompleteCommittedFiles) f.push(`committed files with missing parts: ${r.incompleteCommittedFiles}`);
	if (r.afterCleanup.intakes || r.afterCleanup.files || r.afterCleanup.parts)
		f.push(`left after cleanup: ${JSON.stringify(r.afterCleanup)}`);
	if (r.afterCleanup.reports !== r.stored)
		f.push(`cleanup touched committed reports: ${r.stored} → ${r.afterCleanup.reports}`);
	if (r.cleaned.intakes !== r.staged.intakes || r.cleaned.parts !== r.staged.parts)
		f.push(`cleanup removed ${JSON.stringify(r.cleaned)} of ${JSON.stringify(r.staged)}`);
	return f;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const reports = Number(process.env.FAULT_REPORTS ?? 3000);
	runKillFault({
		reports,
		concurrency: Number(process.env.FAULT_CONCURRENCY ?? 24),
		killAt: Number(process.env.FAULT_KILL_AT ?? Math.floor(reports / 3))
	}).then(
		(r) => {
			const failures = killFaultFailures(r);
			for (const f of failures) console.error(`FAIL: ${f}`);
			console.log(failures.length === 0 ? 'kill -9: all checks passed' : 'kill -9: FAILED');
			process.exit(failures.length === 0 ? 0 : 1);
		},
		(e) => {
			console.error(e);
			process.exit(1);
		}
	);
}
