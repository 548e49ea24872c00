/**
 * Decrypting one attachment on the case page (and a lead's document): always in the crypto worker, so the page
 * stays responsive. In a GM deployment (issue 21) the request names `suite: 'gm'` and the worker decrypts the
 * SM4-GCM chunks (../../crypto/gm/formats.ts) with byte progress, as it does NaCl's.
 */
import { cryptoWorker } from '../crypto-client';
import { deploymentSuiteId } from '../deployment-suite';

export interface OpenedAttachment {
	name: string;
	type: string;
	data: Blob;
}

/** The deployment's way to open an attachment of a report or a message (every chunk checked, index and final flag bound). */
export function decryptStaffAttachment(
	reportKey: Uint8Array,
	stream: Blob,
	onProgress?: (p: { done: number; total: number }) => void
): Promise<OpenedAttachment> {
	return cryptoWorker().decryptAttachment(reportKey, stream, {
		suite: deploymentSuiteId(),
		onProgress: (p) => {
			if ('done' in p) onProgress?.({ done: p.done, total: p.total });
		}
	});
}
