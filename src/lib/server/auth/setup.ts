/**
 * First run: while no administrator exists, start-up prints a one-time setup link. The token lives in
 * this process's memory only: valid until used or until the next restart.
 */
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import { and, count, eq, isNull } from 'drizzle-orm';
import type { Config } from '$lib/server/config';
import type { Db } from '$lib/server/db';
import { staffUser } from '$lib/server/db/schema';

let setupToken: string | null = null;

export async function hasAdmin(db: Db): Promise<boolean> {
	const [row] = await db
		.select({ n: count() })
		.from(staffUser)
		.where(and(eq(staffUser.isAdmin, true), isNull(staffUser.disabledAt)));
	return (row?.n ?? 0) > 0;
}

/**
 * The base of printed links: ORIGIN, or else the plain-http address of this server as seen from the same
 * machine (`node build` speaks only http; src/lib/server/origin.ts makes such a request's URL http too).
 */
export function publicBaseUrl(cfg: Pick<Config, 'origin' | 'host' | 'port'>): string {
	if (cfg.origin) return cfg.origin.replace(/\/$/, '');
	const host =
		cfg.host === '0.0.0.0' || cfg.host === '::' ? 'localhost' : cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
	return `http://${host}:${cfg.port}`;
}

/** Prints the URL and, when no admin exists yet, a fresh one-time setup link. */
export async function announceFirstRun(db: Db, cfg: Config): Promise<void> {
	const base = publicBaseUrl(cfg);
	if (await hasAdmin(db)) {
		setupToken = null;
		console.log(`Qingfeng is starting at ${base}/ (staff sign-in: ${base}/staff)`);
		return;
	}
	const bytes = new Uint8Array(24);
	crypto.getRandomValues(bytes);
	setupToken = encodeBase64urlNoPadding(bytes);
	console.log(`Qingfeng is starting at ${base}/`);
	console.log('No administrator yet. Open this one-time link to create the first administrator:');
	console.log(`Setup link: ${base}/staff/setup?token=${setupToken}`);
	console.log('(The link works once, and only until this server restarts.)');
}

export function checkSetupToken(candidate: string | null): boolean {
	if (!setupToken || !candidate) return false;
	const a = new TextEncoder().encode(candidate);
	const b = new TextEncoder().encode(setupToken);
	return a.length === b.length && constantTimeEqual(a, b);
}

export function consumeSetupToken(): void {
	setupToken = null;
}

/** For tests: set a known token. */
export function setSetupTokenForTests(token: string | null): void {
	setupToken = token;
}
