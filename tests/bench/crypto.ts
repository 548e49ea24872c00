/**
 * Crypto benchmark (prints figures, never asserts on time): `npm run bench:crypto`.
 * Same 32 MiB input for every cipher; MB = 10^6 bytes of plaintext per second; median of 5
 * interleaved rounds after a warm-up (the machine is shared, so every candidate sees the same load). The last line is `attachment_vs_raw_secretbox=<ratio>` (our encryption / raw secretbox).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import os from 'node:os';
import nacl from 'tweetnacl';
import {
	CHUNK_SIZE,
	attachmentLayout,
	createAttachmentEncryptor,
	decryptAttachment,
	encryptAttachment
} from '../../src/lib/crypto/attachment';
import { RECEIPT_KDF, deriveKey } from '../../src/lib/crypto/kdf';

const SIZE = 32 * 1024 * 1024;
const RUNS = 5;
const input = new Uint8Array(SIZE);
for (let at = 0; at < SIZE; at += 65536) input.set(nacl.randomBytes(65536), at);
const key = nacl.randomBytes(32);
const meta = { name: 'bench.bin', type: 'application/octet-stream' };

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)] as number;
}

function time(fn: () => void): number {
	const t = performance.now();
	fn();
	return performance.now() - t;
}

function rawSecretbox(data: Uint8Array): void {
	const nonce = new Uint8Array(24);
	for (let at = 0, i = 0; at < data.length; at += CHUNK_SIZE, i++) {
		nonce[0] = i & 0xff;
		nonce[1] = (i >>> 8) & 0xff;
		nacl.secretbox(data.subarray(at, at + CHUNK_SIZE), nonce, key);
	}
}

const boxedChunks: Uint8Array[] = [];
{
	const nonce = new Uint8Array(24);
	for (let at = 0, i = 0; at < SIZE; at += CHUNK_SIZE, i++) {
		nonce[0] = i & 0xff;
		nonce[1] = (i >>> 8) & 0xff;
		boxedChunks.push(nacl.secretbox(input.subarray(at, at + CHUNK_SIZE), nonce, key));
	}
}
function rawSecretboxOpen(): void {
	const nonce = new Uint8Array(24);
	boxedChunks.forEach((c, i) => {
		nonce[0] = i & 0xff;
		nonce[1] = (i >>> 8) & 0xff;
		if (!nacl.secretbox.open(c, nonce, key)) throw new Error('raw open failed');
	});
}

function nodeChacha(data: Uint8Array): void {
	const nonce = new Uint8Array(12);
	for (let at = 0, i = 0; at < data.length; at += CHUNK_SIZE, i++) {
		nonce[0] = i & 0xff;
		nonce[1] = (i >>> 8) & 0xff;
		const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
		c.update(data.subarray(at, at + CHUNK_SIZE));
		c.final();
		c.getAuthTag();
	}
}

const nodeChunks: { ct: Uint8Array; tag: Uint8Array }[] = [];
{
	const nonce = new Uint8Array(12);
	for (let at = 0, i = 0; at < SIZE; at += CHUNK_SIZE, i++) {
		nonce[0] = i & 0xff;
		nonce[1] = (i >>> 8) & 0xff;
		const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
		const ct = c.update(input.subarray(at, at + CHUNK_SIZE));
		c.final();
		nodeChunks.push({ ct, tag: c.getAuthTag() });
	}
}
function nodeChachaOpen(): void {
	const nonce = new Uint8Array(12);
	nodeChunks.forEach(({ ct, tag }, i) => {
		nonce[0] = i & 0xff;
		nonce[1] = (i >>> 8) & 0xff;
		const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
		d.setAuthTag(tag);
		d.update(ct);
		d.final();
	});
}

console.log(`crypto bench: Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
console.log(
	`input ${SIZE / 1024 / 1024} MiB, chunk ${CHUNK_SIZE / 1024} KiB, median of ${RUNS} interleaved rounds, MB = 10^6 bytes of plaintext`
);
const layout = attachmentLayout({ ...meta, size: SIZE });
console.log(
	`attachment stored size ${layout.ciphertextLength} bytes (${layout.chunks} chunks, padded stream ${layout.streamLength} bytes, +${(((layout.ciphertextLength - SIZE) / SIZE) * 100).toFixed(2)} %)`
);

const stored = encryptAttachment(key, input, meta);

/** Our encryptor as the upload worker uses it: push the file, hand each piece on (discarded here, as raw secretbox's are). */
function oursStreaming(data: Uint8Array): void {
	const enc = createAttachmentEncryptor(key, { ...meta, size: data.length });
	for (let at = 0; at < data.length; at += CHUNK_SIZE) enc.push(data.subarray(at, at + CHUNK_SIZE));
	enc.finish();
}

const candidates: [string, string, (d: Uint8Array) => void][] = [
	['enc', 'attachment encrypt (ours, streaming encryptor)        ', oursStreaming],
	['encWhole', 'attachment encrypt (ours, whole-buffer, 1 output)     ', (d) => void encryptAttachment(key, d, meta)],
	['dec', 'attachment decrypt (ours, whole-buffer)               ', () => void decryptAttachment(key, stored)],
	['raw', 'raw nacl.secretbox, 64 KiB chunks                     ', rawSecretbox],
	['rawOpen', 'raw nacl.secretbox.open, 64 KiB chunks                ', () => rawSecretboxOpen()],
	['chacha', 'node:crypto chacha20-poly1305 seal, 64 KiB chunks     ', nodeChacha],
	['chachaOpen', 'node:crypto chacha20-poly1305 open, 64 KiB chunks     ', () => nodeChachaOpen()]
];
// Warm up every candidate, then interleave the rounds so all of them see the same machine load.
for (const [, , fn] of candidates) fn(input.subarray(0, 2 * 1024 * 1024));
const results: Record<string, number[]> = {};
for (let round = 0; round < RUNS; round++) {
	for (const [id, , fn] of candidates) (results[id] ??= []).push(SIZE / 1e6 / (time(() => fn(input)) / 1000));
}
for (const [id, label] of candidates) {
	const xs = results[id] as number[];
	console.log(`${label}: ${median(xs).toFixed(1)} MB/s (runs: ${xs.map((x) => x.toFixed(1)).join(', ')})`);
}
const ratios = (results.enc as number[]).map((x, i) => x / (results.raw as number[])[i]!);
const ours = median(results.enc as number[]);
const raw = median(results.raw as number[]);

const salt = nacl.randomBytes(16);
await deriveKey('warm-up', salt, RECEIPT_KDF, 64);
const argon: number[] = [];
for (let i = 0; i < RUNS; i++) {
	const t = performance.now();
	await deriveKey('ABCDEFGHJKM2', salt, RECEIPT_KDF, 64);
	argon.push(performance.now() - t);
}
console.log(
	`argon2id m=${RECEIPT_KDF.m} KiB t=${RECEIPT_KDF.t} p=${RECEIPT_KDF.p} (RECEIPT_KDF = STAFF_KDF), hash-wasm in Node: median ${median(argon).toFixed(0)} ms (runs: ${argon.map((x) => x.toFixed(0)).join(', ')} ms)`
);
console.log(
	`per-round ratios (streaming encrypt / raw secretbox): ${ratios.map((r) => r.toFixed(3)).join(', ')}; ratio of medians ${(ours / raw).toFixed(3)}`
);
console.log(`attachment_vs_raw_secretbox=${median(ratios).toFixed(3)}`);
