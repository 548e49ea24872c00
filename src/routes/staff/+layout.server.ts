import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => ({
	staff:
		locals.user && locals.session?.twoFactorVerified
			? { displayName: locals.user.displayName, isAdmin: locals.user.isAdmin }
			: null
});
