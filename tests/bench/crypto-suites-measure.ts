/**
 * The measurements of tests/bench/crypto-suites.ts, in a module of their own so the same code runs in Node
 * and, bundled by esbuild, on a Chromium page and in a Chromium dedicated worker (no Node or DOM API here).
 */
import type { Suite } from '../../src/lib/crypto/suite';

export interface Figures {
	encMBps: number;
	decMBps: number;
	sealMs: number;
	openMs: number;
	signMs: number;
	verifyMs: number;
	receiptKdfMs: number;
}

export async function measure(suite: Suite, fileMiB: number, runs: number): Promise<Figures> {
	const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
	const now = () => performance.now();
	const key = new Uint8Array(32).fill(7);
	const data = new Uint8Array(fileMiB * 1024 * 1024).map((_, i) => (i * 31) & 0xff);
	const meta = { name: 'bench.bin', type: 'application/octet-stream' };
	// Warm-up on 1 MiB (JIT and tables; the whole file would only lengthen the run).
	const warm = data.subarray(0, Math.min(data.length, 1024 * 1024));
	suite.decryptAttachment(key, suite.encryptAttachment(key, warm, meta));
	let stream: Uint8Array;
	const enc: number[] = [];
	const dec: number[] = [];
	for (let r = 0; r < runs; r++) {
		let t = now();
		stream = suite.encryptAttachment(key, data, meta);
		enc.push(now() - t);
		t = now();
		suite.decryptAttachment(key, stream);
		dec.push(now() - t);
	}
	const box = suite.generateBoxKeyPair();
	const signer = suite.generateSigningKeyPair();
	const message = data.subarray(0, 200);
	const each = (n: number, fn: () => void) => {
		fn();
		const t = now();
		for (let i = 0; i < n; i++) fn();
		return (now() - t) / n;
	};
	const sealed = suite.sealKey(key, box.publicKey);
	const signature = suite.sign(message, signer.secretKey);
	const kdf: number[] = [];
	const receipt = await suite.createReceipt(key);
	for (let r = 0; r < runs; r++) {
		const t = now();
		await suite.deriveReceiptKeys(receipt.secret, receipt.kdfSpec);
		kdf.push(now() - t);
	}
	const mb = data.length / 1e6;
	return {
		encMBps: mb / (median(enc) / 1000),
		decMBps: mb / (median(dec) / 1000),
		sealMs: each(20, () => suite.sealKey(key, box.publicKey)),
		openMs: each(20, () => suite.openSealedKey(sealed, box)),
		signMs: each(20, () => suite.sign(message, signer.secretKey)),
		verifyMs: each(20, () => suite.verify(message, signature, signer.publicKey)),
		receiptKdfMs: median(kdf)
	};
}
