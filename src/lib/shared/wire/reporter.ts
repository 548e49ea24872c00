/**
 * The reporter's API (docs/reporting.md): request bodies (valibot schemas, checked by the server) and
 * answers. The browser imports the types only (`import type`), so its bundle carries no schema code.
 *
 *   POST /api/v1/pow                          PowChallengeRequest → PowChallenge
 *   POST /api/v1/intake                       IntakeRequest     → 201 IntakeAnswer   (PoW, or a receipt token)
 *   PUT  /api/v1/intake/{id}/files/{n}/parts/{i}  raw bytes     → 204
 *   POST /api/v1/reports                      ReportRequest, or the binary body of ./report-binary.ts → 201 CommitAnswer
 *   POST /api/v1/receipt/spec                 ReceiptSpecRequest → ReceiptSpecAnswer
 *   POST /api/v1/receipt/open                 ReceiptOpenRequest → ReceiptOpenAnswer
 *   GET  /api/v1/receipt/report               (Bearer token)    → ReportView
 *   GET  /api/v1/receipt/files/{id}           (Bearer token)    → the stored (encrypted) stream
 *   POST /api/v1/receipt/messages             MessageRequest    → 201 MessageAnswer  (Bearer token)
 */
import * as v from 'valibot';
import { INLINE_MAX_BYTES, MAX_CONTENT_BYTES, MAX_INLINE_FILES, MAX_WRAPS } from '../limits';
import { POW_PURPOSE_NAMES } from '../pow';
import type { PublicStatus, MessageAuthor } from '../vocabulary/report';
import { MESSAGE_PURPOSES } from '../vocabulary/report';
import { CATEGORIES, POSITION_KINDS } from '../vocabulary/report';
import type { ReporterDeadline } from '../vocabulary/workflow';
import { base64Bytes, DirectoryId, IntakeId, Locator, type Decode } from './fields';
import { REPORT_BYTE_LENGTHS } from './report-binary';

/** Most files one intake may announce (the configured MAX_FILES is checked after). */
export const MAX_INTAKE_FILES = 1000;

/**
 * The request-body schemas, with base64 fields decoded by `decode` (the server passes its fast codec;
 * the default runs anywhere). Outputs hold bytes; inputs (`…Request` types) are the JSON the client sends.
 */
export function reporterBodies(decode?: Decode) {
	const bytes = (opts: { exact?: number; max: number }) => base64Bytes(opts, decode);
	const exactly = (n: number) => bytes({ exact: n, max: n });
	/** The clear fields of a commit, shared by the JSON body and the binary body's head. */
	const head = {
		v: v.literal(1),
		/** The intake whose files the report takes; absent when the files come inline (`pow` and `files`). */
		intake: v.optional(IntakeId),
		/** A solved intake challenge: required with inline files, refused with an intake. */
		pow: v.optional(v.unknown()),
		routing: v.object({
			unit: DirectoryId,
			position: v.picklist(POSITION_KINDS),
			category: v.picklist(CATEGORIES),
			escalate: v.boolean(),
			realName: v.boolean(),
			/** The reporter could not find the unit: `unit` is the region they chose (routing rule by_region). */
			byRegion: v.optional(v.boolean())
		}),
		organ: DirectoryId
	};
	return {
		PowBody: v.object({ purpose: v.picklist(POW_PURPOSE_NAMES) }),
		IntakeBody: v.object({
			/** A solved intake challenge (a new report); absent with a receipt token (a follow-up message). */
			pow: v.optional(v.unknown()),
			files: v.pipe(
				v.array(
					v.object({ bytes: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER)) })
				),
				v.maxLength(MAX_INTAKE_FILES)
			)
		}),
		ReportBody: v.object({
			...head,
			/** Inline files: each a whole stored stream (format A), together at most INLINE_MAX_BYTES. */
			files: v.optional(v.pipe(v.array(bytes({ max: INLINE_MAX_BYTES })), v.maxLength(MAX_INLINE_FILES))),
			content: bytes({ max: MAX_CONTENT_BYTES }),
			/** The inbox summary (format I, exactly SUMMARY_CIPHERTEXT_LENGTH bytes); absent from clients of before. */
			summary: v.optional(exactly(REPORT_BYTE_LENGTHS.summary)),
			wraps: v.pipe(
				v.array(
					v.object({ entryId: exactly(REPORT_BYTE_LENGTHS.entryId), sealed: exactly(REPORT_BYTE_LENGTHS.sealed) })
				),
				v.maxLength(MAX_WRAPS)
			),
			receipt: v.object({
				locator: Locator,
				kdfSpec: exactly(REPORT_BYTE_LENGTHS.kdfSpec),
				/** SHA-256 of the receipt's auth key. */
				authHash: exactly(REPORT_BYTE_LENGTHS.authHash),
				wrappedKey: exactly(REPORT_BYTE_LENGTHS.wrappedKey)
			})
		}),
		/** The JSON head of the binary commit (./report-binary.ts): the clear fields; the bytes travel raw. */
		ReportHead: v.object({ ...head, receipt: v.object({ locator: Locator }) }),
		ReceiptSpecBody: v.object({ locator: Locator }),
		ReceiptOpenBody: v.object({ locator: Locator, authKey: exactly(32), pow: v.optional(v.unknown()) }),
		MessageBody: v.object({
			body: bytes({ max: MAX_CONTENT_BYTES }),
			intake: v.nullable(IntakeId),
			/** 'protection': the reporter asks for protection (申请保护, issue 19); absent for an ordinary message. */
			purpose: v.optional(v.picklist(MESSAGE_PURPOSES))
		})
	};
}
type Bodies = ReturnType<typeof reporterBodies>;

/** A solved challenge, as sent in `pow`. */
export interface PowSolution {
	/** The challenge as received (base64url). */
	challenge: string;
	nonce: number;
}

export type PowChallengeRequest = v.InferInput<Bodies['PowBody']>;
/** POST /api/v1/pow: a challenge (docs/reporting.md §1; the format: ../pow.ts). */
export interface PowChallenge {
	/** base64url (no padding), as sent back in the solution. */
	challenge: string;
	difficulty: number;
	/** Unix seconds. */
	expiresAt: number;
}

export type IntakeRequest = Omit<v.InferInput<Bodies['IntakeBody']>, 'pow'> & { pow?: PowSolution };
export type IntakeBody = v.InferOutput<Bodies['IntakeBody']>;
/** 201 of POST /api/v1/intake. */
export interface IntakeAnswer {
	/** The intake id (base64url of 16 bytes): the capability to upload and commit. */
	intake: string;
	partSize: number;
	/** Unix seconds. */
	expiresAt: number;
}

export type ReportRequest = Omit<v.InferInput<Bodies['ReportBody']>, 'pow'> & { pow?: PowSolution };
export type ReportBody = v.InferOutput<Bodies['ReportBody']>;
/** The clear routing fields of a commit (docs/reporting.md §3). */
export type RoutingFields = ReportRequest['routing'];
/** 201 of POST /api/v1/reports (also the answer to the same commit retried). */
export interface CommitAnswer {
	locator: string;
	/** YYYY-MM-DD in the deployment's time zone: a date, never a time. */
	receivedOn: string;
}

export type ReceiptSpecRequest = v.InferInput<Bodies['ReceiptSpecBody']>;
export interface ReceiptSpecAnswer {
	/** The receipt's KDF spec (base64); a stable fake one for a locator that does not exist. */
	kdfSpec: string;
}

export type ReceiptOpenRequest = Omit<v.InferInput<Bodies['ReceiptOpenBody']>, 'pow'> & { pow?: PowSolution };
export type ReceiptOpenBody = v.InferOutput<Bodies['ReceiptOpenBody']>;
export interface ReceiptOpenAnswer {
	/** Bearer token for the other receipt endpoints (30 minutes). */
	token: string;
	report: ReportView;
}

/** A stored file of the report or of a message. */
export interface FileRef {
	id: string;
	/** Stored (encrypted, padded) size. */
	bytes: number;
}

/** The report as its reporter sees it (GET /api/v1/receipt/report). */
export interface ReportView {
	locator: string;
	receivedOn: string;
	realName: boolean;
	status: PublicStatus;
	/** With `handed_down_followed`: the lower organ handling the lead (issue 17). */
	handledBy?: string;
	/** Real-name reports only: when the reporter is to hear whether it was accepted, and of the result. */
	deadlines: { what: ReporterDeadline; due: string }[];
	/** The content ciphertext (base64). */
	content: string;
	/** The report key wrapped for the receipt (base64). */
	wrappedKey: string;
	files: FileRef[];
	/** In the report's order (`seq` 1, 2, …); `id` is random (issue 16). */
	messages: { id: string; seq: number; author: MessageAuthor; sentOn: string; body: string; files: FileRef[] }[];
}

export type MessageRequest = v.InferInput<Bodies['MessageBody']>;
export type MessageBody = v.InferOutput<Bodies['MessageBody']>;
/** 201 of POST /api/v1/receipt/messages. */
export interface MessageAnswer {
	/** Random (a uuid); `seq` is the message's place in the report's conversation. */
	id: string;
	seq: number;
	sentOn: string;
}
