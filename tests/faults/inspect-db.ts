/**
 * Looks into the storage of a stopped (or running, on PostgreSQL) server for the fault tests and prints one
 * JSON line: committed reports and their locators, committed files whose parts are incomplete, reports
 * without wraps, staged (uncommitted) intakes / files / parts; with --cleanup it then runs the cleanup job
 * (`cleanupExpired`) with a clock past every intake's expiry and counts again.
 *
 *   npx tsx tests/faults/inspect-db.ts (--database-url URL | --data-dir DIR) [--cleanup]
 */
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../src/lib/server/db/index';
import { rowsOf } from '../../src/lib/server/org/sql';
import { cleanupExpired } from '../../src/lib/server/reports/cleanup';

function arg(name: string): string | null {
	const i = process.argv.indexOf(name);
	return i >= 0 ? (process.argv[i + 1] ?? null) : null;
}

export interface Inspection {
	reports: number;
	locators: string[];
	reportsWithoutWraps: number;
	committedFiles: number;
	incompleteCommittedFiles: number;
	stagedIntakes: number;
	stagedFiles: number;
	stagedParts: number;
}

async function inspect(db: Parameters<typeof cleanupExpired>[0]): Promise<Inspection> {
	const one = async <T>(q: ReturnType<typeof sql>) => rowsOf<T>(await db.execute(q))[0]!;
	const locators = rowsOf<{ locator: string }>(await db.execute(sql`select locator from report order by locator`)).map(
		(r) => r.locator
	);
	const c = await one<Record<string, number>>(sql`select
		(select count(*)::int from report r where not exists (select 1 from report_key_wrap w where w.report_id = r.id)) as "reportsWithoutWraps",
		(select count(*)::int from attachment where report_id is not null) as "committedFiles",
		(select count(*)::int from attachment a where a.report_id is not null and (
			(select count(*) from attachment_part p where p.attachment_id = a.id) <> a.parts or
			(select coalesce(sum(octet_length(p.data)), 0) from attachment_part p where p.attachment_id = a.id) <> a.bytes)) as "incompleteCommittedFiles",
		(select count(*)::int from intake) as "stagedIntakes",
		(select count(*)::int from attachment where report_id is null and message_id is null) as "stagedFiles",
		(select count(*)::int from attachment_part p join attachment a on a.id = p.attachment_id where a.report_id is null and a.message_id is null) as "stagedParts"`);
	return {
		reports: locators.length,
		locators,
		reportsWithoutWraps: c.reportsWithoutWraps!,
		committedFiles: c.committedFiles!,
		incompleteCommittedFiles: c.incompleteCommittedFiles!,
		stagedIntakes: c.stagedIntakes!,
		stagedFiles: c.stagedFiles!,
		stagedParts: c.stagedParts!
	};
}

async function main(): Promise<void> {
	const database = await openDatabase({
		databaseUrl: arg('--database-url'),
		dataDir: arg('--data-dir') ?? 'memory://',
		migrate: false,
		poolMax: 2
	});
	try {
		const before = await inspect(database.db);
		let cleaned = null;
		let after = null;
		if (process.argv.includes('--cleanup')) {
			cleaned = await cleanupExpired(database.db, new Date(Date.now() + 2 * 3600_000));
			after = await inspect(database.db);
			after.locators = [];
		}
		process.stdout.write(JSON.stringify({ before, cleaned, after }) + '\n');
	} finally {
		await database.close();
	}
}

main().then(
	() => process.exit(0),
	(e) => {
		console.error(e);
		process.exit(1);
	}
);
