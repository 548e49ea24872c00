import { rootFingerprint } from '$lib/crypto/directory';
import { pinnedRootKey } from '$lib/server/keys/root-key';
import { runningRelease } from '$lib/server/keys/release';
import type { PageServerLoad } from './$types';

/** The pinned root's fingerprint (校验码) and the running release's manifest hash (issue 15). */
export const load: PageServerLoad = () => {
	const root = pinnedRootKey();
	return { fingerprint: root ? rootFingerprint(root) : null, release: runningRelease() };
};
