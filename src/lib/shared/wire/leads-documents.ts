/**
 * Documents attached to a lead (issue 17; docs/backoffice.md "Lead documents"): the upload body (valibot,
 * checked by the server) and the listing. The stream is an attachment ciphertext (format A) made in the
 * browser; its file id is the document's id.
 */
import * as v from 'valibot';
import { MAX_CONTENT_BYTES } from '../limits';
import { base64Bytes, type Decode } from './fields';

/** A document's stream travels in one JSON body: up to the content limit (≈ 1 MiB). */
export const MAX_DOCUMENT_BYTES = MAX_CONTENT_BYTES;

export function documentBodies(decode: Decode) {
	return {
		DocumentBody: v.object({
			keyVersion: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)),
			stream: base64Bytes({ max: MAX_DOCUMENT_BYTES }, decode)
		})
	};
}

export type DocumentRequest = v.InferInput<ReturnType<typeof documentBodies>['DocumentBody']>;

/** A document as listed on the lead's page (its name is inside the stream). */
export interface LeadDocumentRef {
	id: string;
	keyVersion: number;
	bytes: number;
	createdAt: string;
}
