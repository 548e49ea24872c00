import { db } from '$lib/server/db';
import { staffPosts } from '$lib/server/backoffice/memberships';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => {
	if (!locals.user || !locals.session?.twoFactorVerified) return { staff: null };
	// One read of the member's posts per request, shared with the (app) layout (memberships.ts, issue 18).
	const posts = await staffPosts(locals, db(), locals.user);
	return {
		staff: {
			displayName: locals.user.displayName,
			isAdmin: locals.user.isAdmin,
			// The statistics page is for organ heads (their jurisdiction) and administrators (totals).
			canSeeStats: posts.canSeeStats,
			// 码上监督 posters: instance admins and organ admins (issue 22).
			canPrintPosters: posts.canPrintPosters
		}
	};
};
