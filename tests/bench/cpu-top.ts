/**
 * `tsx tests/bench/cpu-top.ts <file.cpuprofile | folder> [n]`: the top-n functions by self time of a V8 CPU
 * profile (as written by `node --cpu-prof`, e.g. the server under `npm run bench:intake` with
 * QF_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'). Given a folder, reads its newest profile.
 * Prints each function's share of the busy time (idle and GC shown apart), with its file and line.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

interface Node {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	hitCount?: number;
}
interface Profile {
	nodes: Node[];
	startTime: number;
	endTime: number;
	samples: number[];
	timeDeltas: number[];
}

function newest(dir: string): string {
	const files = readdirSync(dir)
		.filter((f) => f.endsWith('.cpuprofile'))
		.map((f) => path.join(dir, f))
		.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
	if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}`);
	return files[0]!;
}

const arg = process.argv[2];
if (!arg) {
	console.error('usage: tsx tests/bench/cpu-top.ts <file.cpuprofile | folder> [n]');
	process.exit(2);
}
const file = statSync(arg).isDirectory() ? newest(arg) : arg;
const n = Number(process.argv[3] ?? 10);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

// Self time per node from the samples and their time deltas (µs).
const byNode = new Map<number, Node>(profile.nodes.map((x) => [x.id, x]));
const selfUs = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
	const id = profile.samples[i]!;
	selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const byFunction = new Map<string, number>();
let idle = 0;
let total = 0;
for (const [id, us] of selfUs) {
	const f = byNode.get(id)!.callFrame;
	total += us;
	if (f.functionName === '(idle)') {
		idle += us;
		continue;
	}
	const where = f.url
		? `${f.url.replace(/^file:\/\//, '').replace(/^.*\/(build|node_modules)\//, '$1/')}:${f.lineNumber + 1}`
		: '';
	const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
	byFunction.set(key, (byFunction.get(key) ?? 0) + us);
}
const busy = total - idle;
console.log(`${path.basename(file)}: ${(total / 1e6).toFixed(1)} s sampled, busy ${(busy / 1e6).toFixed(1)} s`);
const top = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, n);
for (const [i, [name, us]] of top.entries())
	console.log(
		`${String(i + 1).padStart(3)}. ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`
	);
