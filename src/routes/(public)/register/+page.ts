import { useDeploymentSuite } from '$lib/client/deployment-suite';
import type { PageLoad } from './$types';

/** Loads the deployment's cipher suite (issue 21) before the register key, the identity and the wraps are made. */
export const load: PageLoad = async ({ data }) => {
	await useDeploymentSuite(data.cryptoSuite);
	return data;
};
