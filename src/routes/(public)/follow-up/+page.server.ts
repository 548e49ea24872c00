import { encodeBase64 } from '@oslojs/encoding';
import { pinnedRootKey } from '$lib/server/keys/root-key';
import { deploymentSuiteId } from '$lib/server/keys/suite';
import type { PageServerLoad } from './$types';

/**
 * The root public key the deployment pinned (ROOT_PUBLIC_KEY, never the database copy), served with the
 * page: the browser checks a proof of having reported against it before offering it (issue 19).
 */
export const load: PageServerLoad = () => {
	const root = pinnedRootKey();
	// The deployment's cipher suite (issue 21): the receipt is derived and the report decrypted in it only.
	return { pinnedRoot: root ? encodeBase64(root) : null, pinnedSuite: deploymentSuiteId() };
};
