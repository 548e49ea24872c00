/**
 * The inbox's wire types beyond InboxAnswer (issue 18 item 3; docs/backoffice.md "The inbox"):
 *   GET  /staff/api/inbox?…                      → InboxAnswer (URL filters only)
 *   POST /staff/api/inbox  InboxSearchRequest    → InboxAnswer (the same plus the search fields)
 *   GET  /staff/api/inbox/filters                → SavedFilter[]
 *   POST /staff/api/inbox/filters  { name, query } → SavedFilter (201)
 *   DELETE /staff/api/inbox/filters/{id}          → 204
 *   POST /staff/api/organs/{id}/time-zone { timeZone } → { id, timeZone }
 */

/** The inbox's sort orders: received (newest or oldest first), next deadline, state, unit, category. */
export const INBOX_SORTS = ['date', 'date_asc', 'deadline', 'state', 'unit', 'category'] as const;
export type InboxSort = (typeof INBOX_SORTS)[number];

/**
 * POST /staff/api/inbox: the URL filters as strings (as in the query string) plus `locator` (a 查询码, in any
 * form the reporter's receipt shows). Search terms travel here, never in a URL.
 */
export type InboxSearchRequest = Partial<Record<string, string>> & { locator?: string };

/** A staff member's saved inbox filter: a name and the URL filters as a query string. */
export interface SavedFilter {
	id: number;
	name: string;
	query: string;
}

/** An organ the caller may see in the inbox's organ filter. */
export interface InboxOrgan {
	id: string;
	name: string;
	timeZone: string;
}
