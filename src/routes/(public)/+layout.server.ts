import { config } from '$lib/server/config';
import type { FileLimits } from '$lib/shared/limits';
import type { LayoutServerLoad } from './$types';

/**
 * The file limits the reporter's pages check files against (configurable), and who runs the site (footer,
 * guide); the quick-exit target comes from the root layout.
 */
export const load: LayoutServerLoad = () => {
	const c = config();
	const fileLimits: FileLimits = { maxFiles: c.maxFiles, maxFileBytes: c.maxFileBytes };
	return { fileLimits, operator: c.operator };
};
