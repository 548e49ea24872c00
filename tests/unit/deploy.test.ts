import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIG_BODY } from '../../src/lib/server/http/staff';
import { PART_SIZE, REPORT_BODY_CAP } from '../../src/lib/shared/limits';
import { SERVER_NODE_FLAGS } from '../../scripts/server-flags.js';

// deploy/ is what an operator copies onto a server; these checks keep its numbers and names in step with the
// app (the files themselves run in tests/e2e/proxy.e2e.ts).
const root = path.resolve(import.meta.dirname, '..', '..');
const read = (f: string) => readFileSync(path.join(root, 'deploy', f), 'utf8');
const site = read('qingfeng.nginx.conf');
const env = Object.fromEntries(
	read('qingfeng.env')
		.split('\n')
		.filter((l) => /^[A-Z_]+=/.test(l))
		.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])
);
const unit = read('qingfeng.service');

/** nginx sizes: a number with an optional k or m suffix. */
function bytes(size: string): number {
	const m = /^(\d+)([kKmM]?)$/.exec(size);
	if (!m) throw new Error(`not an nginx size: ${size}`);
	return Number(m[1]) * (m[2] ? (m[2].toLowerCase() === 'k' ? 1024 : 1024 * 1024) : 1);
}

describe('the nginx site', () => {
	it('accepts the largest body any of the app’s endpoints reads', () => {
		const sizes = [...site.matchAll(/^\s*client_max_body_size\s+(\S+);/gm)].map((m) => bytes(m[1]!));
		expect(sizes).toHaveLength(1);
		for (const [what, limit] of [
			['report in one request', REPORT_BODY_CAP],
			['attachment part', PART_SIZE],
			['staff reply', BIG_BODY]
		] as const) {
			expect(sizes[0], what).toBeGreaterThanOrEqual(limit);
		}
	});

	it('keeps no access log anywhere, and an error log that no request can write to', () => {
		const servers = site.split(/^server \{$/m).slice(1);
		expect(servers).toHaveLength(2);
		for (const s of servers) expect(s).toMatch(/^\s*access_log off;$/m);
		expect([...site.matchAll(/^\s*access_log\s+(.*);$/gm)].map((m) => m[1])).toEqual(['off', 'off']);
		expect([...site.matchAll(/^\s*error_log\s+(.*);$/gm)].map((m) => m[1])).toEqual([
			'/var/log/nginx/qingfeng.error.log emerg'
		]);
	});

	it('has room for a page’s response headers (preload links, CSP, HSTS)', () => {
		// nginx's default header buffer is 4 KiB; the setup page's headers alone are over 4 KiB, which nginx
		// answers with a 502 (found by tests/e2e/proxy.e2e.ts).
		const sizes = [...site.matchAll(/^\s*proxy_buffer_size\s+(\S+);/gm)].map((m) => bytes(m[1]!));
		expect(sizes).toHaveLength(1);
		expect(sizes[0]).toBeGreaterThanOrEqual(16 * 1024);
	});

	it('lets kept-alive connections to the app go before the app closes them', () => {
		// Node closes an idle connection after KEEP_ALIVE_TIMEOUT (5 s unless the env file sets it); nginx
		// reusing one at that moment gets "upstream prematurely closed connection", a 502 even for a POST.
		const timeouts = [...site.matchAll(/^\s*keepalive_timeout\s+(\d+)s;/gm)].map((m) => Number(m[1]));
		expect(timeouts).toHaveLength(1);
		expect(timeouts[0]).toBeLessThan(Number(env.KEEP_ALIVE_TIMEOUT ?? 5));
	});

	it('proxies to the address the env file makes the app listen on, with the headers it reads', () => {
		expect(site).toContain(`server ${env.HOST}:${env.PORT};`);
		expect(site).toMatch(new RegExp(`proxy_set_header ${env.ADDRESS_HEADER} \\$remote_addr;`));
		expect(env.XFF_DEPTH).toBe('1');
		expect(site).toMatch(/proxy_set_header X-Forwarded-Proto \$scheme;/);
		expect(site).toMatch(/proxy_set_header X-Forwarded-Host \$http_host;/);
		expect(site).not.toMatch(/Strict-Transport-Security/i); // the app sends HSTS itself, once
	});
});

describe('the systemd unit', () => {
	it('runs `node build` as an unprivileged user with the env file, restarting on failure', () => {
		// With the server's own Node flags (scripts/server-flags.js), as npm start and the tests run it.
		expect(SERVER_NODE_FLAGS).toEqual(['--max-semi-space-size=8']);
		expect(unit).toContain(`\nExecStart=/usr/bin/node ${SERVER_NODE_FLAGS.join(' ')} build\n`);
		expect(unit).toMatch(/^User=qingfeng$/m);
		expect(unit).toMatch(/^EnvironmentFile=\/etc\/qingfeng\/qingfeng\.env$/m);
		expect(unit).toMatch(/^Restart=on-failure$/m);
		for (const option of [
			'NoNewPrivileges=true',
			'ProtectSystem=strict',
			'ProtectHome=true',
			'PrivateTmp=true',
			'CapabilityBoundingSet='
		]) {
			expect(unit.split('\n'), option).toContain(option);
		}
	});
});
