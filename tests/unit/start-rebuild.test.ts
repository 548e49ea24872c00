import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

// `npm start` (scripts/start.js) rebuilds when a source is newer than the build. Everything the build's
// version hashes (scripts/release-manifest.js: the sources of the client build, itself included) must be
// a reason to rebuild, or the running build would not be the one its version and release manifest describe.
const root = path.resolve(import.meta.dirname, '..', '..');

/** The strings of the array literal assigned to `name` in a script. */
function listIn(file: string, name: string): string[] {
	const text = readFileSync(path.join(root, file), 'utf8');
	const body = new RegExp(`const ${name} = \\[([^\\]]*)\\]`).exec(text)?.[1];
	if (body === undefined) throw new Error(`no ${name} list in ${file}`);
	return [...body.replace(/\/\/.*$/gm, '').matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

it('npm start rebuilds when anything the build version hashes changes, release-manifest.js included', () => {
	const hashed = listIn('scripts/release-manifest.js', 'SOURCES');
	const watched = listIn('scripts/start.js', 'sources');
	expect(hashed).toContain('scripts/release-manifest.js');
	expect(hashed.filter((s) => !watched.includes(s))).toEqual([]);
});
