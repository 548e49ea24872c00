/**
 * A worker thread of reporter clients (see intake-lib.ts): prepares its reports (encryption, receipts),
 * says `ready`, then on `go` submits them with `concurrency` requests in flight and posts the outcomes.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import {
	HttpClient,
	UndiciClient,
	prepareReports,
	submitOne,
	type Outcome,
	type WorkerJob,
	type WorkerResult
} from './intake-lib';

const job = workerData as WorkerJob;
const reports = prepareReports(job.prepare);
const counters = job.progress ? new Int32Array(job.progress) : null;
parentPort!.postMessage({ type: 'ready' });

/** BENCH_CLIENT_PROF=<folder>: a V8 CPU profile of this thread's timed window (read with tests/bench/cpu-top.ts). */
const profDir = process.env.BENCH_CLIENT_PROF;

parentPort!.once('message', async () => {
	const session = profDir ? new Session() : null;
	if (session) {
		session.connect();
		await session.post('Profiler.enable');
		await session.post('Profiler.start');
	}
	const client =
		job.http === 'undici' ? new UndiciClient(job.base, job.concurrency) : new HttpClient(job.base, job.concurrency);
	const outcomes: Outcome[] = [];
	const receipts: WorkerResult['receipts'] = [];
	const startedAt = Date.now();
	let next = 0;
	let stop = false;
	await Promise.all(
		Array.from({ length: job.concurrency }, async () => {
			while (!stop) {
				const i = next++;
				if (i >= reports.length) return;
				const r = reports[i]!;
				const o = await submitOne(client, r, undefined, undefined, job.wire);
				outcomes.push(o);
				if (counters) {
					Atomics.add(counters, 0, 1);
					if (o.ok) Atomics.add(counters, 1, 1);
				}
				receipts.push({
					locator: r.locator,
					authKey: r.authKey,
					unwrapKey: r.unwrapKey,
					attachmentPlainBytes: r.attachmentPlainBytes,
					attachmentSeed: r.attachmentSeed,
					acknowledged: o.ok,
					commitSent: o.stage === 'commit'
				});
				if (!o.ok) {
					if (job.stopOnFailure) stop = true;
					else if (job.pauseAfterFailureMs > 0) await new Promise((res) => setTimeout(res, job.pauseAfterFailureMs));
				}
			}
		})
	);
	client.close();
	if (session && profDir) {
		const { profile } = await session.post('Profiler.stop');
		mkdirSync(profDir, { recursive: true });
		writeFileSync(`${profDir}/client-${process.pid}-${threadId}.cpuprofile`, JSON.stringify(profile));
		session.disconnect();
	}
	const result: WorkerResult = { outcomes, receipts, startedAt, endedAt: Date.now() };
	parentPort!.postMessage({ type: 'done', result });
});
