/**
 * The build-time switch of test builds (issue 16). `__QF_TEST_BUILD__` is replaced by Vite at build time
 * (vite.config.ts, `define`): `true` only when the build ran with `QF_TEST_BUILD=1` (`npm run build:test`,
 * which `npm test` uses for the browser tests), `false` in every other build, `npm run build` included.
 * A production build therefore carries no code path that accepts cheap Argon2 parameters at staff sign-in:
 * the minifier drops the branch, and no setting of the server can turn it back on.
 */
declare const __QF_TEST_BUILD__: boolean | undefined;

export const TEST_BUILD: boolean = typeof __QF_TEST_BUILD__ === 'boolean' ? __QF_TEST_BUILD__ : false;

/** The environment variable that makes a build a test build. */
export const TEST_BUILD_ENV = 'QF_TEST_BUILD';

/** The `define` entries of vite.config.ts for an environment (a unit test checks production has the floor on). */
export function buildDefines(env: Record<string, string | undefined>): Record<string, string> {
	return { __QF_TEST_BUILD__: JSON.stringify(env[TEST_BUILD_ENV] === '1') };
}

/** The line a test build prints when it starts (tests/e2e/keyed-demo.ts looks for it). */
export const TEST_BUILD_BANNER = 'TEST BUILD (QF_TEST_BUILD=1): accepts cheap Argon2 at staff sign-in; never deploy it';
