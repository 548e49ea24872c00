/**
 * The inbox's query (docs/backoffice.md "GET /staff/api/inbox", "POST /staff/api/inbox"): parsing the filters,
 * the sort orders and their keyset cursors. The sorts are each read along one index of the holding organ
 * (report_inbox_*), with the report id last so that pages are stable: a cursor holds the last row's sort keys.
 */
import { and, eq, gt, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { isDateString } from '$lib/server/calendar';
import { report } from '$lib/server/db/schema';
import { parseLocator } from '$lib/crypto/receipt';
import { isId, isUuid } from '$lib/shared/encoding';
import { CATEGORIES, POSITION_KINDS, PUBLIC_STATUSES } from '$lib/shared/vocabulary/report';
import { STAGES, WORKFLOW_STATES, type Stage, type WorkflowState } from '$lib/shared/vocabulary/workflow';
import { INBOX_SORTS, type InboxSort } from '$lib/shared/wire/inbox';
import type { PersonBlind } from './inbox-person';

export { INBOX_SORTS, type InboxSort };

export interface InboxQuery {
	stage?: Stage;
	state?: WorkflowState;
	status?: string;
	category?: string;
	position?: string;
	/** A unit id, or a unit's exact name (every unit of that name). */
	unit?: string;
	/** A holding organ's id or exact name (among the caller's organs). */
	organ?: string;
	/** Received on or after / on or before (YYYY-MM-DD, the organ's dates). */
	from?: string;
	to?: string;
	realName?: boolean;
	due?: 'soon' | 'overdue';
	assigned?: 'me' | 'none';
	sort: InboxSort;
	/** POST only: a 查询码 (canonical), so that it never sits in a URL. */
	locator?: string;
	/** POST only: a person's blind values per organ (./inbox-person.ts), never the name. */
	person?: PersonBlind[];
	after?: (string | null)[];
	limit: number;
	/** Compute the counts (default: on the first page only). */
	counts: boolean;
}

/** The filters a URL (and a saved filter) may carry. */
export const URL_FIELDS = [
	'stage',
	'state',
	'status',
	'category',
	'position',
	'unit',
	'organ',
	'from',
	'to',
	'realName',
	'due',
	'assigned',
	'sort'
] as const;
const PAGE_FIELDS = ['after', 'limit', 'counts'] as const;
const POST_FIELDS = ['locator', 'person'] as const;

export type ParsedQuery = { ok: true; value: InboxQuery } | { ok: false; field: string };

/**
 * Parses the filters; `post` allows the search fields (查询码), which a GET refuses (400 on `locator`) so
 * that a search term never travels in a URL.
 */
export function parseInboxQuery(params: URLSearchParams, post = false): ParsedQuery {
	const out: InboxQuery = { sort: 'date', limit: 50, counts: true };
	const known = new Set<string>([...URL_FIELDS, ...PAGE_FIELDS, ...(post ? POST_FIELDS : [])]);
	for (const k of params.keys()) if (!known.has(k)) return { ok: false, field: k };
	const get = (k: string) => {
		const all = params.getAll(k);
		return all.length === 0 || all[all.length - 1] === '' ? undefined : all[all.length - 1];
	};
	const fields: [keyof InboxQuery, readonly string[]][] = [
		['stage', STAGES],
		['state', WORKFLOW_STATES],
		['status', PUBLIC_STATUSES],
		['category', CATEGORIES],
		['position', POSITION_KINDS],
		['due', ['soon', 'overdue']],
		['assigned', ['me', 'none']],
		['sort', INBOX_SORTS]
	];
	for (const [k, list] of fields) {
		const v = get(k);
		if (v === undefined) continue;
		if (!list.includes(v)) return { ok: false, field: k };
		(out as unknown as Record<string, unknown>)[k] = v;
	}
	for (const k of ['unit', 'organ'] as const) {
		const v = get(k)?.trim();
		if (v === undefined || v === '') continue;
		if (v.length > 100) return { ok: false, field: k };
		out[k] = v;
	}
	for (const k of ['from', 'to'] as const) {
		const v = get(k);
		if (v === undefined) continue;
		if (!isDateString(v)) return { ok: false, field: k };
		out[k] = v;
	}
	if (out.from && out.to && out.from > out.to) return { ok: false, field: 'to' };
	const rn = get('realName');
	if (rn !== undefined) {
		if (rn !== '1' && rn !== '0') return { ok: false, field: 'realName' };
		out.realName = rn === '1';
	}
	const limit = get('limit');
	if (limit !== undefined) {
		if (!/^\d{1,3}$/.test(limit) || Number(limit) < 1 || Number(limit) > 100) return { ok: false, field: 'limit' };
		out.limit = Number(limit);
	}
	const locator = get('locator');
	if (locator !== undefined) {
		if (locator.length > 40) return { ok: false, field: 'locator' };
		try {
			out.locator = parseLocator(locator);
		} catch {
			return { ok: false, field: 'locator' };
		}
	}
	const person = get('person');
	if (person !== undefined) {
		const p = parsePerson(person);
		if (!p) return { ok: false, field: 'person' };
		out.person = p;
	}
	const after = get('after');
	if (after !== undefined) {
		const c = decodeCursor(after, out.sort);
		if (!c) return { ok: false, field: 'after' };
		out.after = c;
		out.counts = false;
	}
	const counts = get('counts');
	if (counts !== undefined) {
		if (counts !== '1' && counts !== '0') return { ok: false, field: 'counts' };
		out.counts = counts === '1';
	}
	return { ok: true, value: out };
}

/** At most this many organs in one person search (one blind value, or two, per organ). */
export const MAX_PERSON_ORGANS = 20;
const BLIND_B64 = /^[A-Za-z0-9+/]{43}=$/;

/** 32 bytes from canonical base64, or null. */
function blind(v: unknown): Uint8Array | null {
	if (typeof v !== 'string' || !BLIND_B64.test(v)) return null;
	const b = Buffer.from(v, 'base64');
	return b.length === 32 && b.toString('base64') === v ? new Uint8Array(b) : null;
}

/** The `person` field: JSON `[{ organ, name, unit? }]` with base64 blind values (the client's person-search.ts). */
function parsePerson(text: string): PersonBlind[] | null {
	if (text.length > MAX_PERSON_ORGANS * 240) return null;
	let v: unknown;
	try {
		v = JSON.parse(text);
	} catch {
		return null;
	}
	if (!Array.isArray(v) || v.length < 1 || v.length > MAX_PERSON_ORGANS) return null;
	const out: PersonBlind[] = [];
	for (const e of v as unknown[]) {
		if (typeof e !== 'object' || e === null) return null;
		const { organ, name, unit, ...rest } = e as Record<string, unknown>;
		if (Object.keys(rest).length || !isId(organ)) return null;
		const n = blind(name);
		const u = unit === undefined || unit === null ? null : blind(unit);
		if (!n || (unit !== undefined && unit !== null && !u)) return null;
		out.push({ organ, name: n, unit: u });
	}
	return out;
}

/** The URL filters of a query string, canonical (what a saved filter stores); null with a bad field. */
export function canonicalFilters(qs: string): { ok: true; value: string } | { ok: false; field: string } {
	const params = new URLSearchParams(qs);
	for (const k of params.keys())
		if (!(URL_FIELDS as readonly string[]).includes(k)) return { ok: false, field: `query.${k}` };
	const parsed = parseInboxQuery(params);
	if (!parsed.ok) return { ok: false, field: `query.${parsed.field}` };
	const out = new URLSearchParams();
	for (const k of URL_FIELDS) {
		const v = params.get(k)?.trim();
		if (v) out.set(k, v);
	}
	return { ok: true, value: out.toString() };
}

/** One sort column: its SQL, direction and how a cursor value of it is checked. */
interface SortColumn {
	col: SQL;
	desc: boolean;
	check: (v: string) => boolean;
}
const byDate = (desc: boolean): SortColumn => ({ col: sql`${report.receivedOn}`, desc, check: isDateString });
const byCode = (col: SQL): SortColumn => ({ col, desc: false, check: (v) => v.length > 0 && v.length <= 100 });

/**
 * The columns of each sort before the report id (ascending, except `date_asc`, whose index is read
 * backwards). `deadline` is apart: its key may be null (no running deadline, last).
 */
const SORT_COLUMNS: Record<Exclude<InboxSort, 'deadline'>, SortColumn[]> = {
	date: [byDate(true)],
	date_asc: [byDate(false)],
	state: [byCode(sql`${report.state}`), byDate(true)],
	unit: [byCode(sql`${report.unitId}`), byDate(true)],
	category: [byCode(sql`${report.category}`), byDate(true)]
};
const idDesc = (sort: InboxSort) => sort === 'date_asc';

/** ORDER BY of a sort (column names qualified or not: the page reads one table). */
export function orderOf(sort: InboxSort): SQL {
	if (sort === 'deadline') return sql`${report.nextDueOn} asc nulls last, ${report.id} asc`;
	const cols = SORT_COLUMNS[sort].map((c) => sql`${c.col} ${c.desc ? sql`desc` : sql`asc`}`);
	return sql.join([...cols, sql`${report.id} ${idDesc(sort) ? sql`desc` : sql`asc`}`], sql`, `);
}

/** The keys of a row that a cursor holds, in order. */
export function cursorKeys(
	sort: InboxSort,
	r: { receivedOn: string; state: string; unitId: string; category: string; nextDueOn: string | null; id: string }
): (string | null)[] {
	const k: Record<InboxSort, (string | null)[]> = {
		date: [r.receivedOn],
		date_asc: [r.receivedOn],
		deadline: [r.nextDueOn],
		state: [r.state, r.receivedOn],
		unit: [r.unitId, r.receivedOn],
		category: [r.category, r.receivedOn]
	};
	return [...k[sort], r.id];
}

export function encodeCursor(keys: (string | null)[]): string {
	return Buffer.from(JSON.stringify(keys)).toString('base64url');
}

function decodeCursor(s: string, sort: InboxSort): (string | null)[] | null {
	if (s.length > 400 || !/^[A-Za-z0-9_-]+$/.test(s)) return null;
	try {
		const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
		if (!Array.isArray(v)) return null;
		const id = v[v.length - 1] as unknown;
		if (!isUuid(id)) return null;
		if (sort === 'deadline') {
			if (v.length !== 2 || (v[0] !== null && !isDateString(v[0]))) return null;
			return v as (string | null)[];
		}
		const cols = SORT_COLUMNS[sort];
		if (v.length !== cols.length + 1) return null;
		for (let i = 0; i < cols.length; i++) {
			const x = v[i] as unknown;
			if (typeof x !== 'string' || !cols[i]!.check(x)) return null;
		}
		return v as string[];
	} catch {
		return null;
	}
}

/**
 * The rows after the cursor: lexicographic over the sort's columns then the id, each in its direction,
 * plus a bound on the first column (an index range for the walk). Null: a cursor that is not of this sort.
 */
export function afterCursor(sort: InboxSort, keys: (string | null)[]): SQL[] | null {
	const id = keys[keys.length - 1] as string;
	if (sort === 'deadline') {
		const key = keys[0] ?? null;
		if (key === null) return [and(isNull(report.nextDueOn), gt(report.id, id)) as SQL];
		return [
			or(gt(report.nextDueOn, key), and(eq(report.nextDueOn, key), gt(report.id, id)), isNull(report.nextDueOn)) as SQL
		];
	}
	const cols = SORT_COLUMNS[sort];
	const past = (c: SQL, v: string, desc: boolean) => (desc ? sql`${c} < ${v}` : sql`${c} > ${v}`);
	let cond: SQL = idDesc(sort) ? lt(report.id, id) : gt(report.id, id);
	for (let i = cols.length - 1; i >= 0; i--) {
		const c = cols[i]!;
		const v = keys[i] as string;
		cond = or(past(c.col, v, c.desc), and(sql`${c.col} = ${v}`, cond)) as SQL;
	}
	const first = cols[0]!;
	const v0 = keys[0] as string;
	return [cond, first.desc ? sql`${first.col} <= ${v0}` : sql`${first.col} >= ${v0}`];
}
