import { encodeBase64 } from '@oslojs/encoding';
import { pinnedRootKey } from '$lib/server/keys/root-key';
import { config } from '$lib/server/config';
import type { PageServerLoad } from './$types';

/**
 * The interference register page (and the report form): the root public key the deployment pinned (ROOT_PUBLIC_KEY, never the database copy), served with the
 * page: the browser checks the organ's directory against it before sealing anything (issue 15), and stops
 * with a warning when the server answers with another root.
 */
export const load: PageServerLoad = () => {
	const root = pinnedRootKey();
	return { pinnedRoot: root ? encodeBase64(root) : null, cryptoSuite: config().cryptoSuite };
};
