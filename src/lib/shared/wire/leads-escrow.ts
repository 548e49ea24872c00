/**
 * Integrity opinions across the jurisdiction (issue 17, docs/crypto.md "Across the jurisdiction"): the
 * escrow of an organ's blind-index key to the members of its ancestor organs, and the one look-up that
 * carries the person's blind values for the asking organ and for every lower organ whose key the asking
 * member opened. Bodies are checked by the server (valibot); browsers import only the types.
 */
import * as v from 'valibot';
import { ENTRY_ID_LENGTH } from '../../crypto/directory';
import { SEALED_KEY_LENGTH } from '../../crypto/seal';
import { BLIND_LENGTH } from '../../crypto/organ-key';
import { UUID_PATTERN } from '../encoding';
import { OPINION_PURPOSES } from '../vocabulary/leads';
import { GM_LENGTHS } from '../../crypto/gm/lengths';
import { base64Bytes, base64BytesOneOf, DirectoryId, type Decode } from './fields';
import { MAX_ORGAN_WRAPS, type OpinionAnswer } from './leads';

/** Lower organs searched in one opinion (the whole jurisdiction of a provincial organ fits). */
export const MAX_OPINION_ORGANS = 500;

export function escrowBodies(decode: Decode) {
	const exactly = (n: number) => base64Bytes({ exact: n, max: n }, decode);
	const Uuid = v.pipe(v.string(), v.regex(UUID_PATTERN));
	const Blind = {
		organId: DirectoryId,
		blindName: exactly(BLIND_LENGTH),
		blindNameUnit: v.optional(v.nullable(exactly(BLIND_LENGTH)))
	};
	return {
		EscrowBody: v.object({
			/** The organ whose index key is escrowed (the caller's). */
			organId: DirectoryId,
			/** The ancestor organ whose members receive it. */
			holderOrganId: DirectoryId,
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
			)
		}),
		OpinionBody: v.object({
			...Blind,
			purpose: v.picklist(OPINION_PURPOSES),
			requester: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200)),
			/** The person's blind values under each lower organ's index key (from the escrow). */
			lower: v.optional(v.pipe(v.array(v.object(Blind)), v.maxLength(MAX_OPINION_ORGANS)), [])
		})
	};
}

export type EscrowBodies = ReturnType<typeof escrowBodies>;
export type EscrowRequest = v.InferInput<EscrowBodies['EscrowBody']>;
export type OpinionAcrossRequest = v.InferInput<EscrowBodies['OpinionBody']>;

/** For a member of an organ: the ancestor organs and their current members who hold no escrow of its index key. */
export interface EscrowState {
	organId: string;
	due: { holderOrganId: string; staff: string[] }[];
}

/** For a member of an organ: the index keys of lower organs escrowed to them, and the lower organs without one. */
export interface HeldEscrows {
	organId: string;
	held: { organId: string; name: string; sealed: string }[];
	/** Lower organs with a register whose key is not escrowed to the caller yet (not searched). */
	missing: { organId: string; name: string }[];
}

/** A lower organ's lead as the higher organ sees it in an opinion: codes and dates only. */
export interface LowerLead {
	id: string;
	source: string;
	state: string;
	outcome: string | null;
	receivedOn: string;
	unitMatch: boolean;
}

/** The opinion's answer: the asking organ's leads (as before) and, per lower organ searched, its leads' codes. */
export interface OpinionAcrossAnswer extends OpinionAnswer {
	lower: { organId: string; name: string; leads: LowerLead[] }[];
}
