/**
 * Test helper: counts the SQL statements a piece of code sends through a Drizzle `Db` (issue 18: the case
 * page's and an action's statements, a regression guard). It swaps the session's logger, which every prepared
 * query and every transaction's session (built from the same options) calls once per statement. BEGIN and
 * COMMIT of a transaction are not counted (the drivers send them themselves). Test-only.
 */
import type { Db } from '$lib/server/db';

interface Logged {
	logger: { logQuery(query: string, params: unknown[]): void };
	options: { logger?: Logged['logger'] };
}

/** Runs `fn` and returns its result with the statements it sent (their SQL text, in order). */
export async function countQueries<T>(db: Db, fn: () => Promise<T>): Promise<{ result: T; queries: string[] }> {
	const session = (db as unknown as { session: Logged }).session;
	const queries: string[] = [];
	const before = { logger: session.logger, optionsLogger: session.options.logger };
	const counter = { logQuery: (query: string) => void queries.push(query) };
	session.logger = counter;
	session.options.logger = counter;
	try {
		const result = await fn();
		return { result, queries };
	} finally {
		session.logger = before.logger;
		session.options.logger = before.optionsLogger;
	}
}
