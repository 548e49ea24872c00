/**
 * First run: while no administrator exists, every app server prints a one-time setup link at start-up.
 * The tokens live in the database (only their SHA-256, table `setup_token`), so a link printed by one
 * server works on any other, and creating the first administrator consumes all of them in the same
 * transaction that re-checks that there is still no administrator: the links work once in total.
 * A link expires after SETUP_LINK_HOURS; a start while there is still no administrator prints a new one.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import { and, count, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import type { Config } from '$lib/server/config';
import type { Db } from '$lib/server/db';
import { setupToken, staffUser } from '$lib/server/db/schema';
import { AUTH_KEY_PARAMS, hashAuthKey } from './password';
import type { StaffUser } from './session';

/** How long a printed setup link stays valid. */
export const SETUP_LINK_HOURS = 24;

/** Arbitrary fixed key of the advisory lock that serializes first-administrator creation across servers. */
const SETUP_LOCK = 7_311_020_417;

/** Anything that can run queries: the database or a transaction. */
type Queryable = Pick<Db, 'select'>;

export async function hasAdmin(db: Queryable): Promise<boolean> {
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

function hashToken(token: string): Uint8Array {
	return sha256(new TextEncoder().encode(token));
}

/** A plausible token: what the links carry (24 random bytes, base64url), with room; anything else is not looked up. */
function plausible(token: string | null): token is string {
	return typeof token === 'string' && token.length >= 20 && token.length <= 64 && /^[A-Za-z0-9_-]+$/.test(token);
}

/** Stores a new setup token (and drops expired ones); returns the token for the link. */
export async function issueSetupToken(db: Db, now = new Date()): Promise<string> {
	await db.delete(setupToken).where(lte(setupToken.expiresAt, now));
	const bytes = new Uint8Array(24);
	crypto.getRandomValues(bytes);
	const token = encodeBase64urlNoPadding(bytes);
	await db
		.insert(setupToken)
		.values({ tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + SETUP_LINK_HOURS * 3_600_000) });
	return token;
}

/** Prints the URL and, when no admin exists yet, a fresh one-time setup link; with an admin, removes leftover tokens. */
export async function announceFirstRun(db: Db, cfg: Config, now = new Date()): Promise<void> {
	const base = publicBaseUrl(cfg);
	if (await hasAdmin(db)) {
		await db.delete(setupToken);
		console.log(`Qingfeng is starting at ${base}/ (staff sign-in: ${base}/staff)`);
		return;
	}
	const token = await issueSetupToken(db, now);
	console.log(`Qingfeng is starting at ${base}/`);
	console.log('No administrator yet. Open this one-time link to create the first administrator:');
	console.log(`Setup link: ${base}/staff/setup?token=${token}`);
	console.log(`(The link works once, on any of this site's servers, and expires in ${SETUP_LINK_HOURS} hours.)`);
}

/** True when `candidate` is an unexpired, unused setup token (the form may be shown). */
export async function checkSetupToken(db: Db, candidate: string | null, now = new Date()): Promise<boolean> {
	if (!plausible(candidate)) return false;
	const [row] = await db
		.select({ n: count() })
		.from(setupToken)
		.where(and(eq(setupToken.tokenHash, hashToken(candidate)), gt(setupToken.expiresAt, now)));
	return (row?.n ?? 0) > 0;
}

export type FirstAdminResult =
	| { ok: true; user: StaffUser }
	/** `invalid`: unknown, used or expired token; `admin_exists`: someone was faster; the token is spent either way. */
	| { ok: false; reason: 'invalid' | 'admin_exists' | 'username_taken' };

class Refused extends Error {
	constructor(readonly reason: 'admin_exists' | 'username_taken') {
		super(reason);
	}
}

/**
 * Creates the first administrator with a setup token, all in one transaction under an advisory lock:
 * consumes the token, re-checks that no administrator exists, inserts the account and deletes every
 * other setup token. Two servers (or two tabs) racing with two different links: one wins, the other
 * gets `admin_exists`. A taken user name rolls everything back, so the same link can be used again.
 */
export async function createFirstAdmin(
	db: Db,
	token: string,
	input: { username: string; displayName: string; authSalt: Uint8Array; authKey: Uint8Array },
	now = new Date()
): Promise<FirstAdminResult> {
	if (!plausible(token)) return { ok: false, reason: 'invalid' };
	// The slow hash is computed before the transaction, so the lock is held only for a few statements.
	const authHash = await hashAuthKey(input.authKey);
	try {
		return await db.transaction(async (tx) => {
			await tx.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK})`);
			const spent = await tx
				.delete(setupToken)
				.where(and(eq(setupToken.tokenHash, hashToken(token)), gt(setupToken.expiresAt, now)))
				.returning({ expiresAt: setupToken.expiresAt });
			if (spent.length !== 1) return { ok: false as const, reason: 'invalid' as const };
			if (await hasAdmin(tx)) {
				await tx.delete(setupToken);
				return { ok: false as const, reason: 'admin_exists' as const };
			}
			const [user] = await tx
				.insert(staffUser)
				.values({
					username: input.username,
					displayName: input.displayName,
					isAdmin: true,
					authSalt: input.authSalt,
					authParams: AUTH_KEY_PARAMS,
					authHash
				})
				.onConflictDoNothing({ target: staffUser.username })
				.returning();
			if (!user) throw new Refused('username_taken');
			await tx.delete(setupToken);
			return { ok: true as const, user };
		});
	} catch (e) {
		if (e instanceof Refused) return { ok: false, reason: e.reason };
		throw e;
	}
}
