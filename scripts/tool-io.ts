/**
 * What the ceremony command lines (scripts/root.ts, scripts/directory.ts) need from the outside world, so that
 * their commands run as functions in tests (tests/unit/gm-trust-cli.test.ts) as well as from `npm run`: where
 * lines go, the environment, standard input. A command stops with `ToolExit` (exit code 2: usage; 1: refused).
 */
import { readFileSync } from 'node:fs';
import { isSuiteId, SUITE_IDS, type SuiteId } from '../src/lib/crypto/suite-id';

export interface ToolIo {
	log(line: string): void;
	error(line: string): void;
	env: Record<string, string | undefined>;
	stdin(): string;
}

export class ToolExit extends Error {
	constructor(
		readonly code: number,
		message: string
	) {
		super(message);
		this.name = 'ToolExit';
	}
}

/** The process's own: console, process.env, file descriptor 0. */
export const processIo: ToolIo = {
	log: (line) => console.log(line),
	error: (line) => console.error(line),
	env: process.env,
	stdin: () => readFileSync(0, 'utf8')
};

/** Runs a command line's function for `npm run`: prints a refusal and sets the exit code. */
export async function runMain(run: (argv: string[], io: ToolIo) => Promise<number> | number): Promise<void> {
	process.exitCode = await run(process.argv.slice(2), processIo);
}

/**
 * The suite asked for: `--suite`, else QF_CRYPTO_SUITE (the deployment's setting), else undefined (the caller's
 * default: the seed file's suite, or NaCl).
 */
export function suiteAskedFor(option: string | undefined, env: ToolIo['env']): SuiteId | undefined {
	const v = option ?? (env.QF_CRYPTO_SUITE?.trim() || undefined);
	if (v === undefined) return undefined;
	if (!isSuiteId(v))
		throw new ToolExit(
			2,
			`${option !== undefined ? '--suite' : 'QF_CRYPTO_SUITE'} must be one of ${SUITE_IDS.join(', ')}`
		);
	return v;
}
