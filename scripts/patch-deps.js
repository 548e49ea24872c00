/**
 * Runs after `npm install` / `npm ci` (the `postinstall` script). It applies two edits to postgres.js 3.4.9:
 *
 * 1. A guard (porsager/postgres issues #1066 and #1154, fix proposed in pull request #1168, not released as
 *    of 3.4.9): a write scheduled with setImmediate can fire after the connection closed and set its socket
 *    to null, and `socket.write` then throws a TypeError outside any promise, which ends the whole process.
 *    It happens when PostgreSQL restarts under load (tests/faults/pg-restart.ts). The guard drops the
 *    pending bytes instead: the connection's queries were already rejected with CONNECTION_CLOSED when it
 *    closed. Remove it once a released postgres.js has the fix.
 * 2. bytea parameters in binary (issue 20): postgres.js sends every parameter as text, a bytea as `\x` and
 *    hex, so a report's ciphertexts (~35 kB) cost the server a copy, a hex string twice their size and its
 *    UTF-8 write, and PostgreSQL the hex decoding. A parameter whose type is bytea (17) and whose value is a
 *    Uint8Array is now sent in the binary format (format code 1: the bytes as they are); every other
 *    parameter stays text, as before. Results are unchanged (text).
 *
 * Each edit is idempotent and checked: if the expected text is missing (a new postgres.js version), the
 * script says so and fails, so an upgrade cannot silently lose an edit.
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
const BINARY_MARK = '/* qingfeng: binary bytea parameters */';
const BINARY_ORIGINAL =
	'    b().B().str(portal + b.N).str(statement + b.N).i16(0).i16(parameters.length)\n\n' +
	'    parameters.forEach((x, i) => {\n' +
	'      if (x === null)\n' +
	'        return b.i32(0xFFFFFFFF)\n';
const BINARY_PATCHED =
	`    const binary = parameters.map((x, i) => types[i] === 17 && x instanceof Uint8Array) ${BINARY_MARK}\n` +
	'    b().B().str(portal + b.N).str(statement + b.N)\n' +
	'    if (binary.includes(true)) {\n' +
	'      b.i16(parameters.length)\n' +
	'      binary.forEach(x => b.i16(x ? 1 : 0))\n' +
	'    } else {\n' +
	'      b.i16(0)\n' +
	'    }\n' +
	'    b.i16(parameters.length)\n\n' +
	'    parameters.forEach((x, i) => {\n' +
	'      if (x === null)\n' +
	'        return b.i32(0xFFFFFFFF)\n' +
	'      if (binary[i])\n' +
	'        return b.i32(x.length).raw(x)\n';
const EDITS = [
	{ name: 'guarded nextWrite()', mark: MARK, original: ORIGINAL, patched: PATCHED },
	{ name: 'binary bytea parameters in Bind()', mark: BINARY_MARK, original: BINARY_ORIGINAL, patched: BINARY_PATCHED }
];

if (!existsSync(root)) process.exit(0);
let failed = false;
for (const dir of ['src', 'cjs/src', 'cf/src']) {
	const file = join(root, dir, 'connection.js');
	if (!existsSync(file)) continue;
	let text = readFileSync(file, 'utf8');
	for (const edit of EDITS) {
		if (text.includes(edit.mark)) continue;
		if (!text.includes(edit.original)) {
			console.error(
				`patch-deps: ${file} does not have the text expected for "${edit.name}"; check whether this postgres.js version still needs it`
			);
			failed = true;
			continue;
		}
		text = text.replace(edit.original, edit.patched);
		console.log(`patch-deps: ${edit.name} in postgres/${dir}/connection.js`);
	}
	writeFileSync(file, text);
}
process.exit(failed ? 1 : 0);
