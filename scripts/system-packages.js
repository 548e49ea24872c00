/**
 * The Debian packages the end-to-end tests need beyond node_modules: Chromium (with CJK fonts, for the
 * zh-CN pages), nginx and openssl (the HTTPS proxy test). `npm test` (scripts/test.js) installs the missing
 * ones when the process may: as root, with apt-get. Otherwise it says what is missing and the end-to-end
 * step fails with a hint; nothing is skipped. The decision is a pure function, tested without apt.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Where Debian's chromium package puts the browser (CHROMIUM_PATH may point at another one). */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * @typedef {object} Machine
 * @property {string} chromiumPath the browser the tests will launch (CHROMIUM_PATH or Debian's)
 * @property {boolean} isRoot
 * @property {boolean} hasAptGet
 * @property {(file: string) => boolean} exists
 *
 * @typedef {object} Plan
 * @property {string[]} missing files the tests need that are not there
 * @property {string[]} install Debian packages to install now (empty when nothing is missing or we may not)
 * @property {string[]} left missing files that will not be installed
 * @property {string | null} refusal why `left` is not empty
 */

/**
 * What to install for the end-to-end tests on this machine.
 * @param {Machine} machine
 * @returns {Plan}
 */
export function planSystemPackages({ chromiumPath, isRoot, hasAptGet, exists }) {
	const needs = [
		{ file: chromiumPath, packages: ['chromium', 'fonts-noto-cjk'] },
		{ file: '/usr/sbin/nginx', packages: ['nginx'] },
		{ file: '/usr/bin/openssl', packages: ['openssl'] }
	];
	const missing = needs.filter((n) => !exists(n.file));
	if (missing.length === 0) return { missing: [], install: [], left: [], refusal: null };
	const files = missing.map((n) => n.file);
	const refuse = (/** @type {string} */ refusal) => ({ missing: files, install: [], left: files, refusal });
	if (!isRoot) return refuse('not running as root');
	if (!hasAptGet) return refuse('apt-get is not available');
	// Debian's package cannot provide a browser the user placed elsewhere.
	const installable = missing.filter((n) => n.file !== chromiumPath || chromiumPath === DEBIAN_CHROMIUM);
	const left = missing.filter((n) => !installable.includes(n)).map((n) => n.file);
	return {
		missing: files,
		install: installable.flatMap((n) => n.packages),
		left,
		refusal: left.length > 0 ? `CHROMIUM_PATH (${chromiumPath}) is not Debian's Chromium` : null
	};
}

/**
 * True when apt has no package lists yet (a fresh container): `apt-get install` would find nothing.
 * @param {string} [listsDir]
 */
export function aptListsEmpty(listsDir = '/var/lib/apt/lists') {
	try {
		return !readdirSync(listsDir).some((f) => f.includes('_Packages'));
	} catch {
		return true;
	}
}

/**
 * Installs Debian packages: `apt-get update` first when the lists are empty, or once after an install that
 * failed on stale lists. Resolves true when the install succeeded.
 * @param {string[]} packages
 * @param {{ run?: (args: string[]) => number, listsEmpty?: boolean }} [io] the apt-get runner (exit code;
 *   default {@link runAptGet}) and whether the lists are empty; both replaceable in tests
 * @returns {boolean}
 */
export function installDebianPackages(packages, io = {}) {
	const run = io.run ?? runAptGet;
	const install = () => run(['install', '-y', ...packages]) === 0;
	let updated = false;
	if (io.listsEmpty ?? aptListsEmpty()) {
		if (run(['update']) !== 0) return false;
		updated = true;
	}
	if (install()) return true;
	if (updated || run(['update']) !== 0) return false;
	return install();
}

/**
 * Runs apt-get non-interactively with inherited output; returns its exit code (1 when it could not start).
 * @param {string[]} args
 * @param {string} [command] apt-get, or a stand-in in tests
 */
export function runAptGet(args, command = 'apt-get') {
	const r = spawnSync(command, args, {
		stdio: 'inherit',
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
	});
	return r.status ?? 1;
}

/** This machine, as planSystemPackages sees it. @returns {Machine} */
export function thisMachine() {
	const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
	return {
		chromiumPath: process.env.CHROMIUM_PATH || DEBIAN_CHROMIUM,
		isRoot: process.getuid?.() === 0,
		hasAptGet: dirs.some((d) => existsSync(path.join(d, 'apt-get'))),
		exists: existsSync
	};
}
