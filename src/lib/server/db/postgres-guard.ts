/**
 * Start-up check that the installed postgres.js carries the guard scripts/patch-deps.js adds at
 * `npm install` / `npm ci` (postgres.js issues #1066 and #1154: without it a connection closed by a
 * PostgreSQL restart can throw outside any promise and end the process). `npm ci --ignore-scripts`, a
 * copied node_modules or a reinstall by another tool skip the patch without a word; this check makes that
 * loud: on PostgreSQL the server refuses to start (hooks.server.ts), and says the one command that fixes it.
 *
 * Refusing rather than warning: the failure it prevents takes the whole process down at the worst moment
 * (while the database restarts), a warning scrolls by unread in a service log, and the fix is one command.
 * PGlite does not use postgres.js, so it is not checked there. Remove this with scripts/patch-deps.js once a
 * released postgres.js has the fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The marker scripts/patch-deps.js writes into the guarded function (kept equal by postgres-guard.test.ts). */
export const GUARD_MARK = '/* qingfeng: null-socket guard */';

/** The builds of postgres.js Node can load, relative to the package folder. */
const BUILDS = ['src/connection.js', 'cjs/src/connection.js'];

/** The installed postgres.js package folder, as this module resolves it. */
export function postgresPackageDir(): string {
	const require = createRequire(import.meta.url);
	// 'postgres' resolves to <pkg>/cjs/src/index.js (its exports hide package.json).
	return path.resolve(path.dirname(require.resolve('postgres')), '..', '..');
}

/** The connection.js files of a postgres.js package that lack the guard (empty when all are guarded). */
export function unguardedFiles(pkgDir = postgresPackageDir()): string[] {
	const present = BUILDS.map((f) => path.join(pkgDir, f)).filter((f) => existsSync(f));
	if (present.length === 0) return [path.join(pkgDir, BUILDS[0]!)];
	return present.filter((f) => !readFileSync(f, 'utf8').includes(GUARD_MARK));
}

/** The one line start-up prints (and exits 1) when the guard is missing; null when all is well. */
export function postgresGuardProblem(pkgDir?: string): string | null {
	const missing = unguardedFiles(pkgDir);
	if (missing.length === 0) return null;
	return (
		`Start-up refused: postgres.js lacks the guard that scripts/patch-deps.js adds (${missing.join(', ')}); ` +
		'without it a PostgreSQL restart can crash this server. Run `node scripts/patch-deps.js` ' +
		'(npm ci --ignore-scripts skips it), then start again.'
	);
}
