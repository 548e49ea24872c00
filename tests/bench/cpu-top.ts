/**
 * `tsx tests/bench/cpu-top.ts <file.cpuprofile | folder> [n]`: the top-n functions by self time of a V8 CPU
 * profile (as written by `node --cpu-prof`, e.g. the server under `npm run bench:intake` with
 * QF_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'). Given a folder, reads its newest profile.
 * Prints each function's share of the busy time (idle and GC shown apart), with its file and line.
 */
import path from 'node:path';
import { profileFromArgs, type ProfileNode as Node } from './cpu-profile';

const { file, profile } = profileFromArgs('tsx tests/bench/cpu-top.ts <file.cpuprofile | folder> [n]');
const n = Number(process.argv[3] ?? 10);

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
