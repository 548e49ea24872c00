/**
 * A reporter from Node, for process tests that need no browser: the reporter's own client library
 * (src/lib/client/report: routing check, signed directory verified, files encrypted, receipt, proof of
 * work, upload, commit; and follow-up with the receipt) with the crypto worker run in-process and proof of
 * work solved synchronously. Keep POW_DIFFICULTY low on the server under test.
 */
import { submitReport, type SubmitResult } from '../../src/lib/client/report/submit';
import { openReceipt, type FollowUpSession } from '../../src/lib/client/report/followup';
import { syncSolver } from '../../src/lib/client/report/pow';
import { inProcessCrypto } from '../support/in-process';
import type { PositionKind } from '../../src/lib/shared/vocabulary/report';

export interface PlainFile {
	name: string;
	type: string;
	data: Uint8Array;
}

const net = (base: string) => ({
	fetch: (url: string, init?: RequestInit) => fetch(`${base}${url}`, init),
	powSolver: syncSolver,
	retry: { wait: async () => {} }
});

/** Submits an anonymous report about `unit`'s `position` with `files`; `intake: true` forces the upload path (parts) even for small files. */
export async function submitAsReporter(
	base: string,
	opts: {
		unit: string;
		position: PositionKind;
		person: string;
		description: string;
		files: PlainFile[];
		intake?: boolean;
	}
): Promise<SubmitResult> {
	const { crypto } = inProcessCrypto();
	return submitReport(
		{
			routing: {
				unit: opts.unit,
				position: opts.position,
				category: 'integrity',
				escalate: false,
				realName: false
			},
			details: { person: { name: opts.person, post: '局长' }, description: opts.description },
			files: opts.files.map((f) => ({
				file: new Blob([f.data as BlobPart], { type: f.type }),
				name: f.name,
				type: f.type
			}))
		},
		{ ...net(base), crypto, inlineMaxBytes: opts.intake ? -1 : undefined }
	);
}

/** Opens a report with its receipt, as /follow-up does. */
export async function openAsReporter(base: string, locator: string, secret: string): Promise<FollowUpSession> {
	const { crypto } = inProcessCrypto();
	return openReceipt(locator, secret, { ...net(base), crypto });
}

/** Deterministic bytes for a test file. */
export function bytesOf(n: number, seed: number): Uint8Array {
	const out = new Uint8Array(n);
	let x = seed >>> 0 || 1;
	for (let i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		out[i] = x & 0xff;
	}
	return out;
}
