import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GUARD_MARK, postgresGuardProblem, postgresPackageDir, unguardedFiles } from './postgres-guard';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'qf-guard-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('start-up check of the postgres.js guard', () => {
	it('finds the guard in the installed postgres.js', () => {
		expect(unguardedFiles()).toEqual([]);
		expect(postgresGuardProblem()).toBeNull();
	});

	it('uses the marker scripts/patch-deps.js writes', () => {
		const script = readFileSync(path.resolve(__dirname, '../../../../scripts/patch-deps.js'), 'utf8');
		expect(script).toContain(`const MARK = '${GUARD_MARK}';`);
	});

	it('names every build that lacks the guard, as after `npm ci --ignore-scripts`', () => {
		const pkg = path.join(tmp, 'postgres');
		cpSync(postgresPackageDir(), pkg, { recursive: true });
		for (const f of ['src/connection.js', 'cjs/src/connection.js']) {
			const file = path.join(pkg, f);
			writeFileSync(file, readFileSync(file, 'utf8').split(GUARD_MARK).join(''));
		}
		const esm = path.join(pkg, 'src/connection.js');
		const cjs = path.join(pkg, 'cjs/src/connection.js');
		expect(unguardedFiles(pkg)).toEqual([esm, cjs]);
		expect(postgresGuardProblem(pkg)).toBe(
			`Start-up refused: postgres.js lacks the guard that scripts/patch-deps.js adds (${esm}, ${cjs}); without it a PostgreSQL restart can crash this server. ` +
				'Run `node scripts/patch-deps.js` (npm ci --ignore-scripts skips it), then start again.'
		);
		// Half-patched (one build only) is still refused.
		writeFileSync(esm, `// ${GUARD_MARK}\n` + readFileSync(esm, 'utf8'));
		expect(unguardedFiles(pkg)).toEqual([cjs]);
	});

	it('refuses a package folder without postgres.js builds', () => {
		const empty = path.join(tmp, 'empty');
		mkdirSync(empty);
		expect(unguardedFiles(empty)).toEqual([path.join(empty, 'src/connection.js')]);
	});
});
