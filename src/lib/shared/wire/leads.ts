/**
 * The lead register's API (issue 17, docs/backoffice.md "Lead register"): request bodies (valibot, checked
 * by the server; browsers import only the types) and answers. Every ciphertext and blind value travels in
 * base64; names never do.
 */
import * as v from 'valibot';
import { ENTRY_ID_LENGTH } from '../../crypto/directory';
import { SEALED_KEY_LENGTH } from '../../crypto/seal';
import { BLIND_LENGTH } from '../../crypto/organ-key';
import { UUID_PATTERN } from '../encoding';
import { MAX_CONTENT_BYTES } from '../limits';
import { LEAD_OUTCOMES, LEAD_SOURCES, SETTABLE_LEAD_STATES } from '../vocabulary/leads';
import { CATEGORIES } from '../vocabulary/report';
import type { OutcomeCode } from '../vocabulary/workflow';
import { GM_LENGTHS } from '../../crypto/gm/lengths';
import { base64Bytes, base64BytesOneOf, DirectoryId, type Decode } from './fields';
import type { LeadDocumentRef } from './leads-documents';

/** Persons per lead, reports per lead in one request, wraps per organ-key version. */
export const MAX_LEAD_PERSONS = 20;
export const MAX_LEAD_REPORTS = 50;
export const MAX_ORGAN_WRAPS = 500;
/** A person's ciphertext: the smallest content buckets (name, post, unit, level). */
export const MAX_PERSON_BYTES = 4096 + 64;

export function leadBodies(decode: Decode) {
	const exactly = (n: number) => base64Bytes({ exact: n, max: n }, decode);
	const Uuid = v.pipe(v.string(), v.regex(UUID_PATTERN));
	const Version = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000));
	const Person = v.object({
		id: Uuid,
		sealed: base64Bytes({ max: MAX_PERSON_BYTES }, decode),
		blindName: exactly(BLIND_LENGTH),
		blindNameUnit: exactly(BLIND_LENGTH)
	});
	const NewLead = v.object({
		id: Uuid,
		organId: DirectoryId,
		source: v.picklist(LEAD_SOURCES),
		category: v.optional(v.nullable(v.picklist(CATEGORIES))),
		keyVersion: Version,
		details: base64Bytes({ max: MAX_CONTENT_BYTES }, decode),
		persons: v.pipe(v.array(Person), v.minLength(1), v.maxLength(MAX_LEAD_PERSONS)),
		reports: v.optional(v.pipe(v.array(Uuid), v.maxLength(MAX_LEAD_REPORTS)), [])
	});
	const Blind = {
		organId: DirectoryId,
		blindName: exactly(BLIND_LENGTH),
		blindNameUnit: v.optional(v.nullable(exactly(BLIND_LENGTH)))
	};
	return {
		OrganKeyBody: v.object({
			organId: DirectoryId,
			version: Version,
			wraps: v.pipe(
				v.array(
					v.object({
						staffId: Uuid,
						entryId: exactly(ENTRY_ID_LENGTH),
						// Either suite's length here; the server keeps the deployment's (issue 21).
						sealed: base64BytesOneOf([SEALED_KEY_LENGTH, GM_LENGTHS.sealed], decode)
					})
				),
				v.minLength(1),
				v.maxLength(MAX_ORGAN_WRAPS)
			)
		}),
		NewLeadBody: NewLead,
		JoinBody: v.union([
			v.object({ reportId: Uuid }),
			v.object({ locator: v.pipe(v.string(), v.trim(), v.regex(/^[0-9A-Za-z-]{6,24}$/)) })
		]),
		SplitBody: v.object({
			lead: NewLead,
			/** Persons of the old lead that now belong to the new one only. */
			movePersons: v.pipe(v.array(Uuid), v.maxLength(MAX_LEAD_PERSONS))
		}),
		MergeBody: v.object({ into: Uuid }),
		StateBody: v.object({
			state: v.picklist(SETTABLE_LEAD_STATES),
			outcome: v.optional(v.nullable(v.picklist(LEAD_OUTCOMES as OutcomeCode[])))
		}),
		LookupBody: v.object(Blind)
	};
}

export type LeadBodies = ReturnType<typeof leadBodies>;
export type NewLeadRequest = v.InferInput<LeadBodies['NewLeadBody']>;
export type OrganKeyRequest = v.InferInput<LeadBodies['OrganKeyBody']>;
export type SplitRequest = v.InferInput<LeadBodies['SplitBody']>;

/* ------------------------------------------------------------------ answers */

/** The organ-key state for one member: their own wraps, and who lacks which version. */
export interface OrganKeyState {
	organId: string;
	/** Newest version (null: the organ has no key yet). */
	current: number | null;
	/** The caller's own sealed versions (base64). */
	mine: { version: number; sealed: string }[];
	/** Current members (valid directory entries) and the versions they have no wrap of; the browser seals to their verified entries (POST /api/v1/directory). */
	members: { staffId: string; missing: number[] }[];
	/** Holders of the current version who are no longer members: a new version is due. */
	rotationDue: boolean;
}

export interface LeadPersonView {
	id: string;
	leadId: string;
	keyVersion: number;
	sealed: string;
}

export interface LeadSummary {
	id: string;
	organId: string;
	departmentId: string | null;
	source: string;
	state: string;
	category: string | null;
	outcome: string | null;
	keyVersion: number;
	details: string;
	mergedInto: string | null;
	splitFrom: string | null;
	receivedOn: string;
	persons: LeadPersonView[];
	reports: number;
}

export interface LeadView extends LeadSummary {
	linkedReports: { id: string; locator: string; state: string }[];
	/** Leads merged into this one (their persons are listed in `persons` too). */
	merged: string[];
	events: { id: number; at: string; kind: string; actor: string | null; details: unknown }[];
	/** Documents attached to it (issue 17; their names are inside the streams). */
	documents: LeadDocumentRef[];
}

export interface LeadPage {
	items: LeadSummary[];
	next: string | null;
}

/** An integrity-opinion answer: the leads about the person, and the audit entry that recorded the query. */
export interface OpinionAnswer {
	organId: string;
	at: string;
	auditSeq: string;
	leads: (LeadSummary & { unitMatch: boolean })[];
}

/** Counts per person (人次) of one organ's register. */
export interface LeadCounts {
	leads: number;
	/** Distinct persons (by blind name). */
	persons: number;
	/** Person-times: one per person of each lead. */
	personTimes: number;
	/** Persons in two or more leads (反映集中). */
	repeated: number;
	/** Person-times by outcome code. */
	byOutcome: Record<string, number>;
}
