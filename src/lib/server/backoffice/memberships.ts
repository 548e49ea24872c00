/**
 * The caller's posts in organs, read once per request (issue 18: the back office's layouts asked three
 * times per page load: the menu's statistics and posters entries, and the organs with their time zones). The
 * answer is kept for the request in a WeakMap keyed by `event.locals`, so it goes with the request.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { disciplineOrgan, organStaff } from '$lib/server/db/schema';
import { HANDLER_ROLES } from '$lib/shared/vocabulary/org';
import type { InboxOrgan } from '$lib/shared/wire/inbox';

export interface Membership extends InboxOrgan {
	role: string;
}

/** Every post of `staffId` (organ, its name and zone, role), by organ name. */
export async function membershipsWithOrgans(db: Db, staffId: string): Promise<Membership[]> {
	return db
		.select({
			id: disciplineOrgan.id,
			name: disciplineOrgan.name,
			timeZone: disciplineOrgan.timeZone,
			role: organStaff.role
		})
		.from(organStaff)
		.innerJoin(disciplineOrgan, eq(disciplineOrgan.id, organStaff.organId))
		.where(eq(organStaff.staffId, staffId))
		.orderBy(disciplineOrgan.name);
}

/** What the back office's layouts need from the posts (as organ-time-zone.ts, stats-access.ts, posters.ts say). */
export interface StaffPosts {
	/** The organs where the caller handles reports (inspector or head), by name (`handlerOrgans`). */
	handlerOrgans: InboxOrgan[];
	/** Statistics: instance admins and organ heads (`hasStatistics`). */
	canSeeStats: boolean;
	/** 码上监督 posters: instance admins and organ admins (`mayPrintAny`). */
	canPrintPosters: boolean;
}

export function postsOf(user: { isAdmin: boolean }, rows: Membership[]): StaffPosts {
	const handler = new Set<string>(HANDLER_ROLES);
	return {
		handlerOrgans: rows.filter((r) => handler.has(r.role)).map(({ id, name, timeZone }) => ({ id, name, timeZone })),
		canSeeStats: user.isAdmin || rows.some((r) => r.role === 'head'),
		canPrintPosters: user.isAdmin || rows.some((r) => r.role === 'admin')
	};
}

const perRequest = new WeakMap<object, Promise<StaffPosts>>();

/** The posts of the request's member, read at most once per request (`locals`: the request's `event.locals`). */
export function staffPosts(locals: object, db: Db, user: { id: string; isAdmin: boolean }): Promise<StaffPosts> {
	let p = perRequest.get(locals);
	if (!p) {
		p = membershipsWithOrgans(db, user.id).then((rows) => postsOf(user, rows));
		perRequest.set(locals, p);
		// A failed read is not kept: the next caller of the same request tries again.
		p.catch(() => perRequest.delete(locals));
	}
	return p;
}
