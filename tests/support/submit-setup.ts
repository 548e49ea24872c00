/**
 * The set-up the reporter's submit tests share (src/lib/client/report/submit*.test.ts): the report input,
 * the client options, and a ReporterServer over the real handlers on a world built once per database.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ReportInput, SubmitOptions, SubmitProgress } from '$lib/client/report/submit';
import type { RoutingChoice } from '$lib/client/report/routing';
import { syncSolver } from '$lib/client/report/pow';
import type { Database } from '$lib/server/db';
import { PART_SIZE } from '$lib/shared/limits';
import { inProcessCrypto } from './in-process';
import { ReporterServer, type RecordedRequest } from './reporter-server';
import { buildWorld, type World } from './reporter-world';

export const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));

export const CANARY = 'CANARY-清风-7f3a';

/** A top leader of u-k1: the report goes one level up, to o-city (alice and bob). */
export const choice: RoutingChoice = {
	unit: 'u-k1',
	position: 'top_leader',
	category: 'integrity',
	escalate: false,
	realName: false
};

export function input(overrides: Partial<ReportInput> = {}): ReportInput {
	return {
		routing: choice,
		details: {
			person: { name: `王某 ${CANARY}`, post: '局长' },
			description: `收受礼金 ${CANARY}`,
			interference: null,
			identity: null
		},
		files: [
			{ file: new File([fixture('gps.jpg') as BlobPart], 'IMG_0042.jpg', { type: 'image/jpeg' }) },
			{ file: new File([fixture('sample.pdf') as BlobPart], '会议纪要.pdf', { type: 'application/pdf' }) }
		],
		...overrides
	};
}

/** A file of three parts at the real part size (2.2 MiB), then the PDF: for the multi-part tests. */
export function multipartInput(): ReportInput {
	const big = new Uint8Array(randomBytes(Math.round(2.2 * PART_SIZE)));
	return input({
		files: [
			{ file: new File([big as BlobPart], 'recording.bin', { type: 'application/octet-stream' }) },
			{ file: new File([fixture('sample.pdf') as BlobPart], '会议纪要.pdf', { type: 'application/pdf' }) }
		]
	});
}

/** The world of a test database, built on first use. */
export function worldOf(get: () => Database): () => Promise<World> {
	let world: Promise<World> | null = null;
	return () => (world ??= buildWorld(get().db));
}

/**
 * A server over the real handlers on `get()`'s database and the client options that use it. The real
 * server accepts only the production receipt KDF, so the receipt is derived with it (64 MiB Argon2id).
 */
export async function setupWith(get: () => Database, world: () => Promise<World>, extra: Partial<SubmitOptions> = {}) {
	const server = new ReporterServer(get().db, await world());
	const { crypto, worker } = inProcessCrypto();
	const events: SubmitProgress[] = [];
	const options: SubmitOptions = {
		fetch: server.fetch,
		crypto,
		powSolver: syncSolver,
		retry: { wait: async () => {} },
		onProgress: (p) => events.push(p),
		// Most tests here exercise the resumable intake; the inline (one-request) path has its own tests.
		inlineMaxBytes: -1,
		...extra
	};
	return { server, crypto, worker, events, options, world: server.world };
}

export const puts = (server: ReporterServer): RecordedRequest[] => server.requests.filter((r) => r.method === 'PUT');
