import { and, eq } from 'drizzle-orm';
import { db } from '$lib/server/db';
import { organStaff } from '$lib/server/db/schema';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => {
	if (!locals.user || !locals.session?.twoFactorVerified) return { staff: null };
	// The statistics page is for organ heads (their jurisdiction) and administrators (totals).
	const heads = locals.user.isAdmin
		? []
		: await db()
				.select({ organId: organStaff.organId })
				.from(organStaff)
				.where(and(eq(organStaff.staffId, locals.user.id), eq(organStaff.role, 'head')))
				.limit(1);
	return {
		staff: {
			displayName: locals.user.displayName,
			isAdmin: locals.user.isAdmin,
			canSeeStats: locals.user.isAdmin || heads.length > 0
		}
	};
};
