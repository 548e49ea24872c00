/**
 * Saved inbox filters per staff member (issue 18 item 3; table staff_saved_filter): a name and the inbox's URL
 * filters, checked by the inbox's parser and stored in canonical form. Search terms (a 查询码) are not URL
 * filters and cannot be saved. Each member sees and deletes only their own.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { staffSavedFilter } from '$lib/server/db/schema';
import { ok, refuse, type Result } from '$lib/server/http/result';
import type { SavedFilter } from '$lib/shared/wire/inbox';
import type { StaffCtx } from './context';
import { canonicalFilters } from './inbox-query';

/** At most this many saved filters per staff member. */
export const MAX_SAVED_FILTERS = 30;

export async function listSavedFilters(ctx: StaffCtx): Promise<Result<SavedFilter[]>> {
	const rows = await ctx.db
		.select({ id: staffSavedFilter.id, name: staffSavedFilter.name, query: staffSavedFilter.query })
		.from(staffSavedFilter)
		.where(eq(staffSavedFilter.staffId, ctx.user.id))
		.orderBy(asc(staffSavedFilter.name));
	return ok(rows);
}

/** Saves `{ name, query }`; a filter of the same name is replaced. */
export async function saveFilter(ctx: StaffCtx, body: unknown): Promise<Result<SavedFilter, 'invalid_field'>> {
	const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
	const name = typeof b.name === 'string' ? b.name.normalize('NFC').trim() : '';
	if (name.length < 1 || name.length > 60 || /\p{Cc}/u.test(name)) return refuse('invalid_field', { field: 'name' });
	if (typeof b.query !== 'string' || b.query.length > 1000) return refuse('invalid_field', { field: 'query' });
	const query = canonicalFilters(b.query.replace(/^\?/, ''));
	if (!query.ok) return refuse('invalid_field', { field: query.field });
	return ctx.db.transaction(async (tx) => {
		const [{ n }] = (await tx
			.select({ n: sql<number>`count(*)`.mapWith(Number) })
			.from(staffSavedFilter)
			.where(and(eq(staffSavedFilter.staffId, ctx.user.id), sql`${staffSavedFilter.name} <> ${name}`))) as [
			{ n: number }
		];
		if (n >= MAX_SAVED_FILTERS) return refuse('invalid_field', { field: 'name' });
		const [row] = await tx
			.insert(staffSavedFilter)
			.values({ staffId: ctx.user.id, name, query: query.value })
			.onConflictDoUpdate({
				target: [staffSavedFilter.staffId, staffSavedFilter.name],
				set: { query: query.value }
			})
			.returning({ id: staffSavedFilter.id, name: staffSavedFilter.name, query: staffSavedFilter.query });
		return ok(row!, { status: 201 });
	});
}

/** Deletes one of the caller's saved filters (404 for another member's or an unknown id). */
export async function deleteFilter(ctx: StaffCtx, idText: string): Promise<Result<null, 'not_found'>> {
	if (!/^\d{1,9}$/.test(idText)) return refuse('not_found');
	const gone = await ctx.db
		.delete(staffSavedFilter)
		.where(and(eq(staffSavedFilter.id, Number(idText)), eq(staffSavedFilter.staffId, ctx.user.id)))
		.returning({ id: staffSavedFilter.id });
	return gone.length ? ok(null, { status: 204 }) : refuse('not_found');
}
