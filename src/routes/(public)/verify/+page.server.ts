import { encodeBase64 } from '@oslojs/encoding';
import { rootFingerprint } from '$lib/crypto/directory';
import { pinnedRootKey } from '$lib/server/keys/root-key';
import { runningRelease } from '$lib/server/keys/release';
import type { PageServerLoad } from './$types';

/**
 * The pinned root's fingerprint (校验码) and the running release's manifest hash (issue 15); the pinned root
 * itself, to check a proof of having reported on the device (issue 19).
 */
export const load: PageServerLoad = () => {
	const root = pinnedRootKey();
	return {
		fingerprint: root ? rootFingerprint(root) : null,
		pinnedRoot: root ? encodeBase64(root) : null,
		release: runningRelease()
	};
};
