/**
 * The staff API (docs/backoffice.md), /staff/api/**: answers and request bodies (valibot schemas, checked
 * by the server), plus the page data the back office's pages get from their loads. Same-origin, session
 * cookie; errors are ../errors.ts `ErrorBody`. Kept apart from the public and reporter modules so nothing
 * of it reaches the reporter's pages; browsers import the types only (`import type`).
 *
 *   GET  /staff/api/inbox?…                         → InboxAnswer
 *   GET  /staff/api/reports/{id}                    → CaseView (audited as report.open)
 *   POST /staff/api/reports/{id}/actions            ActionRequest  → ActionAnswer
 *   POST /staff/api/reports/{id}/assign             AssignRequest  → CaseView
 *   POST /staff/api/reports/{id}/grants             GrantRequest   → 201 ViewAnswer
 *   DELETE /staff/api/reports/{id}/grants/{staffId}                → 204
 *   POST /staff/api/reports/{id}/messages           CiphertextRequest → 201 ReplyAnswer
 *   POST /staff/api/reports/{id}/notes              CiphertextRequest → 201 NoteAnswer
 *   POST /staff/api/reports/{id}/links              LinkRequest    → 201 ViewAnswer
 *   POST /staff/api/reports/{id}/export             ExportRequest  → 204
 *   GET  /staff/api/reports/{id}/files/{fileId}                    → the stored (encrypted) stream
 *   GET  /staff/api/notices[?unseen=1]              → NoticeList;  POST …/notices/seen SeenRequest → 204
 *   GET  /staff/api/holidays[?year=]                → HolidayList; POST HolidayRequest → HolidayDay;
 *   DELETE /staff/api/holidays/{day}                → 204
 *   GET  /staff/api/audit?…                         → AuditPage
 *   GET  /staff/api/stats?organ=&from=&to=          → StatsAnswer (…/stats.csv: the same as CSV)
 *   POST /staff/login/salt                          SaltRequest    → SaltAnswer
 */
import * as v from 'valibot';
import { ENTRY_ID_LENGTH } from '../../crypto/directory';
import { SEALED_KEY_LENGTH } from '../../crypto/seal';
import { TRANSFER_PROOF_LENGTH } from '../../crypto/transfer';
import { GM_LENGTHS } from '../../crypto/gm/lengths';
import type { Bilingual } from '../bilingual';
import { MAX_CONTENT_BYTES, MAX_WRAPS } from '../limits';
import type { HandlerRole, StaffRole } from '../vocabulary/org';
import type { Category, MessageAuthor, PositionKind, PublicStatus } from '../vocabulary/report';
import {
	DECIDING_BODIES,
	DISPOSITIONS,
	HOLIDAY_KINDS,
	LINK_KINDS,
	type ActionCode,
	type DeadlineCode,
	type Disposition,
	type LinkKind,
	type Outcome,
	type OutcomeRule,
	type Stage,
	type WorkflowState
} from '../vocabulary/workflow';
import { base64Bytes, base64BytesOneOf, type Decode } from './fields';
import type { FileRef } from './reporter';

export type { FileRef };

/* ------------------------------------------------------------------ request bodies */

/** Most notice ids one "seen" request may name. */
export const MAX_SEEN_IDS = 1000;

/** The request-body schemas, base64 fields decoded by `decode` (see ./reporter.ts `reporterBodies`). */
export function staffBodies(decode?: Decode) {
	const ciphertext = base64Bytes({ max: MAX_CONTENT_BYTES }, decode);
	const exactly = (n: number) => base64Bytes({ exact: n, max: n }, decode);
	const Wrap = v.object({
		entryId: exactly(ENTRY_ID_LENGTH),
		sealed: base64BytesOneOf([SEALED_KEY_LENGTH, GM_LENGTHS.sealed], decode),
		/** Format T: the sender's proof for the receiving side (issue 16); required for a transfer. */
		proof: v.optional(base64BytesOneOf([TRANSFER_PROOF_LENGTH, GM_LENGTHS.transferProof], decode))
	});
	const organOrAgency = v.optional(v.nullable(v.pipe(v.string(), v.minLength(1), v.maxLength(200))));
	return {
		ActionBody: v.object({
			/** An ActionCode; the workflow refuses others (`unknown_action`). */
			action: v.pipe(v.string(), v.maxLength(64)),
			/** The rationale note, encrypted under the report key. */
			note: v.optional(v.nullable(ciphertext)),
			/** An Outcome; the workflow checks it against the action. */
			outcome: v.optional(v.unknown()),
			/** Sending up or down: the receiving organ's id. */
			targetOrgan: organOrAgency,
			/** Referring out: the agency's name. */
			target: organOrAgency,
			/** Sending up or down: the report key sealed for the receiving organ's recipients. */
			wraps: v.optional(v.nullable(v.pipe(v.array(Wrap), v.maxLength(MAX_WRAPS)))),
			/** Concluding with a sanction: the decision (deciding body, date, document number; issue 18). */
			decision: v.optional(
				v.nullable(
					v.strictObject({
						decidedBy: v.picklist(DECIDING_BODIES),
						on: v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/)),
						docNumber: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(64))
					})
				)
			),
			/** Filing a case against a same-level committee cadre: its report to the committee (issue 18). */
			committeeReport: v.optional(
				v.nullable(
					v.strictObject({
						on: v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/)),
						to: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(64))
					})
				)
			)
		}),
		/** A collective study (集体排查) of the lead: minutes encrypted under the report key (issue 18). */
		StudyBody: v.strictObject({
			studiedOn: v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/)),
			participants: v.pipe(v.array(v.pipe(v.string(), v.uuid())), v.minLength(2), v.maxLength(50)),
			conclusion: v.picklist(DISPOSITIONS),
			minutes: ciphertext
		}),
		AssignBody: v.object({ staffId: v.nullable(v.pipe(v.string(), v.uuid())) }),
		GrantBody: v.object({
			staffId: v.pipe(v.string(), v.uuid()),
			entryId: exactly(ENTRY_ID_LENGTH),
			sealed: base64BytesOneOf([SEALED_KEY_LENGTH, GM_LENGTHS.sealed], decode)
		}),
		/** A reply to the reporter or an internal note: a content ciphertext under the report key. */
		CiphertextBody: v.object({ body: ciphertext }),
		LinkBody: v.object({ other: v.pipe(v.string(), v.regex(/^[0-9A-Za-z]{6,20}$/)), kind: v.picklist(LINK_KINDS) }),
		ExportBody: v.object({ kind: v.optional(v.picklist(['print', 'export'])) }),
		SeenBody: v.union([
			v.object({
				ids: v.pipe(
					v.array(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(2 ** 31 - 1))),
					v.maxLength(MAX_SEEN_IDS)
				)
			}),
			v.object({ all: v.literal(true) })
		]),
		HolidayBody: v.object({
			day: v.pipe(v.string(), v.maxLength(10)),
			kind: v.picklist(HOLIDAY_KINDS),
			name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(40)),
			provisional: v.optional(v.boolean())
		}),
		SaltBody: v.object({ username: v.pipe(v.string(), v.maxLength(128)) })
	};
}
type Bodies = ReturnType<typeof staffBodies>;

export type ActionRequest = v.InferInput<Bodies['ActionBody']>;
export type ActionBody = v.InferOutput<Bodies['ActionBody']>;
export type AssignRequest = v.InferInput<Bodies['AssignBody']>;
export type GrantRequest = v.InferInput<Bodies['GrantBody']>;
export type GrantBody = v.InferOutput<Bodies['GrantBody']>;
export type CiphertextRequest = v.InferInput<Bodies['CiphertextBody']>;
export type LinkRequest = v.InferInput<Bodies['LinkBody']>;
export type ExportRequest = v.InferInput<Bodies['ExportBody']>;
export type SeenRequest = v.InferInput<Bodies['SeenBody']>;
export type HolidayRequest = v.InferInput<Bodies['HolidayBody']>;
export type SaltRequest = v.InferInput<Bodies['SaltBody']>;

/* ------------------------------------------------------------------ answers */

export interface Person {
	id: string;
	displayName: string;
}

export interface UnitRef {
	id: string;
	name: string;
	regionPath: string;
}

/**
 * One report of the inbox: clear fields, the inbox summary (format I) and the caller's wrap (to open the
 * summary). Never the content: that is served only by the audited open (issue 16).
 */
export interface InboxItem {
	id: string;
	locator: string;
	receivedOn: string;
	unit: UnitRef | null;
	position: PositionKind;
	category: Category;
	realName: boolean;
	state: WorkflowState;
	publicStatus: PublicStatus;
	/** The holding organ (issue 18: the inbox's organ column). */
	organ: { id: string; name: string };
	handler: Person | null;
	nextDue: { code: DeadlineCode; due: string } | null;
	overdue: boolean;
	/** The inbox summary ciphertext (base64); null for reports of before (show "打开后可见"). */
	summary: string | null;
	sealed: string;
}

export interface InboxCounts {
	total: number;
	overdue: number;
	dueSoon: number;
	unassigned: number;
	mine: number;
	/** Reports per WorkflowState (states without reports are absent). */
	byState: Record<string, number>;
}

/** GET /staff/api/inbox: a page of items, the cursor of the next (null: last page), counts on the first page. */
export interface InboxAnswer {
	items: InboxItem[];
	next: string | null;
	counts: InboxCounts | null;
}

/** An action the caller may take now, with what the page must collect for it. */
export interface AllowedAction {
	action: ActionCode;
	label: Bilingual;
	to: WorkflowState | null;
	/** 'note', 'outcome', 'target' (an agency), 'targetOrgan' and 'wraps' (an organ), 'approval' (a head decides). */
	requires: string[];
	/** The outcome rule when the action records an outcome. */
	outcome: OutcomeRule | null;
}

/** A collective study of the lead and its approval. */
export interface CaseStudy {
	id: number;
	studiedOn: string;
	participants: Person[];
	conclusion: Disposition;
	minutes: string;
	recordedBy: Person;
	approvedBy: Person | null;
	used: boolean;
}

/** An action the caller's duties do not allow (departments/rules.ts). */
export interface BlockedAction {
	action: ActionCode;
	label: Bilingual;
	reason: 'forbidden_duty' | 'investigator_reviews';
	/** Who may: department kinds and leader roles (codes of vocabulary/departments.ts). */
	by: string[];
}

/** GET /staff/api/reports/{id}: the case as the caller may see it (ciphertexts in base64). */
export interface CaseView {
	report: {
		id: string;
		locator: string;
		receivedOn: string;
		unit: UnitRef | null;
		position: PositionKind;
		category: Category;
		realName: boolean;
		escalate: boolean;
		organ: { id: string; name: string };
		state: WorkflowState;
		stateLabel: Bilingual | null;
		publicStatus: PublicStatus;
		disposition: Disposition | null;
		outcome: Outcome | null;
		concludedOn: string | null;
		handler: Person | null;
		/** The content ciphertext. */
		content: string;
		/** The report key sealed for the caller. */
		sealed: string;
		/** The caller's wrap's directory entry (base64): a transfer's sender names it in its proofs. */
		wrapEntryId: string;
		/** A wrap that came by transfer: its proof (format T, base64) and the organ it came from (issue 16). */
		transfer: { proof: string | null; fromOrgan: string } | null;
		files: FileRef[];
		flags: {
			acceptanceNotified: boolean;
			feedbackGiven: boolean;
			nameCleared: boolean;
			falseAccusationReferred: boolean;
		};
		referredTo: string | null;
		/** Sent by region: the reporter could not find the unit (`unit` is the region; the unit is in the content). */
		byRegion: boolean;
		/** Must be reported up (Art. 22): a clue about a same-level committee member held by the same-level organ. */
		mustReportUp: boolean;
		/** About a cadre of the same-level committee: filing a case is reported to the committee (issue 18). */
		sameLevelCadre: boolean;
	};
	/** In the report's order (`seq` 1, 2, …); `id` is random (issue 16). */
	messages: { id: string; seq: number; author: MessageAuthor; sentOn: string; body: string; files: FileRef[] }[];
	notes: { id: number; author: Person | null; at: string; body: string }[];
	events: {
		id: number;
		at: string;
		actor: Person | null;
		action: string;
		fromState: string | null;
		toState: string | null;
		organId: string | null;
		note: string | null;
		outcome: Outcome | null;
		/** Recorded with the event (issue 18): a sanction's decision, a filing's report to the committee. */
		decision: { decidedBy: string; on: string; docNumber: string } | null;
		committeeReport: { on: string; to: string } | null;
	}[];
	deadlines: { code: DeadlineCode; startedOn: string; dueOn: string; metOn: string | null }[];
	pending: {
		action: ActionCode;
		requestedBy: Person;
		requestedAt: string;
		target: string | null;
		outcome: Outcome | null;
		note: string | null;
		wraps: number;
	} | null;
	links: { id: string; locator: string; kind: LinkKind }[];
	/** Requests for protection (申请保护, issue 19): the reporter message that asked, and its own deadline. */
	protection: { messageId: string; requestedOn: string; dueOn: string; metOn: string | null }[];
	allowedActions: AllowedAction[];
	/**
	 * Actions the workflow allows now but the organ's division of duties does not allow the caller
	 * (issue 18): shown disabled, with the reason and who may take them (department kinds, leader roles).
	 */
	blockedActions: BlockedAction[];
	/** Collective studies (集体排查) of the lead, minutes as ciphertext (issue 18). */
	studies: CaseStudy[];
	/** The caller's duties in the holding organ, and whether the organ works by its division of duties. */
	duties: { departmentKind: string | null; role: string }[];
	dutiesEnforced: boolean;
	/** The holding organ's inspectors and heads (`role` as stored), and whether each can see the report. */
	organStaff: { id: string; displayName: string; role: StaffRole; canSee: boolean }[];
	grants: { staffId: string; displayName: string; grantedBy: Person | null }[];
	/** The caller's role in the holding organ; null for a member who sees it through a grant. */
	role: HandlerRole | null;
}

/** Where a case can be reported up or transferred down: the organs above (nearest first) and below. */
export interface TransferTargets {
	up: { id: string; name: string }[];
	down: { id: string; name: string }[];
}

/** POST …/actions when the report left the caller's sight (an approved transfer). */
export interface CaseLeft {
	report: { id: string; state: WorkflowState; organ: { id: string } };
	visible: false;
}
export type ActionAnswer = CaseView | CaseLeft;

export interface OkAnswer {
	ok: true;
}
/** A change to a case answered with the case after it (issue 18: the page re-renders from this answer). */
export interface ViewAnswer {
	ok: true;
	view: CaseView;
}
export interface ReplyAnswer {
	/** Random (a uuid); `seq` is the message's place in the report's conversation. */
	id: string;
	seq: number;
	sentOn: string;
	/** The case after the reply. */
	view: CaseView;
}
export interface NoteAnswer {
	id: number;
	at: string;
	/** The case after the note. */
	view: CaseView;
}

/* ------------------------------------------------------------------ notices, holidays, audit: ./staff-office.ts */

export type { AuditItem, AuditPage, HolidayDay, HolidayList, NoticeItem, NoticeList } from './staff-office';

/* ------------------------------------------------------------------ statistics: ./staff-stats.ts */

export type { BackofficeStats, Bucket, OrganRef, PlaceCount, StatsAnswer, StatsScope } from './staff-stats';

/* ------------------------------------------------------------------ sign-in, page data */

/** POST /staff/login/salt: the salt and Argon2id parameters of the browser-side auth key. */
export interface SaltAnswer {
	salt: string;
	params: { m: number; t: number; p: number };
}

/**
 * The workflow's {zh, en} labels, sent by the back office's page loads (src/routes/staff/(app)/reports/
 * shared.server.ts): the tables live with the state machine on the server.
 */
export interface WorkflowLabels {
	states: Record<string, Bilingual & { stage: Stage; public: PublicStatus }>;
	actions: Record<string, Bilingual>;
	deadlines: Record<string, Bilingual>;
	reasons: Record<string, Bilingual>;
	publicStatuses: Record<string, Bilingual>;
	outcome: {
		kinds: Record<string, Bilingual>;
		forms: Record<string, Bilingual>;
		measures: Record<string, Bilingual>;
		party: Record<string, Bilingual>;
		government: Record<string, Bilingual>;
		organizational: Record<string, Bilingual>;
		accountability: Record<string, Bilingual>;
		other: Record<string, Bilingual>;
	};
}
