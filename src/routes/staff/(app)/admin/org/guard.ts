import { error } from '@sveltejs/kit';

/** The directory pages are for administrators who passed both sign-in factors; everyone else gets 403. */
export function requireAdmin(locals: App.Locals) {
	if (!locals.user?.isAdmin || !locals.session?.twoFactorVerified) error(403, 'Administrators only');
	return locals.user;
}
