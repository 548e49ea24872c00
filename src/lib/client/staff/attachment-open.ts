/**
 * Decrypting one attachment on the case page (issue 21): in a NaCl deployment the crypto worker does it, as
 * before; in a GM deployment the GM suite (SM4-GCM chunks, ../../crypto/gm/formats.ts) decrypts the whole
 * stream on this thread (the worker's protocol does not name a suite yet), and reports progress once at the end.
 */
import { cryptoWorker } from '../crypto-client';
import { deploymentSuite } from '../deployment-suite';
import type { Suite } from '../../crypto/suite';

export interface OpenedAttachment {
	name: string;
	type: string;
	data: Blob;
}

/** Decrypts `stream` with the suite (every chunk checked, index and final flag bound). */
export async function decryptInSuite(
	suite: Suite,
	reportKey: Uint8Array,
	stream: Blob,
	onProgress?: (p: { done: number; total: number }) => void
): Promise<OpenedAttachment> {
	const bytes = new Uint8Array(await stream.arrayBuffer());
	const out = suite.decryptAttachment(reportKey, bytes);
	onProgress?.({ done: bytes.length, total: bytes.length });
	return { name: out.name, type: out.type, data: new Blob([out.data as Uint8Array<ArrayBuffer>]) };
}

/** The deployment's way to open an attachment of a report or a message. */
export function decryptStaffAttachment(
	reportKey: Uint8Array,
	stream: Blob,
	onProgress?: (p: { done: number; total: number }) => void
): Promise<OpenedAttachment> {
	const gm = deploymentSuite();
	if (gm) return decryptInSuite(gm, reportKey, stream, onProgress);
	return cryptoWorker().decryptAttachment(reportKey, stream, {
		onProgress: (p) => {
			if ('done' in p) onProgress?.({ done: p.done, total: p.total });
		}
	});
}
