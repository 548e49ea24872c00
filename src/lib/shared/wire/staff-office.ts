/**
 * The back office's notices, holiday calendar and audit log pages (GET /staff/api/notices, /staff/api/holidays,
 * /staff/api/audit). Part of the staff API's contract (./staff.ts re-exports these types).
 */
import type { HolidayKind, NoticeKind } from '../vocabulary/workflow';

export interface NoticeItem {
	id: number;
	kind: NoticeKind;
	reportId: string | null;
	locator: string | null;
	createdOn: string;
	seen: boolean;
	details: unknown;
}
export interface NoticeList {
	items: NoticeItem[];
	unseen: number;
}

export interface HolidayDay {
	day: string;
	kind: HolidayKind;
	name: string;
	provisional: boolean;
}
export interface HolidayList {
	items: HolidayDay[];
}

export interface AuditItem {
	/** A decimal string (the sequence is a bigint). */
	seq: string;
	at: string;
	/** A staff id, or 'system'. */
	actor: string;
	actorName: string | null;
	action: string;
	reportId: string | null;
	organId: string | null;
	details: unknown;
	/** Hex SHA-256 of the chained entry. */
	hash: string;
}
export interface AuditPage {
	items: AuditItem[];
	next: string | null;
}
