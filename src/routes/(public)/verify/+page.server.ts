import { encodeBase64 } from '@oslojs/encoding';
import { pinnedRootKey } from '$lib/server/keys/root-key';
import { deploymentSuite } from '$lib/server/keys/suite';
import { runningRelease } from '$lib/server/keys/release';
import type { PageServerLoad } from './$types';

/**
 * The pinned root's fingerprint (校验码) and the running release's manifest hash (issue 15); the pinned root
 * itself and its suite, to check a proof of having reported on the device (issue 19; the 校验码 and the proof
 * in the deployment's suite, issue 21).
 */
export const load: PageServerLoad = () => {
	const root = pinnedRootKey();
	const suite = deploymentSuite();
	return {
		fingerprint: root ? suite.rootFingerprint(root) : null,
		pinnedRoot: root ? encodeBase64(root) : null,
		pinnedSuite: suite.id,
		release: runningRelease()
	};
};
