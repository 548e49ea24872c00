import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
	aptListsEmpty,
	DEBIAN_CHROMIUM,
	installDebianPackages,
	planSystemPackages,
	runAptGet
} from '../../scripts/system-packages.js';

// What `npm test` installs from Debian before the end-to-end tests (scripts/system-packages.js), decided
// on described machines and carried out with a recording apt-get: nothing is installed or removed here.
const NGINX = '/usr/sbin/nginx';
const OPENSSL = '/usr/bin/openssl';
const ALL = [DEBIAN_CHROMIUM, NGINX, OPENSSL];

function machine(opts: { root?: boolean; apt?: boolean; present?: string[]; chromiumPath?: string }) {
	const present = new Set(opts.present ?? ALL);
	return {
		chromiumPath: opts.chromiumPath ?? DEBIAN_CHROMIUM,
		isRoot: opts.root ?? true,
		hasAptGet: opts.apt ?? true,
		exists: (file: string) => present.has(file)
	};
}

describe('planSystemPackages', () => {
	it('installs nothing when everything is there, whoever runs', () => {
		for (const root of [true, false])
			for (const apt of [true, false])
				expect(planSystemPackages(machine({ root, apt }))).toEqual({
					missing: [],
					install: [],
					left: [],
					refusal: null
				});
	});

	it('installs a missing browser with its CJK fonts as root with apt-get', () => {
		expect(planSystemPackages(machine({ present: [NGINX, OPENSSL] }))).toEqual({
			missing: [DEBIAN_CHROMIUM],
			install: ['chromium', 'fonts-noto-cjk'],
			left: [],
			refusal: null
		});
	});

	it('installs nginx and openssl when they are missing', () => {
		expect(planSystemPackages(machine({ present: [DEBIAN_CHROMIUM] }))).toEqual({
			missing: [NGINX, OPENSSL],
			install: ['nginx', 'openssl'],
			left: [],
			refusal: null
		});
		expect(planSystemPackages(machine({ present: [] })).install).toEqual([
			'chromium',
			'fonts-noto-cjk',
			'nginx',
			'openssl'
		]);
	});

	it('installs nothing when not root, and says why', () => {
		expect(planSystemPackages(machine({ root: false, present: [NGINX] }))).toEqual({
			missing: [DEBIAN_CHROMIUM, OPENSSL],
			install: [],
			left: [DEBIAN_CHROMIUM, OPENSSL],
			refusal: 'not running as root'
		});
	});

	it('installs nothing without apt-get, and says why', () => {
		expect(planSystemPackages(machine({ apt: false, present: [] }))).toEqual({
			missing: ALL,
			install: [],
			left: ALL,
			refusal: 'apt-get is not available'
		});
		expect(planSystemPackages(machine({ root: false, apt: false, present: [] })).refusal).toBe('not running as root');
	});

	it("does not install Debian's Chromium for a CHROMIUM_PATH that points elsewhere", () => {
		const chromiumPath = '/opt/chrome/chrome';
		expect(planSystemPackages(machine({ chromiumPath, present: [DEBIAN_CHROMIUM, OPENSSL] }))).toEqual({
			missing: [chromiumPath, NGINX],
			install: ['nginx'],
			left: [chromiumPath],
			refusal: `CHROMIUM_PATH (${chromiumPath}) is not Debian's Chromium`
		});
		// The browser it names is there: nothing to do, even though Debian's is not installed.
		expect(planSystemPackages(machine({ chromiumPath, present: [chromiumPath, NGINX, OPENSSL] })).install).toEqual([]);
	});
});

describe('installDebianPackages', () => {
	/** An apt-get that records its calls and answers with the exit codes given, in order (then 0). */
	function apt(codes: number[] = []) {
		const calls: string[] = [];
		return {
			calls,
			run: (args: string[]) => {
				calls.push(args.join(' '));
				return codes.shift() ?? 0;
			}
		};
	}

	it('installs directly when the package lists are there', () => {
		const a = apt();
		expect(installDebianPackages(['nginx', 'openssl'], { run: a.run, listsEmpty: false })).toBe(true);
		expect(a.calls).toEqual(['install -y nginx openssl']);
	});

	it('updates first on a fresh machine without package lists', () => {
		const a = apt();
		expect(installDebianPackages(['chromium', 'fonts-noto-cjk'], { run: a.run, listsEmpty: true })).toBe(true);
		expect(a.calls).toEqual(['update', 'install -y chromium fonts-noto-cjk']);
	});

	it('updates and tries once more when the install fails on stale lists', () => {
		const a = apt([100]);
		expect(installDebianPackages(['nginx'], { run: a.run, listsEmpty: false })).toBe(true);
		expect(a.calls).toEqual(['install -y nginx', 'update', 'install -y nginx']);
	});

	it('gives up after one update', () => {
		const a = apt([100, 0, 100]);
		expect(installDebianPackages(['nginx'], { run: a.run, listsEmpty: false })).toBe(false);
		expect(a.calls).toEqual(['install -y nginx', 'update', 'install -y nginx']);
		const b = apt([0, 100]);
		expect(installDebianPackages(['nginx'], { run: b.run, listsEmpty: true })).toBe(false);
		expect(b.calls).toEqual(['update', 'install -y nginx']);
	});

	it('stops when apt-get update fails', () => {
		const a = apt([100]);
		expect(installDebianPackages(['nginx'], { run: a.run, listsEmpty: true })).toBe(false);
		expect(a.calls).toEqual(['update']);
	});
});

describe('aptListsEmpty', () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'qf-apt-lists-'));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('is true without lists (no folder, or only apt bookkeeping) and false with a Packages list', () => {
		expect(aptListsEmpty(path.join(dir, 'absent'))).toBe(true);
		mkdirSync(path.join(dir, 'partial'));
		writeFileSync(path.join(dir, 'lock'), '');
		writeFileSync(path.join(dir, 'deb.debian.org_debian_dists_bookworm_InRelease'), '');
		expect(aptListsEmpty(dir)).toBe(true);
		writeFileSync(path.join(dir, 'deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4'), '');
		expect(aptListsEmpty(dir)).toBe(false);
	});
});

describe('runAptGet', () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'qf-apt-get-'));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('runs apt-get non-interactively and returns its exit code', () => {
		// A stand-in for apt-get that records its arguments and DEBIAN_FRONTEND, then exits with 3.
		const fake = path.join(dir, 'apt-get');
		const record = path.join(dir, 'record');
		writeFileSync(fake, `#!/bin/sh\necho "$* $DEBIAN_FRONTEND" > '${record}'\nexit 3\n`, { mode: 0o755 });
		expect(runAptGet(['install', '-y', 'nginx'], fake)).toBe(3);
		expect(readFileSync(record, 'utf8')).toBe('install -y nginx noninteractive\n');
		expect(runAptGet(['update'], path.join(dir, 'absent'))).toBe(1);
	});
});
