import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// scripts/patch-deps.js (npm's postinstall) guards postgres.js's nextWrite() against a null socket, which
// otherwise ends the process when PostgreSQL restarts under load (tests/faults/pg-restart.ts).
const require = createRequire(import.meta.url);
// require.resolve('postgres') is cjs/src/index.js (the package's exports hide package.json).
const pkgDir = path.resolve(path.dirname(require.resolve('postgres')), '../..');
const files = ['src/connection.js', 'cjs/src/connection.js'].map((f) => path.join(pkgDir, f));

describe('postgres.js null-socket guard', () => {
	it('is in the ESM and CommonJS builds that node and the server bundle load', () => {
		for (const f of files) {
			const text = readFileSync(f, 'utf8');
			const body = /function nextWrite\(fn\) \{([\s\S]*?)\n {2}\}/.exec(text)?.[1] ?? '';
			// The guard comes before the first use of the socket.
			expect(body.indexOf('if (socket === null)')).toBeGreaterThanOrEqual(0);
			expect(body.indexOf('if (socket === null)')).toBeLessThan(body.indexOf('socket.write('));
		}
	});

	it('is applied once: running the script again changes nothing', () => {
		const before = files.map((f) => readFileSync(f, 'utf8'));
		execFileSync(process.execPath, ['scripts/patch-deps.js'], { cwd: path.resolve(__dirname, '../..') });
		expect(files.map((f) => readFileSync(f, 'utf8'))).toEqual(before);
		expect(before[0]!.match(/qingfeng: null-socket guard/g)).toHaveLength(1);
	});
});
