import { config } from '$lib/server/config';
import type { LayoutServerLoad } from './$types';

/** The quick-exit target, for every page: the error pages (+error.svelte) keep the quick exit too. */
export const load: LayoutServerLoad = () => ({ quickExitUrl: config().quickExitUrl });
