import { afterEach, expect, it, vi } from 'vitest';
import { count, eq } from 'drizzle-orm';
import type { Config } from '$lib/server/config';
import { describeDb } from '$support/db';
import { setupToken, staffUser } from '$lib/server/db/schema';
import {
	announceFirstRun,
	checkSetupToken,
	createFirstAdmin,
	hasAdmin,
	issueSetupToken,
	SETUP_LINK_HOURS
} from './setup';
import { createStaffUser } from './accounts';
import { verifyAuthKey } from './password';

const input = (username: string) => ({
	username,
	displayName: username.toUpperCase(),
	authSalt: new Uint8Array(16).fill(3),
	authKey: new Uint8Array(32).fill(7)
});
const cfg = { origin: 'https://qf.example.org', host: '0.0.0.0', port: 3000 } as Config;

afterEach(() => {
	vi.restoreAllMocks();
});

describeDb('first-run setup tokens', (get) => {
	const tokens = async () => (await get().db.select({ n: count() }).from(setupToken))[0]!.n;

	it('prints a link whose token is stored only as a hash and checks on any connection', async () => {
		const lines: string[] = [];
		vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
		await announceFirstRun(get().db, cfg);
		const link = lines.find((l) => l.startsWith('Setup link: '))!;
		expect(link).toMatch(/^Setup link: https:\/\/qf\.example\.org\/staff\/setup\?token=[A-Za-z0-9_-]{32}$/);
		expect(lines.at(-1)).toBe(
			`(The link works once, on any of this site's servers, and expires in ${SETUP_LINK_HOURS} hours.)`
		);
		const token = new URL(link.slice('Setup link: '.length)).searchParams.get('token')!;
		const [row] = await get().db.select().from(setupToken);
		expect(Buffer.from(row!.tokenHash).toString('hex')).not.toContain(Buffer.from(token).toString('hex'));
		expect(row!.tokenHash).toHaveLength(32);
		expect(await checkSetupToken(get().db, token)).toBe(true);
		for (const bad of [
			null,
			'',
			'short',
			token + '!',
			token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'),
			'x'.repeat(65)
		]) {
			expect(await checkSetupToken(get().db, bad), String(bad)).toBe(false);
		}
		await get().db.delete(setupToken);
	});

	it('expires a token after the link lifetime, and drops expired ones when issuing', async () => {
		const t0 = new Date('2026-03-01T00:00:00Z');
		const old = await issueSetupToken(get().db, t0);
		const justBefore = new Date(t0.getTime() + SETUP_LINK_HOURS * 3_600_000 - 1000);
		const after = new Date(t0.getTime() + SETUP_LINK_HOURS * 3_600_000);
		expect(await checkSetupToken(get().db, old, justBefore)).toBe(true);
		expect(await checkSetupToken(get().db, old, after)).toBe(false);
		expect(await createFirstAdmin(get().db, old, input('late'), after)).toEqual({ ok: false, reason: 'invalid' });
		await issueSetupToken(get().db, after);
		expect(await tokens()).toBe(1);
		await get().db.delete(setupToken);
	});

	it('a taken user name rolls back: the same link works again with another name', async () => {
		await createStaffUser(get().db, { ...input('taken'), isAdmin: false });
		const token = await issueSetupToken(get().db);
		expect(await createFirstAdmin(get().db, token, input('taken'))).toEqual({ ok: false, reason: 'username_taken' });
		expect(await checkSetupToken(get().db, token)).toBe(true);
		expect(await hasAdmin(get().db)).toBe(false);
		await get().db.delete(staffUser).where(eq(staffUser.username, 'taken'));
		await get().db.delete(setupToken);
	});

	it("two servers' links racing: exactly one creates the administrator, every link is spent", async () => {
		const a = await issueSetupToken(get().db);
		const b = await issueSetupToken(get().db);
		const c = await issueSetupToken(get().db);
		const results = await Promise.all([
			createFirstAdmin(get().db, a, input('admin.a')),
			createFirstAdmin(get().db, b, input('admin.b'))
		]);
		const won = results.filter((r) => r.ok);
		expect(won).toHaveLength(1);
		expect(results.filter((r) => !r.ok)).toEqual([
			{ ok: false, reason: expect.stringMatching(/^(admin_exists|invalid)$/) }
		]);
		const admins = await get().db.select().from(staffUser).where(eq(staffUser.isAdmin, true));
		expect(admins.map((u) => u.username)).toEqual([won[0]!.ok ? won[0]!.user.username : '']);
		expect(await verifyAuthKey(input('x').authKey, admins[0]!.authHash)).toBe(true);
		expect(await tokens()).toBe(0);
		for (const t of [a, b, c]) {
			expect(await checkSetupToken(get().db, t)).toBe(false);
			expect(await createFirstAdmin(get().db, t, input('admin.again'))).toEqual({ ok: false, reason: 'invalid' });
		}
	});

	it('with an administrator, start-up prints no link and removes leftover tokens', async () => {
		await get()
			.db.insert(setupToken)
			.values({ tokenHash: new Uint8Array(32).fill(1), expiresAt: new Date(Date.now() + 3_600_000) });
		const lines: string[] = [];
		vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
		await announceFirstRun(get().db, cfg);
		expect(lines).toEqual([
			'Qingfeng is starting at https://qf.example.org/ (staff sign-in: https://qf.example.org/staff)'
		]);
		expect(await tokens()).toBe(0);
	});
});
