/**
 * Hand-down and follow-up of leads (交办、督办, issue 17; docs/backoffice.md "Hand-down and follow-up"):
 * request bodies (valibot, checked by the server) and answers. Ciphertexts travel in base64; the higher
 * organ's answers carry the lower organ's lead state and outcome codes only, never its ciphertexts.
 */
import * as v from 'valibot';
import { ENTRY_ID_LENGTH } from '../../crypto/directory';
import { WRAPPED_KEY_LENGTH } from '../../crypto/keys';
import { SEALED_KEY_LENGTH } from '../../crypto/seal';
import { UUID_PATTERN } from '../encoding';
import { MAX_CONTENT_BYTES } from '../limits';
import { LEAD_OUTCOMES, type HanddownState } from '../vocabulary/leads';
import type { OutcomeCode } from '../vocabulary/workflow';
import { GM_LENGTHS } from '../../crypto/gm/lengths';
import { base64Bytes, base64BytesOneOf, DirectoryId, type Decode } from './fields';
import { leadBodies, MAX_ORGAN_WRAPS } from './leads';

/** A result text: the smallest content buckets up to 16 KiB of text. */
export const MAX_RESULT_BYTES = 16 * 1024 + 64;

export function handdownBodies(decode: Decode) {
	const exactly = (n: number) => base64Bytes({ exact: n, max: n }, decode);
	const Uuid = v.pipe(v.string(), v.regex(UUID_PATTERN));
	const leads = leadBodies(decode);
	return {
		HanddownBody: v.object({
			id: Uuid,
			toOrganId: DirectoryId,
			/** China-time day by which the result is due. */
			deadline: v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/), v.isoDate()),
			/** The higher organ's current organ-key version, under which `fromWrap` is made. */
			keyVersion: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)),
			/** Either suite's lengths here (and in `wraps`); the server keeps the deployment's (issue 21). */
			fromWrap: base64BytesOneOf([WRAPPED_KEY_LENGTH, GM_LENGTHS.wrappedKey], decode),
			package: base64Bytes({ max: MAX_CONTENT_BYTES }, decode),
			wraps: v.pipe(
				v.array(
					v.object({
						staffId: Uuid,
						entryId: exactly(ENTRY_ID_LENGTH),
						sealed: base64BytesOneOf([SEALED_KEY_LENGTH, GM_LENGTHS.sealed], decode)
					})
				),
				v.minLength(1),
				v.maxLength(MAX_ORGAN_WRAPS)
			),
			keepCopy: v.boolean(),
			/** Without a copy: the lead's new details (an empty matter, under the organ key), its persons dropped. */
			redactedDetails: v.optional(base64Bytes({ max: MAX_CONTENT_BYTES }, decode))
		}),
		/** The lower organ takes the lead into its register: a new lead of its own, source `higher_organ`. */
		AcceptBody: v.object({ lead: leads.NewLeadBody }),
		ResultBody: v.object({
			outcome: v.picklist(LEAD_OUTCOMES as OutcomeCode[]),
			result: base64Bytes({ max: MAX_RESULT_BYTES }, decode)
		})
	};
}

export type HanddownBodies = ReturnType<typeof handdownBodies>;
export type HanddownRequest = v.InferInput<HanddownBodies['HanddownBody']>;
export type AcceptRequest = v.InferInput<HanddownBodies['AcceptBody']>;
export type ResultRequest = v.InferInput<HanddownBodies['ResultBody']>;

/* ------------------------------------------------------------------ answers */

interface HanddownBase {
	id: string;
	fromOrganId: string;
	fromOrganName: string;
	toOrganId: string;
	toOrganName: string;
	deadline: string;
	state: HanddownState;
	/** The deadline passed (China time) and no result yet. */
	overdue: boolean;
	createdAt: string;
	acceptedAt: string | null;
	reportedAt: string | null;
	resultOutcome: string | null;
}

/** A hand-down as the higher organ sees it: state and outcome, the result ciphertext, never the lower organ's lead content. */
export interface OutgoingHanddown extends HanddownBase {
	leadId: string;
	keptCopy: boolean;
	/** The lower organ's lead: its state and outcome codes only. */
	toLeadState: string | null;
	toLeadOutcome: string | null;
	fromKeyVersion: number;
	fromWrap: string;
	result: string | null;
}

/** A hand-down as the lower organ sees it: the package and the caller's wrap while pending. */
export interface IncomingHanddown extends HanddownBase {
	toLeadId: string | null;
	package: string | null;
	sealed: string | null;
}

/** GET /staff/api/leads/handdowns?organ=: both directions, and the organs the caller's organ may hand down to. */
export interface HanddownList {
	organId: string;
	today: string;
	outgoing: OutgoingHanddown[];
	incoming: IncomingHanddown[];
	lowerOrgans: { id: string; name: string }[];
}
