import { requireRole } from '$lib/server/http/staff';
import type { LayoutServerLoad } from './$types';

/**
 * The one guard of the admin area: instance administrators who passed both sign-in factors; everyone else
 * gets 403. Form actions and endpoints below are not covered by a layout, so they call `requireRole` too.
 */
export const load: LayoutServerLoad = ({ locals }) => {
	requireRole(locals, 'admin');
	return {};
};
