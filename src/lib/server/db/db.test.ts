import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { describeDb } from '$support/db';
import { appSetting } from './schema';

describeDb('database', (get, backend) => {
	it('is migrated at open and answers a ping', async () => {
		expect(get().kind).toBe(backend);
		expect(await get().ping()).toBe(true);
		const rows = await get().db.execute(sql`select count(*)::int as n from staff_user`);
		expect(rows).toBeDefined();
	});

	it('round-trips bytea as Uint8Array on both drivers', async () => {
		const value = new Uint8Array([0, 1, 2, 254, 255]);
		await get().db.insert(appSetting).values({ key: 'k', value });
		const [row] = await get().db.select().from(appSetting);
		expect(row!.value).toBeInstanceOf(Uint8Array);
		expect(Array.from(row!.value)).toEqual([0, 1, 2, 254, 255]);
	});
});
