/**
 * Fault (issue 7): kill -9 of the server in the middle of a run of submissions, restart on the same storage.
 * Every acknowledged receipt opens a complete report, no report without a receipt is stored, and the
 * cleanup job removes every half-uploaded part. The CI-sized run of tests/faults/kill-server.ts (which
 * documents the checks; the big run is `FAULT_REPORTS=3000 npx tsx tests/faults/kill-server.ts`).
 * FAULT_CI_REPORTS / FAULT_CI_CONCURRENCY size it (default 240 reports, 12 clients, killed after 80).
 */
import { expect, it } from 'vitest';
import { killFaultFailures, runKillFault } from '../faults/kill-server';

const REPORTS = Number(process.env.FAULT_CI_REPORTS ?? 240);

it('keeps every acknowledged report and nothing else across a kill -9', async () => {
	const lines: string[] = [];
	const r = await runKillFault({
		reports: REPORTS,
		concurrency: Number(process.env.FAULT_CI_CONCURRENCY ?? 12),
		killAt: Math.floor(REPORTS / 3),
		log: (l) => lines.push(l)
	});
	console.log(lines.join('\n'));
	expect(r.acknowledged).toBeGreaterThan(REPORTS / 3 - 1);
	expect(r.openFailures).toEqual([]);
	expect(r.acknowledgedMissing).toEqual([]);
	expect(r.storedWithoutReceipt).toEqual([]);
	expect(r.stored).toBe(r.acknowledged + r.answerLostStored);
	expect(r.incompleteCommittedFiles).toBe(0);
	expect(r.reportsWithoutWraps).toBe(0);
	expect(r.afterCleanup).toEqual({ intakes: 0, files: 0, parts: 0, reports: r.stored });
	expect(killFaultFailures(r)).toEqual([]);
}, 240_000);
