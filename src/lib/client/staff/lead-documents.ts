/**
 * Documents of a lead in the browser (issue 17; docs/crypto.md "Lead documents"): the reporters' chunked
 * attachment format (format A) under a key derived from the lead's key,
 *
 *   K_doc = subkey(K_lead, "document")    with K_lead = subkey(K_organ[v], "lead v1", organId ‖ 0 ‖ leadId)
 *
 * (each file's own key is derived from K_doc and its random file id, as for a report's attachments), so a
 * stream opens only as a document of that lead. The file id is the document's id.
 */
import { encodeBase64 } from '@oslojs/encoding';
import { decryptAttachment, encryptAttachment } from '../../crypto/attachment';
import { subkey } from '../../crypto/keys';
import { leadKey } from '../../crypto/organ-key';
import type { DocumentRequest } from '../../shared/wire/leads-documents';
import type { OrganKeys } from './leads-crypto';
import { cryptoWorker } from '../crypto-client';
import { deploymentSuite, deploymentSuiteId } from '../deployment-suite';

/** The documents key of a lead under one organ-key version (null when the member lacks that version). */
export function documentKey(
	keys: OrganKeys,
	lead: { id: string; organId: string },
	version: number
): Uint8Array | null {
	const organKey = keys.versions.get(version);
	if (!organKey) return null;
	const k = leadKey(organKey, lead.organId, lead.id, deploymentSuite());
	try {
		return (deploymentSuite()?.subkey ?? subkey)(k, 'document');
	} finally {
		k.fill(0);
	}
}

/** The upload of a file (name and type inside the stream) under the current version. */
export function encryptDocument(
	keys: OrganKeys,
	lead: { id: string; organId: string },
	data: Uint8Array,
	meta: { name: string; type: string }
): DocumentRequest {
	const key = documentKey(keys, lead, keys.current)!;
	try {
		return {
			keyVersion: keys.current,
			stream: encodeBase64((deploymentSuite()?.encryptAttachment ?? encryptAttachment)(key, data, meta))
		};
	} finally {
		key.fill(0);
	}
}

/**
 * The upload of a file as the lead page makes it: encrypted in the crypto worker (the deployment's suite), so the
 * page stays responsive; the same stream format as `encryptDocument`.
 */
export async function encryptDocumentInWorker(
	keys: OrganKeys,
	lead: { id: string; organId: string },
	file: Blob,
	meta: { name: string; type: string }
): Promise<DocumentRequest> {
	const key = documentKey(keys, lead, keys.current)!;
	try {
		const { stream } = await cryptoWorker().encryptAttachment(key, file, { ...meta, suite: deploymentSuiteId() });
		return { keyVersion: keys.current, stream: encodeBase64(new Uint8Array(await stream.arrayBuffer())) };
	} finally {
		key.fill(0);
	}
}

/** Opens a fetched stream (throws when it is not a document of this lead). */
export function decryptDocument(
	keys: OrganKeys,
	lead: { id: string; organId: string },
	version: number,
	stream: Uint8Array
): { name: string; type: string; data: Uint8Array } {
	const key = documentKey(keys, lead, version);
	if (!key) throw new Error('no key for this version');
	try {
		return (deploymentSuite()?.decryptAttachment ?? decryptAttachment)(key, stream);
	} finally {
		key.fill(0);
	}
}
