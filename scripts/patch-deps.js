/**
 * Runs after `npm install` / `npm ci` (the `postinstall` script). It applies one guard to postgres.js
 * (porsager/postgres issues #1066 and #1154, fix proposed in pull request #1168, not released as of 3.4.9):
 * a write scheduled with setImmediate can fire after the connection closed and set its socket to null, and
 * `socket.write` then throws a TypeError outside any promise, which ends the whole process. It happens
 * when PostgreSQL restarts under load (tests/faults/pg-restart.ts). The guard drops the pending bytes
 * instead: the connection's queries were already rejected with CONNECTION_CLOSED when it closed.
 *
 * The edit is idempotent and checked: if the expected text is missing (a new postgres.js version), the
 * script says so and fails, so an upgrade cannot silently lose the guard. Remove this script once a
 * released postgres.js has the fix.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'postgres');
const MARK = '/* qingfeng: null-socket guard */';
const ORIGINAL = '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)\n';
const PATCHED =
	'  function nextWrite(fn) {\n' +
	`    if (socket === null) { ${MARK}\n` +
	'      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n' +
	'      chunk = nextWriteTimer = null\n' +
	'      return true\n' +
	'    }\n' +
	'    const x = socket.write(chunk, fn)\n';

if (!existsSync(root)) process.exit(0);
let failed = false;
for (const dir of ['src', 'cjs/src', 'cf/src']) {
	const file = join(root, dir, 'connection.js');
	if (!existsSync(file)) continue;
	const text = readFileSync(file, 'utf8');
	if (text.includes(MARK)) continue;
	if (!text.includes(ORIGINAL)) {
		console.error(
			`patch-deps: ${file} does not have the expected nextWrite(); check whether this postgres.js version still needs the guard`
		);
		failed = true;
		continue;
	}
	writeFileSync(file, text.replace(ORIGINAL, PATCHED));
	console.log(`patch-deps: guarded nextWrite() in postgres/${dir}/connection.js`);
}
process.exit(failed ? 1 : 0);
