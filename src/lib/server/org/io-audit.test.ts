/**
 * Issue 16: an org import replaces the whole directory; the conflict declarations and memberships it
 * drops are logged by id (`admin.org.import_dropped`), not only counted, under the importing admin.
 */
import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { describeDb } from '$support/db';
import { staffConflict, staffUser } from '../db/schema';
import { exportOrg, importOrg } from './io';
import { rowsOf } from './sql';
import { replaceOrgData } from './store';

const ADMIN = '00000000-0000-4000-8000-0000000000ad';

describeDb('org import audit', (get) => {
	it('logs the dropped conflict declarations and memberships by id', async () => {
		const { db } = get();
		const users = await db
			.insert(staffUser)
			.values(
				['ann', 'ben'].map((u) => ({
					username: u,
					displayName: u,
					authSalt: new Uint8Array(16),
					authParams: { m: 64, t: 1, p: 1 },
					authHash: '$argon2id$test'
				}))
			)
			.returning({ id: staffUser.id });
		const [ann, ben] = users.map((u) => u.id) as [string, string];
		await replaceOrgData(
			db,
			{
				units: [
					{ id: 'u-a', parentId: null, name: '甲县', level: 'county', regionPath: '甲县' },
					{ id: 'u-b', parentId: null, name: '乙县', level: 'county', regionPath: '乙县' }
				],
				organs: [
					{
						id: 'o-a',
						name: '甲县纪委监委',
						kind: 'commission',
						level: 'county',
						unitId: null,
						hostUnitId: null,
						parentOrganId: null
					}
				],
				jurisdiction: [{ organId: 'o-a', unitId: 'u-a' }],
				staff: [
					{ id: ann, organId: 'o-a', role: 'inspector', hasKey: false },
					{ id: ben, organId: 'o-a', role: 'inspector', hasKey: false }
				],
				conflicts: [
					{ staffId: ann, unitId: 'u-a', reason: '曾任职' },
					{ staffId: ben, unitId: 'u-b', reason: '亲属' }
				],
				posts: []
			},
			{ demo: false }
		);
		const declared = await db.select().from(staffConflict);
		const benConflict = declared.find((c) => c.staffId === ben)!;
		// The file keeps ann's conflict and membership and drops ben's.
		const csv = (await exportOrg(db, 'csv'))
			.split('\n')
			.filter((l) => !l.includes(',ben,'))
			.join('\n');
		const r = await importOrg(db, csv, 'csv', ADMIN);
		expect(r.ok, JSON.stringify(r)).toBe(true);
		const rows = rowsOf<{ actor: string; details: Record<string, unknown> }>(
			await db.execute(sql`select actor, details from audit_log where action = 'admin.org.import_dropped'`)
		);
		expect(rows).toEqual([
			{
				actor: ADMIN,
				details: {
					droppedConflictCount: 1,
					droppedConflicts: [{ id: benConflict.id, staffId: ben, unitId: 'u-b' }],
					removedMembershipCount: 1,
					removedMemberships: [{ staffId: ben, organId: 'o-a' }]
				}
			}
		]);
	});
});
