/**
 * `tsx tests/bench/cpu-tree.ts <file.cpuprofile | folder> [n] [filter]`: inclusive (total) time of a V8 CPU profile
 * (as written by `node --cpu-prof`), by module (file) and by function, so that one sees WHICH of our functions
 * costs what, callees included. A frame counted once per sample even when recursive. `filter` keeps only functions
 * whose file contains it (e.g. `build/server`). Given a folder, reads its newest profile.
 */
import path from 'node:path';
import { profileFromArgs, type ProfileNode as Node } from './cpu-profile';

const { file, profile } = profileFromArgs('tsx tests/bench/cpu-tree.ts <file.cpuprofile | folder> [n] [filter]');
const n = Number(process.argv[3] ?? 25);
const filter = process.argv[4] ?? '';

const byNode = new Map<number, Node>(profile.nodes.map((x) => [x.id, x]));
const parent = new Map<number, number>();
for (const x of profile.nodes) for (const c of x.children ?? []) parent.set(c, x.id);

const short = (url: string): string => url.replace(/^file:\/\//, '').replace(/^.*\/(build|node_modules|src)\//, '$1/');
const fnKey = (x: Node): string => {
	const f = x.callFrame;
	return `${f.functionName || '(anonymous)'} ${f.url ? `${short(f.url)}:${f.lineNumber + 1}` : ''}`.trim();
};
const moduleKey = (x: Node): string => {
	const u = short(x.callFrame.url);
	if (!u) return '(native/internal)';
	const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
	return m ? `node_modules/${m[1]}` : u.replace(/-[A-Za-z0-9_-]{8}\.js$/, '.js');
};

// Self time per node (µs).
const selfUs = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
	const id = profile.samples[i]!;
	selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const byFunction = new Map<string, number>();
const byModule = new Map<string, number>();
let busy = 0;
for (const [id, us] of selfUs) {
	const leaf = byNode.get(id)!;
	if (leaf.callFrame.functionName === '(idle)') continue;
	busy += us;
	const seenF = new Set<string>();
	const seenM = new Set<string>();
	for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
		const x = byNode.get(cur)!;
		if (x.callFrame.functionName === '(root)') break;
		const f = fnKey(x);
		if (!seenF.has(f)) {
			seenF.add(f);
			byFunction.set(f, (byFunction.get(f) ?? 0) + us);
		}
		const m = moduleKey(x);
		if (!seenM.has(m)) {
			seenM.add(m);
			byModule.set(m, (byModule.get(m) ?? 0) + us);
		}
	}
}
const print = (title: string, map: Map<string, number>): void => {
	console.log(title);
	const top = [...map]
		.filter(([k]) => k.includes(filter))
		.sort((a, b) => b[1] - a[1])
		.slice(0, n);
	for (const [i, [name, us]] of top.entries())
		console.log(
			`${String(i + 1).padStart(3)}. ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`
		);
};
console.log(`${path.basename(file)}: busy ${(busy / 1e6).toFixed(1)} s (inclusive times, share of busy)`);
print('by module:', byModule);
print('by function:', byFunction);
