/**
 * The deployment's cipher suite on the staff side and the register page (issue 21). The server names it (`config().cryptoSuite`,
 * passed as `cryptoSuite` in the staff layout's data and the register page's data); `useDeploymentSuite` loads
 * it once per page load, before any staff crypto runs (src/routes/staff/(app)/+layout.ts). The NaCl suite is the
 * code the staff pages always had, so `deploymentSuite()` is `undefined` there and every crypto function takes
 * its NaCl path, byte for byte as before; a GM deployment gets the GM suite, fetched as its own chunk.
 */
import { DEFAULT_SUITE, isSuiteId, loadSuite, type Suite, type SuiteId } from '../crypto/suite';

let active: Suite | undefined;
let activeId: SuiteId = DEFAULT_SUITE;

/** Loads the named suite for this page (idempotent). An unknown name is refused, not replaced by a default. */
export async function useDeploymentSuite(id: unknown): Promise<void> {
	if (!isSuiteId(id)) throw new Error(`unknown cipher suite ${String(id)}`);
	if (id === activeId && (id === 'nacl' || active)) return;
	active = id === 'nacl' ? undefined : await loadSuite(id);
	activeId = id;
}

/** The suite for the staff crypto functions' `suite` argument: undefined in a NaCl deployment. */
export function deploymentSuite(): Suite | undefined {
	return active;
}

/** The deployment's suite id ('nacl' until `useDeploymentSuite` said otherwise). */
export function deploymentSuiteId(): SuiteId {
	return activeId;
}
