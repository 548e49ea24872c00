import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests against the production build (`node build`) in Debian's Chromium.
 * A plain config: the SvelteKit and Paraglide plugins are not needed to drive a built server.
 * Two files at a time: each starts a server and a browser, and the CI machines have two cores.
 */
/** End-to-end files that do not depend on which database runs (see `exclude`). */
export const BROWSER_ONLY = [
	'tests/e2e/release.e2e.ts',
	'tests/e2e/pwa-build.e2e.ts',
	'tests/e2e/pwa.e2e.ts',
	'tests/e2e/crypto-worker.e2e.ts',
	'tests/e2e/origin.e2e.ts',
	'tests/e2e/no-target-urls.e2e.ts',
	// Staff key and password lifecycles in the browser (production Argon2id, minutes of CPU): what they test
	// is the browser's derivation and the ceremony, the same on either database; the database-dependent
	// parts of sign-in, keys and membership run on both in the unit and back-office tests.
	'tests/e2e/keys.e2e.ts',
	'tests/e2e/password.e2e.ts',
	// The browser's side of these is the same on either database; their server sides run on both in unit tests
	// (key-stay.test.ts, inbox-search.test.ts). The poster and public-page files stay in both passes: the
	// issues they close ask for both databases.
	'tests/e2e/key-stay.e2e.ts',
	'tests/e2e/inbox.e2e.ts',
	// Issue 21: which scripts a reporter of each suite fetches, and the GM staff crypto off the page's thread,
	// are the build's and the browser's (the GM full cycle and canary, gm-full-cycle.e2e.ts, run on both).
	'tests/e2e/suite-bundle.e2e.ts',
	'tests/e2e/gm-staff-worker.e2e.ts',
	// The GM service worker's SM2 release check: the browser's and the release files' (no database, no build).
	'tests/e2e/sw-release-gm.e2e.ts'
];

export default defineConfig({
	root: fileURLToPath(new URL('../..', import.meta.url)),
	test: {
		include: ['tests/e2e/**/*.e2e.ts'],
		// The database-outage test needs a database server to take away: it belongs to the PostgreSQL pass only
		// (left out of the PGlite pass rather than counted as skipped). The files whose subject is not the
		// database (the build, the service worker, the crypto worker in the browser, the origin check, the URLs
		// the reporter's browser requests) run
		// once, in the PGlite pass: on PostgreSQL they would test the same bytes again.
		exclude: process.env.E2E_DB === 'postgres' ? BROWSER_ONLY : ['tests/e2e/faults-db-down.e2e.ts'],
		environment: 'node',
		testTimeout: 120_000,
		hookTimeout: 120_000,
		teardownTimeout: 60_000,
		pool: 'forks',
		maxWorkers: 2,
		fileParallelism: true,
		// A flaky browser test is a bug to fix, not to retry away.
		retry: 0
	}
});
