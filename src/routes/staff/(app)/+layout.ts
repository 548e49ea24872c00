import { useDeploymentSuite } from '$lib/client/deployment-suite';
import type { LayoutLoad } from './$types';

/** Loads the deployment's cipher suite (issue 21) before any page of the back office runs staff crypto. */
export const load: LayoutLoad = async ({ data }) => {
	await useDeploymentSuite(data.cryptoSuite);
	return data;
};
