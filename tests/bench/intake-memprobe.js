/**
 * Memory probe for the server under `npm run bench:intake` (issue 20): preloaded with
 * `QF_SERVER_NODE_ARGS='--import ./tests/bench/intake-memprobe.js'` (the path relative to the repository, the
 * server's working directory). Every 2 s, whenever the resident size reached a new peak, it appends one line to
 * `$QF_MEMPROBE_DIR/<pid>.log` (default the system's temporary folder): `process.memoryUsage()` (rss, V8's heap,
 * external memory, ArrayBuffers) in MiB, VmHWM in KiB and every V8 heap space as `committed/used` MiB. The
 * last line of the file is the breakdown at the peak. It reads nothing of the requests.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';

const file = path.join(process.env.QF_MEMPROBE_DIR || os.tmpdir(), `${process.pid}.log`);
const mib = (/** @type {number} */ n) => Math.round((n / 1048576) * 10) / 10;
let peak = 0;
setInterval(() => {
	const m = process.memoryUsage();
	if (m.rss < peak) return;
	peak = m.rss;
	const spaces = v8
		.getHeapSpaceStatistics()
		.filter((s) => s.space_size > 0)
		.map((s) => `${s.space_name}=${mib(s.space_size)}/${mib(s.space_used_size)}`)
		.join(' ');
	const hwm = /VmHWM:\s*(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '?';
	const line = `${new Date().toISOString()} rss=${mib(m.rss)} heapTotal=${mib(m.heapTotal)} heapUsed=${mib(m.heapUsed)} external=${mib(m.external)} arrayBuffers=${mib(m.arrayBuffers)} VmHWM=${hwm}KiB | ${spaces}\n`;
	fs.appendFileSync(file, line);
}, 2000).unref();
