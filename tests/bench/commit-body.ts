/**
 * `npx tsx tests/bench/commit-body.ts [n]`: CPU per commit of reading and checking one report's body, JSON
 * (base64 ciphertexts) against binary (src/lib/shared/wire/report-binary.ts), in this process, with no
 * database and no HTTP server: a Request is built from the bytes a client sends and the server's own readers
 * run on it (src/lib/server/http/reporter.ts). Also the cost of handing the ciphertexts to postgres.js as
 * bytea text (`\x` + hex, what it did before scripts/patch-deps.js) against raw bytes. CPU time from
 * process.cpuUsage, so a loaded machine moves it much less than wall time. Figures are for reading.
 */
import { randomBytes } from 'node:crypto';
import { encodeReportBinary, REPORT_BYTE_LENGTHS as L } from '../../src/lib/shared/wire/report-binary';

const N = Number(process.argv[2] ?? 2000);

// The server modules use SvelteKit's $lib alias: load them through vite-node-free relative paths.
const { parseReportBinary, parseReportBody } = await import('../../src/lib/server/http/reporter');
const { readBytes, parseJson } = await import('../../src/lib/server/http/body');
const v = await import('valibot');

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const content = randomBytes(2090);
const file = randomBytes(32802);
const wraps = [1, 2, 3].map(() => ({ entryId: randomBytes(L.entryId), sealed: randomBytes(L.sealed) }));
const head = {
	v: 1 as const,
	pow: { challenge: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygp', nonce: 12345 },
	routing: { unit: 'sf-c01-k02', position: 'top_leader', category: 'integrity', escalate: false, realName: false },
	organ: 'o-sf-c01',
	receipt: { locator: 'ABCDE12345' }
};
const bytes = {
	content,
	summary: randomBytes(L.summary),
	kdfSpec: randomBytes(L.kdfSpec),
	authHash: randomBytes(32),
	wrappedKey: randomBytes(L.wrappedKey),
	wraps,
	files: [file]
};
const json = JSON.stringify({
	...head,
	content: b64(content),
	summary: b64(bytes.summary),
	wraps: wraps.map((w) => ({ entryId: b64(w.entryId), sealed: b64(w.sealed) })),
	files: [b64(file)],
	receipt: {
		...head.receipt,
		kdfSpec: b64(bytes.kdfSpec),
		authHash: b64(bytes.authHash),
		wrappedKey: b64(bytes.wrappedKey)
	}
});
const binary = encodeReportBinary(head, bytes);
const request = (body: BodyInit, type: string) =>
	new Request('http://localhost/api/v1/reports', { method: 'POST', headers: { 'content-type': type }, body });

async function cpuPer(label: string, fn: () => Promise<unknown> | unknown): Promise<void> {
	for (let i = 0; i < 200; i++) await fn(); // warm-up
	const t0 = process.cpuUsage();
	for (let i = 0; i < N; i++) await fn();
	const t = process.cpuUsage(t0);
	console.log(`  ${label.padEnd(58)} ${((t.user + t.system) / 1000 / N).toFixed(3)} ms CPU per commit`);
}

console.log(
	`One commit (2 KiB content, 3 wraps, a 32 KiB file inline): JSON ${json.length} bytes, binary ${binary.length} bytes; ${N} each`
);
await cpuPer('JSON: read the Request, parse, check base64, decode', async () => {
	const raw = await parseJson(request(json, 'application/json'), v.unknown(), 1 << 20);
	if (!raw.ok || !parseReportBody(raw.value).ok) throw new Error('refused');
});
await cpuPer('binary: read the Request, decode the envelope, check the head', async () => {
	const raw = await readBytes(request(binary, 'application/octet-stream'), 1 << 20);
	if (!raw.ok || !parseReportBinary(raw.value).ok) throw new Error('refused');
});
const blobs = [content, file, bytes.kdfSpec, bytes.authHash, bytes.wrappedKey, ...wraps.map((w) => w.sealed)];
await cpuPer("bytea to postgres.js as text ('\\x' + hex, before)", () => {
	let n = 0;
	for (const x of blobs) n += Buffer.byteLength('\\x' + Buffer.from(x).toString('hex'));
	return n;
});
await cpuPer('bytea to postgres.js as raw bytes (binary format, after)', () => {
	let n = 0;
	for (const x of blobs) n += Buffer.concat([Buffer.alloc(16), x]).length;
	return n;
});
