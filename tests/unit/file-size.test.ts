import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * Rooms a newcomer can read (issue 13): no file of the app over 400 lines. Counted: everything tracked under
 * src/ (the code that ships and the tests beside it), scripts/ and tests/support/ (the test doubles and worlds).
 * Left out: what a tool generates (src/lib/paraglide, drizzle/), data files (JSON, images, fixtures), and the
 * end-to-end suites, benchmarks and fuzzers under tests/ (scenario scripts, each read top to bottom).
 */
const root = path.resolve(__dirname, '../..');
const LIMIT = 400;
const COUNTED = /^(src|scripts|tests\/support)\/.*\.(ts|js|mjs|svelte|css)$/;
const GENERATED = /^src\/lib\/paraglide\//;

describe('file size', () => {
	it(`keeps every source file at or under ${LIMIT} lines`, () => {
		const files = ['src', 'scripts', 'tests/support']
			.flatMap((dir) =>
				readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' }).map((f) => `${dir}/${f}`)
			)
			.map((f) => f.split(path.sep).join('/'))
			.filter((f) => COUNTED.test(f) && !GENERATED.test(f));
		expect(files.length).toBeGreaterThan(300);
		const over = files
			.map((f) => ({ f, lines: readFileSync(path.join(root, f), 'utf8').split('\n').length - 1 }))
			.filter((x) => x.lines > LIMIT)
			.map((x) => `${x.f} (${x.lines})`);
		expect(over).toEqual([]);
	});
});
