/**
 * The interference register (issue 19 item 3) on both databases: enrolment sealed to exactly the organ's
 * recipients, a record, a 零报告, the overdue 零报告 reminder, the per-leader view as a staff member's
 * browser builds it (decrypting with their key), access (IDOR), the audit, bad input as 4xx, and the
 * canary: no name, post or text of the register anywhere in the database.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { decodeBase64 } from '@oslojs/encoding';
import { openSealedKey } from '$lib/crypto/seal';
import { toHex, utf8 } from '$lib/crypto/encoding';
import { describeDb } from '$support/db';
import { auditLog, staffNotice, staffUser } from '$lib/server/db/schema';
import { rowsOf } from '$lib/server/org/sql';
import type { StaffCtx } from '$lib/server/backoffice/context';
import { registerEnrolApi, registerEntryApi, registerStatusApi } from '$lib/server/http/register';
import {
	groupByLeader,
	newRegisterKey,
	openJson,
	registerKeys,
	sealJson,
	wrapsFor,
	type RegisterContent,
	type RegisterIdentity,
	type RegisterRecord
} from '$lib/crypto/register';
import { powApi } from '$lib/server/http/reporter';
import { buildWorld, jsonRequest, NOW, solved, type World } from '../../../../tests/support/reporter-world';
import { listRegister, missingPeriods, raiseRegisterNotices, type RegisterList } from './register';

const CANARIES = ['登记人甲', '登记人乙', '张三丰', '李四光', '某某工程项目canary', '请关照一下canary', '证人王五'];

function record(leader: string, post: string, asked: string): RegisterRecord {
	return {
		v: 1,
		type: 'record',
		when: '2026-11-20',
		matter: 'project',
		reference: '某某工程项目canary',
		leader: { name: leader, post },
		how: 'greeting',
		asked,
		answer: 'refused',
		answerDetail: '',
		witnesses: '证人王五'
	};
}

describe('periods', () => {
	it('lists the finished periods without an entry', () => {
		expect(missingPeriods('2026-11', 'month', '2027-02-03', new Set(['2026-12']))).toEqual(['2026-11', '2027-01']);
		expect(missingPeriods('2026-Q4', 'quarter', '2026-12-31', new Set())).toEqual([]);
		expect(missingPeriods('2026-Q4', 'quarter', '2027-04-01', new Set())).toEqual(['2026-Q4', '2027-Q1']);
	});
});

describeDb('interference register', (get) => {
	let world: World;
	const recipients = () => [
		{ entryId: world.alice.entryId, publicKey: world.alice.keyPair.publicKey },
		{ entryId: world.bob.entryId, publicKey: world.bob.keyPair.publicKey }
	];
	let calls = 0;
	/** Each call from its own address (the intake's per-address limit is not under test here). */
	const ctx = (now = NOW) => world.ctx({ now, address: `addr:${++calls}` });
	const staffCtx = async (id: string, now = NOW): Promise<StaffCtx> => {
		const [user] = await get().db.select().from(staffUser).where(eq(staffUser.id, id));
		return { db: get().db, user: user!, now } as StaffCtx;
	};
	const pow = () => solved(ctx(), 'intake', powApi);
	const enrolBody = async (key: string, name: string, over: Record<string, unknown> = {}) => {
		const k = registerKeys(key);
		const identity: RegisterIdentity = { v: 1, name, post: '科长', unit: { id: 'u-city', name: '青山市' } };
		return {
			pow: await pow(),
			organ: 'o-city',
			unit: 'u-city',
			period: 'month',
			handle: k.handle,
			auth: k.auth,
			identity: sealJson(k.content, identity),
			wraps: wrapsFor(k.content, recipients()),
			...over
		};
	};
	const entry = (key: string, content: RegisterContent, period?: string) => {
		const k = registerKeys(key);
		return { handle: k.handle, auth: k.auth, kind: content.type, period, content: sealJson(k.content, content) };
	};
	const keyA = newRegisterKey();
	const keyB = newRegisterKey();

	beforeAll(async () => {
		world = await buildWorld(get().db);
	});

	it('enrols an official sealed to exactly the organ recipients; refuses bad input with 4xx', async () => {
		const first = await enrolBody(keyA, '登记人甲');
		const r = await registerEnrolApi(ctx(), jsonRequest('/api/v1/register', first));
		expect(r.status, JSON.stringify(r.body)).toBe(201);
		expect(r.body).toMatchObject({ firstPeriod: '2026-11' });
		expect((await registerEnrolApi(ctx(), jsonRequest('/', await enrolBody(keyB, '登记人乙')))).status).toBe(201);

		// The same key again, the same proof of work again, wraps for one recipient only, another organ,
		// junk identity, no proof of work, junk JSON: 4xx with the code that says why.
		const again = await registerEnrolApi(ctx(), jsonRequest('/', await enrolBody(keyA, 'x')));
		expect([again.status, (again.body as { error: { code: string } }).error.code]).toEqual([409, 'locator_taken']);
		const replay = await registerEnrolApi(
			ctx(),
			jsonRequest('/', { ...(await enrolBody(newRegisterKey(), 'x')), pow: first.pow })
		);
		expect((replay.body as { error: { code: string } }).error.code).toBe('pow_replayed');
		const one = await enrolBody(newRegisterKey(), 'x');
		const refusals: [Record<string, unknown>, string][] = [
			[{ wraps: one.wraps.slice(0, 1) }, 'recipients_changed'],
			[{ organ: 'o-prov' }, 'routing_changed'],
			[{ identity: 'AAAA' }, 'bad_content'],
			[{ period: 'week' }, 'invalid_field'],
			[{ handle: 'short' }, 'invalid_field'],
			[{ unit: 'u-none' }, 'unknown_unit'],
			[{ pow: undefined }, 'pow_required']
		];
		for (const [over, code] of refusals) {
			const a = await registerEnrolApi(ctx(), jsonRequest('/', { ...one, pow: await pow(), ...over }));
			expect(a.status, JSON.stringify(a.body)).toBeGreaterThanOrEqual(400);
			expect(a.status).toBeLessThan(500);
			expect((a.body as { error: { code: string } }).error.code).toBe(code);
		}
		expect((await registerEnrolApi(ctx(), jsonRequest('/', '{not json'))).status).toBe(400);
	});

	it('takes records and a 零报告 from the key holder only; the status shows what is filed and missing', async () => {
		const add = (key: string, c: RegisterContent, period?: string, now = NOW) =>
			registerEntryApi(ctx(now), jsonRequest('/', entry(key, c, period)));
		expect((await add(keyA, record('张三丰', '副市长', '请关照一下canary'))).status).toBe(201);
		expect((await add(keyA, record(' 张三丰 ', '副市长', '第二次打招呼'))).status).toBe(201);
		expect((await add(keyB, record('李四光', '局长', '批条子'))).status).toBe(201);
		expect((await add(keyB, record('张三丰', '', '又一次'))).status).toBe(201);
		const zero = await add(keyA, { v: 1, type: 'zero', period: '2026-11' }, '2026-11');
		expect(zero.status).toBe(201);
		expect(zero.body).toMatchObject({ current: '2026-11', missing: [] });

		// A wrong key, a future period, a period before enrolment, a malformed one: 4xx.
		const wrong = entry(newRegisterKey(), { v: 1, type: 'zero', period: '2026-11' }, '2026-11');
		expect((await registerEntryApi(ctx(), jsonRequest('/', wrong))).status).toBe(401);
		const forged = { ...entry(keyA, { v: 1, type: 'zero', period: '2026-11' }), auth: registerKeys(keyB).auth };
		expect((await registerEntryApi(ctx(), jsonRequest('/', forged))).status).toBe(401);
		for (const p of ['2026-12', '2026-10', '2026-13', '2026-Q4'])
			expect((await add(keyA, { v: 1, type: 'zero', period: p }, p)).status).toBe(400);

		const status = await registerStatusApi(
			ctx(),
			jsonRequest('/', { handle: registerKeys(keyA).handle, auth: registerKeys(keyA).auth })
		);
		expect(status.status).toBe(200);
		expect((status.body as { filed: unknown[] }).filed).toEqual([
			{ kind: 'record', period: '2026-11' },
			{ kind: 'record', period: '2026-11' },
			{ kind: 'zero', period: '2026-11' }
		]);
	});

	it('reminds the organ handlers once when a month passes without any entry', async () => {
		const { db } = get();
		// B filed records in November, A a record and a 零报告: December 3rd, nobody is overdue for November.
		const dec3 = new Date('2026-12-03T02:00:00Z');
		expect(await raiseRegisterNotices(db, dec3)).toEqual({ raised: 0 });
		// January 4th: December passed without an entry from either → one notice per handler and enrolment.
		const jan4 = new Date('2027-01-04T02:00:00Z');
		expect(await raiseRegisterNotices(db, jan4)).toEqual({ raised: 4 });
		expect(await raiseRegisterNotices(db, new Date('2027-01-05T02:00:00Z'))).toEqual({ raised: 0 });
		const notices = await db.select().from(staffNotice).where(eq(staffNotice.kind, 'register_overdue'));
		expect(notices.map((n) => n.staffId).sort()).toEqual(
			[world.alice.id, world.alice.id, world.bob.id, world.bob.id].sort()
		);
		expect(notices.every((n) => (n.details as { period: string }).period === '2026-12')).toBe(true);
		// Carol heads another organ: nothing for her.
		expect(notices.some((n) => n.staffId === world.carol.id)).toBe(false);

		// A files the 零报告 for December late; the status has nothing missing any more, B still misses December.
		const late = await registerEntryApi(
			ctx(jan4),
			jsonRequest('/', entry(keyA, { v: 1, type: 'zero', period: '2026-12' }, '2026-12'))
		);
		expect(late.status).toBe(201);
		expect(late.body).toMatchObject({ current: '2027-01', missing: [] });
		const alice = await listRegister(await staffCtx(world.alice.id, jan4), 'Asia/Shanghai');
		expect(alice.ok && alice.value.items.map((i) => i.missing.join()).sort()).toEqual(['', '2026-12']);
	});

	it('the per-leader view: the staff member decrypts in the browser and groups by the leader who interfered', async () => {
		const { db } = get();
		const answer = await listRegister(await staffCtx(world.alice.id), 'Asia/Shanghai');
		expect(answer.ok).toBe(true);
		const list = (answer as { value: RegisterList }).value;
		expect(list.items).toHaveLength(2);
		// What alice's browser does: open her wrap, decrypt identity and entries, group.
		const opened = list.items.map((item) => {
			const key = openSealedKey(decodeBase64(item.sealed), world.alice.keyPair);
			const who = openJson<RegisterIdentity>(key, item.identity);
			const contents = item.entries.map((e) => openJson<RegisterContent>(key, e.content));
			return { who, contents };
		});
		expect(opened.map((o) => o.who.name).sort()).toEqual(['登记人乙', '登记人甲']);
		const records = opened.flatMap((o) =>
			o.contents.filter((c): c is RegisterRecord => c.type === 'record').map((record) => ({ record, by: o.who.name }))
		);
		const groups = groupByLeader(records);
		expect(groups.map((g) => [g.name, g.records.length, g.posts])).toEqual([
			['张三丰', 3, ['副市长']],
			['李四光', 1, ['局长']]
		]);
		expect(new Set(groups[0]!.records.map((r) => r.by))).toEqual(new Set(['登记人甲', '登记人乙']));

		// Audited, ids and counts only.
		const audit = await db.select().from(auditLog).where(eq(auditLog.action, 'register.read')).orderBy(auditLog.seq);
		expect(audit.at(-1)).toMatchObject({
			actor: world.alice.id,
			organId: 'o-city',
			details: { enrolments: 2, entries: 6 }
		});

		// Carol (another organ) and dave (no wrap) see nothing.
		const carol = await listRegister(await staffCtx(world.carol.id), 'Asia/Shanghai');
		expect(carol.ok && carol.value.items).toEqual([]);
		const dave = await listRegister(await staffCtx(world.dave), 'Asia/Shanghai');
		expect(dave.ok && dave.value.items).toEqual([]);
	});

	it('canary: no name, post or text of the register in any table of the database', async () => {
		const { db } = get();
		const tables = rowsOf<{ t: string }>(
			await db.execute(
				sql`select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`
			)
		).map((r) => r.t);
		expect(tables).toEqual(expect.arrayContaining(['register_enrolment', 'register_entry', 'register_key_wrap']));
		let dump = '';
		for (const t of tables) {
			const rows = rowsOf<{ r: string }>(await db.execute(sql.raw(`select t::text as r from "${t}" t`)));
			dump += rows.map((r) => r.r).join('\n');
		}
		expect(dump).toContain('register_overdue');
		for (const c of CANARIES) {
			expect(dump).not.toContain(c);
			expect(dump).not.toContain(toHex(utf8(c)));
		}
	});
});
