/**
 * Reading a V8 CPU profile (as written by `node --cpu-prof`) for tests/bench/cpu-top.ts (self time) and
 * cpu-tree.ts (inclusive time): the file named on the command line, or the newest profile of a folder.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	hitCount?: number;
	children?: number[];
}
export interface Profile {
	nodes: ProfileNode[];
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

/** The profile named by argv[2] (a file, or a folder's newest); prints `usage` and exits when none is named. */
export function profileFromArgs(usage: string): { file: string; profile: Profile } {
	const arg = process.argv[2];
	if (!arg) {
		console.error(`usage: ${usage}`);
		process.exit(2);
	}
	const file = statSync(arg).isDirectory() ? newest(arg) : arg;
	return { file, profile: JSON.parse(readFileSync(file, 'utf8')) as Profile };
}
