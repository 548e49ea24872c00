import { config } from '$lib/server/config';
import type { FileLimits } from '$lib/shared/limits';
import type { LayoutServerLoad } from './$types';

/** The quick-exit target and the file limits the reporter's pages check files against (both configurable). */
export const load: LayoutServerLoad = () => {
	const c = config();
	const fileLimits: FileLimits = { maxFiles: c.maxFiles, maxFileBytes: c.maxFileBytes };
	return { quickExitUrl: c.quickExitUrl, fileLimits };
};
