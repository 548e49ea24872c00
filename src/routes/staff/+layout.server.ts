import { hasStatistics } from '$lib/server/backoffice/stats-access';
import { db } from '$lib/server/db';
import { mayPrintAny } from '$lib/server/org/posters';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => {
	if (!locals.user || !locals.session?.twoFactorVerified) return { staff: null };
	return {
		staff: {
			displayName: locals.user.displayName,
			isAdmin: locals.user.isAdmin,
			// The statistics page is for organ heads (their jurisdiction) and administrators (totals).
			canSeeStats: await hasStatistics(db(), locals.user),
			// 码上监督 posters: instance admins and organ admins (issue 22).
			canPrintPosters: await mayPrintAny(db(), locals.user)
		}
	};
};
