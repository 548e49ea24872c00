/**
 * CHECK constraints built from the shared vocabularies (src/lib/shared/vocabulary), so a column's list of
 * codes and the code's own list cannot drift apart. The SQL is exactly what the hand-written lists gave,
 * `in ('a', 'b')`, so drizzle-kit sees no change (`npm run db:generate` reports none); adding a code to a
 * vocabulary then shows up as a migration of its CHECK.
 */
import { sql, type SQL } from 'drizzle-orm';

/** `('a', 'b', …)` of a list of codes (letters, digits, `_` and `:` only: nothing to escape). */
export function inList(codes: readonly string[]): SQL {
	if (codes.length === 0) throw new Error('a CHECK needs at least one code');
	for (const c of codes) if (!/^[a-z0-9_:]+$/.test(c)) throw new Error(`not a code: ${JSON.stringify(c)}`);
	return sql.raw(`(${codes.map((c) => `'${c}'`).join(', ')})`);
}
