import { expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { describeDb } from '$support/db';
import { staffKeyStay } from '$lib/server/db/schema';
import { KEY_STAY_BYTES } from '$lib/shared/key-stay';
import { createStaffUser } from './accounts';
import { createSession, invalidateSession } from './session';
import {
	dropKeyStay,
	dropUserKeyStays,
	keyStayAnswer,
	parseKeyStayBody,
	readKeyStay,
	storeKeyStay,
	sweepKeyStays,
	touchKeyStay
} from './key-stay';

const IDLE = 900;
const blob = (fill: number) => {
	const b = new Uint8Array(KEY_STAY_BYTES).fill(fill);
	b[0] = 1;
	return b;
};
const at = (s: number) => new Date(Date.UTC(2026, 11, 4, 8, 0, s));

describeDb('key stay', (get) => {
	let n = 0;
	async function session() {
		const r = await createStaffUser(get().db, {
			username: `keystay${++n}`,
			displayName: 'Key Stay',
			isAdmin: false,
			authSalt: new Uint8Array(16).fill(1),
			authKey: new Uint8Array(32).fill(2)
		});
		if (!r.ok) throw new Error('user not created');
		const { session } = await createSession(get().db, r.user.id, { twoFactorVerified: true });
		return { userId: r.user.id, sessionId: session.id };
	}
	const rows = async (sessionId: string) =>
		get().db.select().from(staffKeyStay).where(eq(staffKeyStay.sessionId, sessionId));

	it('gives the blob back within the idle time, each read pushing the expiry forward', async () => {
		const { sessionId } = await session();
		await storeKeyStay(get().db, sessionId, blob(7), at(0), IDLE);
		expect(await readKeyStay(get().db, sessionId, at(800), IDLE)).toEqual(blob(7));
		// 800 s + 899 s: still alive because the read at 800 s renewed it.
		expect(await readKeyStay(get().db, sessionId, at(1699), IDLE)).toEqual(blob(7));
		expect((await rows(sessionId))[0]!.expiresAt.getTime()).toBe(at(1699 + IDLE).getTime());
	});

	it('refuses and deletes the blob once the idle time has passed', async () => {
		const { sessionId } = await session();
		await storeKeyStay(get().db, sessionId, blob(7), at(0), IDLE);
		expect(await touchKeyStay(get().db, sessionId, at(IDLE), IDLE)).toBe(false);
		expect(await readKeyStay(get().db, sessionId, at(IDLE), IDLE)).toBeNull();
		expect(await rows(sessionId)).toEqual([]);
	});

	it('a read that finds nothing leaves alone a blob stored right after it (a store racing the read)', async () => {
		const { sessionId } = await session();
		const [read] = await Promise.all([
			readKeyStay(get().db, sessionId, at(0), IDLE),
			storeKeyStay(get().db, sessionId, blob(6), at(0), IDLE)
		]);
		expect(read === null || read.length === KEY_STAY_BYTES).toBe(true);
		expect(await readKeyStay(get().db, sessionId, at(1), IDLE)).toEqual(blob(6));
	});

	it('keeps a touched blob alive and replaces it on a second store', async () => {
		const { sessionId } = await session();
		await storeKeyStay(get().db, sessionId, blob(7), at(0), IDLE);
		expect(await touchKeyStay(get().db, sessionId, at(600), IDLE)).toBe(true);
		await storeKeyStay(get().db, sessionId, blob(9), at(700), IDLE);
		expect(await readKeyStay(get().db, sessionId, at(1400), IDLE)).toEqual(blob(9));
		expect(await rows(sessionId)).toHaveLength(1);
	});

	it('sweeps expired blobs only', async () => {
		const a = await session();
		const b = await session();
		await storeKeyStay(get().db, a.sessionId, blob(3), at(0), IDLE);
		await storeKeyStay(get().db, b.sessionId, blob(4), at(500), IDLE);
		const swept = await sweepKeyStays(get().db, at(IDLE + 10));
		expect(swept.deleted).toBeGreaterThanOrEqual(1);
		expect(await rows(a.sessionId)).toEqual([]);
		expect(await rows(b.sessionId)).toHaveLength(1);
	});

	it('is gone with Lock, with its session (sign-out) and with a password change of the member', async () => {
		const lock = await session();
		await storeKeyStay(get().db, lock.sessionId, blob(1), at(0), IDLE);
		await dropKeyStay(get().db, lock.sessionId);
		expect(await rows(lock.sessionId)).toEqual([]);

		const out = await session();
		await storeKeyStay(get().db, out.sessionId, blob(1), at(0), IDLE);
		await invalidateSession(get().db, out.sessionId);
		expect(await rows(out.sessionId)).toEqual([]);

		const pw = await session();
		const second = await createSession(get().db, pw.userId, { twoFactorVerified: true });
		const other = await session();
		for (const s of [pw.sessionId, second.session.id, other.sessionId])
			await storeKeyStay(get().db, s, blob(2), at(0), IDLE);
		await dropUserKeyStays(get().db, pw.userId);
		expect(await rows(pw.sessionId)).toEqual([]);
		expect(await rows(second.session.id)).toEqual([]);
		expect(await rows(other.sessionId)).toHaveLength(1);
	});
});

it('accepts only a blob of the format and length, as a typed refusal', () => {
	const good = Buffer.from(blob(5)).toString('base64');
	const parsed = parseKeyStayBody({ wrapped: good });
	expect(parsed.ok && Array.from(parsed.value)).toEqual(Array.from(blob(5)));
	expect(parseKeyStayBody({ wrapped: good.slice(0, -4) })).toMatchObject({ ok: false, code: 'invalid_field' });
	expect(parseKeyStayBody({ wrapped: 'not base64!' })).toMatchObject({ ok: false, code: 'invalid_field' });
	expect(parseKeyStayBody({})).toMatchObject({ ok: false, code: 'invalid_field', field: 'wrapped' });
	expect(parseKeyStayBody(null)).toMatchObject({ ok: false, code: 'invalid_field' });
	const v2 = blob(5);
	v2[0] = 2;
	expect(parseKeyStayBody({ wrapped: Buffer.from(v2).toString('base64') })).toMatchObject({
		ok: false,
		code: 'unsupported_version'
	});
	expect(keyStayAnswer(null)).toEqual({ wrapped: null });
	expect(keyStayAnswer(blob(5))).toEqual({ wrapped: good });
});
