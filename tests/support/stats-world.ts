/**
 * The database both statistics suites start from: the hand-made directory and reports of ./stats-fixtures.ts,
 * and the staff accounts each suite names, with their memberships. Test-only; nothing of the app imports it.
 */
import type { Db } from '$lib/server/db';
import { organStaff, report, staffUser } from '$lib/server/db/schema';
import { replaceOrgData } from '$lib/server/org/store';
import { ORG, REPORTS } from './stats-fixtures';

/** One staff account: its id (from IDS), its username, and its roles by organ id (none for a bare admin). */
export interface StatsStaff {
	id: string;
	username: string;
	isAdmin?: boolean;
	roles?: Record<string, string>;
}

/**
 * Loads ORG, the staff (accounts, then memberships in the order given) and REPORTS; returns the id of report
 * R<i> (1-based, REPORTS' order).
 */
export async function loadStatsWorld(db: Db, staff: StatsStaff[]): Promise<(i: number) => string> {
	await replaceOrgData(db, ORG, { demo: false });
	await db.insert(staffUser).values(
		staff.map(({ id, username, isAdmin = false }) => ({
			id,
			username,
			displayName: username,
			isAdmin,
			authSalt: new Uint8Array(16),
			authParams: { m: 1, t: 1, p: 1 },
			authHash: 'x'
		}))
	);
	await db
		.insert(organStaff)
		.values(
			staff.flatMap(({ id, roles = {} }) =>
				Object.entries(roles).map(([organId, role]) => ({ staffId: id, organId, role }))
			)
		);
	const ids = await db.insert(report).values(REPORTS).returning({ id: report.id });
	return (i) => ids[i - 1]!.id;
}
