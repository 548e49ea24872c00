/**
 * The inbox as a table (issue 18 item 3): every sort on the server with stable keyset pages, the 查询码 search
 * (POST only), the received-date range, unit and organ filters by name (ids still accepted), saved filters per
 * staff member, and the organ's time zone (who may set it, IANA names only). Both databases (describeDb).
 */
import { eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import type { StaffUser } from '$lib/server/auth/session';
import type { Db } from '$lib/server/db';
import { auditLog, report, staffUser } from '$lib/server/db/schema';
import { describeDb } from '$support/db';
import { buildBackofficeWorld, NOW, storeReport, type BoWorld, type Member } from '$support/backoffice';
import type { InboxAnswer, InboxItem } from '$lib/shared/wire/staff';
import { INBOX_SORTS, type InboxSort } from '$lib/shared/wire/inbox';
import type { StaffCtx } from './context';
import { inbox } from './inbox';
import { deleteFilter, listSavedFilters, saveFilter } from './inbox-saved';
import { organTimeZone, setOrganTimeZone } from './organ-time-zone';

describeDb('inbox table: sorts, search, filters by name, saved filters, organ time zone', (get) => {
	let w: BoWorld;
	let db: Db;
	const users = new Map<string, StaffUser>();
	const ctx = (m: Member | { id: string }): StaffCtx => ({ db, user: users.get(m.id)!, now: NOW });
	const rows: { id: string; locator: string; receivedOn: string; state: string; category: string; unitId: string }[] =
		[];
	const states = ['received', 'registered', 'accepted'] as const;
	const categories = ['integrity', 'political', 'work'] as const;

	async function page(m: Member, q: string, post = false): Promise<InboxAnswer> {
		const r = await inbox(ctx(m), new URLSearchParams(q), post);
		if (!r.ok) throw new Error(`inbox refused ${r.code} ${JSON.stringify(r.field)}`);
		return r.value;
	}
	/** Every page of a query, 2 at a time, following the cursors. */
	async function walk(m: Member, q: string): Promise<InboxItem[]> {
		const out: InboxItem[] = [];
		let after: string | null = null;
		for (let i = 0; i < 20; i++) {
			const p: InboxAnswer = await page(m, `${q}&limit=2${after ? `&after=${after}` : ''}`);
			out.push(...p.items);
			after = p.next;
			if (!after) break;
		}
		return out;
	}

	beforeAll(async () => {
		db = get().db;
		w = await buildBackofficeWorld(db);
		for (const u of await db.select().from(staffUser)) users.set(u.id, u);
		// olga (o-k1): 9 reports, several on the same day (the id breaks ties), about 东区 (u-k1) and 西区 (u-k2).
		for (let i = 0; i < 9; i++) {
			const receivedOn = `2026-11-${String(10 + Math.floor(i / 2)).padStart(2, '0')}`;
			const unitId = i % 3 === 0 ? 'u-k2' : 'u-k1';
			const r = await storeReport(db, {
				organId: 'o-k1',
				unitId,
				recipients: [w.olga],
				receivedOn,
				category: categories[i % 3]
			});
			const state = states[(i * 2) % 3]!;
			await db
				.update(report)
				.set({ state, nextDueOn: i % 4 === 0 ? null : `2026-12-${String(10 - (i % 5)).padStart(2, '0')}` })
				.where(eq(report.id, r.id));
			rows.push({ id: r.id, locator: r.locator, receivedOn, state, category: categories[i % 3]!, unitId });
		}
		// One report olga cannot see (o-city's), to search for.
		const other = await storeReport(db, { organId: 'o-city', unitId: 'u-k1', recipients: [w.alice] });
		rows.push({ ...other, receivedOn: '2026-11-27', state: 'received', category: 'integrity', unitId: 'u-k1' });
	});

	it('sorts every column on the server, pages stably with the cursor, and refuses a cursor of another sort', async () => {
		const mine = rows.slice(0, 9);
		const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
		const dueOf = async (id: string) =>
			(await db.select({ d: report.nextDueOn }).from(report).where(eq(report.id, id)))[0]!.d;
		const due = new Map(await Promise.all(mine.map(async (r) => [r.id, await dueOf(r.id)] as const)));
		const expected: Record<InboxSort, string[]> = {
			date: [...mine].sort((a, b) => cmp(b.receivedOn, a.receivedOn) || cmp(a.id, b.id)).map((r) => r.id),
			date_asc: [...mine].sort((a, b) => cmp(a.receivedOn, b.receivedOn) || cmp(b.id, a.id)).map((r) => r.id),
			deadline: [...mine]
				.sort((a, b) => {
					const x = due.get(a.id) ?? null;
					const y = due.get(b.id) ?? null;
					if (x !== y) return x === null ? 1 : y === null ? -1 : cmp(x, y);
					return cmp(a.id, b.id);
				})
				.map((r) => r.id),
			state: [...mine]
				.sort((a, b) => cmp(a.state, b.state) || cmp(b.receivedOn, a.receivedOn) || cmp(a.id, b.id))
				.map((r) => r.id),
			unit: [...mine]
				.sort((a, b) => cmp(a.unitId, b.unitId) || cmp(b.receivedOn, a.receivedOn) || cmp(a.id, b.id))
				.map((r) => r.id),
			category: [...mine]
				.sort((a, b) => cmp(a.category, b.category) || cmp(b.receivedOn, a.receivedOn) || cmp(a.id, b.id))
				.map((r) => r.id)
		};
		for (const sort of INBOX_SORTS) {
			const got = (await walk(w.olga, `sort=${sort}`)).map((i) => i.id);
			expect(got, sort).toEqual(expected[sort]);
		}
		// The first page counts everything matching, per state too.
		const first = await page(w.olga, 'sort=state&limit=2');
		expect(first.counts?.total).toBe(9);
		expect(first.counts?.byState).toEqual({ received: 3, registered: 3, accepted: 3 });
		// A cursor made for one sort is not a cursor of another.
		const bad = await inbox(ctx(w.olga), new URLSearchParams(`sort=state&after=${first.next}&limit=2`));
		expect(bad.ok).toBe(true);
		const wrong = await inbox(ctx(w.olga), new URLSearchParams(`sort=date&after=${first.next}`));
		expect(wrong).toMatchObject({ ok: false, code: 'invalid_field', field: 'after' });
		expect(await inbox(ctx(w.olga), new URLSearchParams('sort=name'))).toMatchObject({ ok: false, field: 'sort' });
	});

	it('finds a report by 查询码 through POST only, in any typed form, and only among visible reports', async () => {
		const target = rows[4]!;
		const typed = `${target.locator.slice(0, 5).toLowerCase()}-${target.locator.slice(5)}`;
		const found = await page(w.olga, `locator=${encodeURIComponent(typed)}`, true);
		expect(found.items.map((i) => i.id)).toEqual([target.id]);
		expect(found.counts?.total).toBe(1);
		// Never in a URL: the GET form refuses the field.
		expect(await inbox(ctx(w.olga), new URLSearchParams(`locator=${target.locator}`))).toMatchObject({
			ok: false,
			code: 'invalid_field',
			field: 'locator'
		});
		// Not a locator; another organ's report (existence is not revealed: an empty answer).
		expect(await inbox(ctx(w.olga), new URLSearchParams('locator=ABC'), true)).toMatchObject({ field: 'locator' });
		const hidden = await page(w.olga, `locator=${rows[9]!.locator}`, true);
		expect(hidden.items).toEqual([]);
		expect((await page(w.alice, `locator=${rows[9]!.locator}`, true)).items.map((i) => i.id)).toEqual([rows[9]!.id]);
	});

	it('filters by received dates, by unit and organ name (or id), together with a sort', async () => {
		const inRange = (await walk(w.olga, 'from=2026-11-11&to=2026-11-12')).map((i) => i.receivedOn);
		expect(inRange).toEqual(['2026-11-12', '2026-11-12', '2026-11-11', '2026-11-11']);
		expect(await inbox(ctx(w.olga), new URLSearchParams('from=2026-11-12&to=2026-11-11'))).toMatchObject({
			field: 'to'
		});
		expect(await inbox(ctx(w.olga), new URLSearchParams('from=2026-13-01'))).toMatchObject({ field: 'from' });

		const byName = (await walk(w.olga, `unit=${encodeURIComponent('西区')}&sort=category`)).map((i) => i.id);
		const byId = (await walk(w.olga, 'unit=u-k2&sort=category')).map((i) => i.id);
		expect(byName).toEqual(byId);
		expect(new Set(byName)).toEqual(
			new Set(
				rows
					.slice(0, 9)
					.filter((r) => r.unitId === 'u-k2')
					.map((r) => r.id)
			)
		);
		expect((await page(w.olga, `unit=${encodeURIComponent('没有这个单位')}`)).items).toEqual([]);

		const organ = await page(w.olga, `organ=${encodeURIComponent('东区纪委监委')}`);
		expect(organ.counts?.total).toBe(9);
		expect(organ.items[0]!.organ).toEqual({ id: 'o-k1', name: '东区纪委监委' });
		expect((await page(w.olga, 'organ=o-k1')).counts?.total).toBe(9);
		// An organ the caller does not work in shows nothing (not its reports).
		expect((await page(w.olga, `organ=${encodeURIComponent('青山市纪委监委')}`)).items).toEqual([]);
	});

	it('keeps saved filters per staff member: canonical, replaced by name, no search terms, deleted by their owner only', async () => {
		const s = await saveFilter(ctx(w.olga), { name: '西区待办', query: '?unit=西区&sort=deadline&junk=' });
		expect(s).toMatchObject({ ok: false, code: 'invalid_field', field: 'query.junk' });
		const saved = await saveFilter(ctx(w.olga), { name: ' 西区待办 ', query: 'sort=deadline&unit=西区&from=' });
		expect(saved).toMatchObject({
			ok: true,
			value: { name: '西区待办', query: 'unit=%E8%A5%BF%E5%8C%BA&sort=deadline' }
		});
		const again = await saveFilter(ctx(w.olga), { name: '西区待办', query: 'unit=u-k2' });
		expect(again.ok && again.value.id).toBe(saved.ok && saved.value.id);
		expect(await saveFilter(ctx(w.olga), { name: 'x', query: 'locator=ABCDE12345' })).toMatchObject({
			field: 'query.locator'
		});
		expect(await saveFilter(ctx(w.olga), { name: '', query: '' })).toMatchObject({ field: 'name' });
		expect(await saveFilter(ctx(w.olga), { name: 'x', query: 'sort=nope' })).toMatchObject({ field: 'query.sort' });
		const list = await listSavedFilters(ctx(w.olga));
		expect(list.ok && list.value.map((f) => [f.name, f.query])).toEqual([['西区待办', 'unit=u-k2']]);
		expect(await listSavedFilters(ctx(w.alice))).toMatchObject({ ok: true, value: [] });
		const id = String(list.ok && list.value[0]!.id);
		expect(await deleteFilter(ctx(w.alice), id)).toMatchObject({ ok: false, code: 'not_found' });
		expect(await deleteFilter(ctx(w.olga), id)).toMatchObject({ ok: true });
		expect(await deleteFilter(ctx(w.olga), id)).toMatchObject({ ok: false, code: 'not_found' });
		expect(await deleteFilter(ctx(w.olga), 'abc')).toMatchObject({ ok: false, code: 'not_found' });
	});

	it("sets an organ's time zone: its admin members and instance admins only, IANA names only, audited", async () => {
		// adam is an instance admin and o-city's organ admin; as an organ admin only, he may set o-city's zone alone.
		const organAdmin: StaffCtx = { db, user: { ...users.get(w.adam.id)!, isAdmin: false }, now: NOW };
		expect(await organTimeZone(db, 'o-city')).toBe('Asia/Shanghai');
		expect(await setOrganTimeZone(ctx(w.alice), 'o-city', { timeZone: 'Asia/Urumqi' })).toMatchObject({
			ok: false,
			code: 'forbidden'
		});
		expect(await setOrganTimeZone(organAdmin, 'o-city', { timeZone: 'Mars/Olympus' })).toMatchObject({
			ok: false,
			field: 'timeZone'
		});
		expect(await setOrganTimeZone(organAdmin, 'o-city', { timeZone: 'Asia/Shanghai; drop' })).toMatchObject({
			field: 'timeZone'
		});
		expect(await setOrganTimeZone(organAdmin, 'o-k1', { timeZone: 'Asia/Urumqi' })).toMatchObject({
			code: 'forbidden'
		});
		expect(await setOrganTimeZone(organAdmin, 'o-nowhere', { timeZone: 'UTC' })).toMatchObject({
			code: 'not_found'
		});
		expect(await setOrganTimeZone(organAdmin, 'o-city', { timeZone: 'Asia/Urumqi' })).toMatchObject({
			ok: true,
			value: { id: 'o-city', timeZone: 'Asia/Urumqi' }
		});
		expect(await setOrganTimeZone(ctx(w.adam), 'o-k2', { timeZone: 'UTC' })).toMatchObject({ ok: true });
		expect(await organTimeZone(db, 'o-city')).toBe('Asia/Urumqi');
		expect(await organTimeZone(db, 'o-k1')).toBe('Asia/Shanghai');
		expect(await organTimeZone(db, 'o-k2')).toBe('UTC');
		const audit = await db.select().from(auditLog).where(eq(auditLog.action, 'admin.organ_time_zone'));
		expect(audit.map((a) => a.details)).toEqual([
			{ organ: 'o-city', from: 'Asia/Shanghai', to: 'Asia/Urumqi' },
			{ organ: 'o-k2', from: 'Asia/Shanghai', to: 'UTC' }
		]);
	});
});
