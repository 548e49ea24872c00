/**
 * Public figures (docs/reporting.md §5): per month (the last 12, the current one included) and category,
 * reports received and concluded, from clear metadata only. Counts below the threshold are null, so no
 * single report stands out.
 */
import { and, gte, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { report } from '$lib/server/db/schema';
import { dateIn, monthBefore } from './dates';
import { CATEGORIES, type Category } from '$lib/shared/vocabulary/report';
import type { MonthFigures, PublicStats } from '$lib/shared/wire/public';

export type { MonthFigures, PublicStats };

export async function publicStats(
	db: Db,
	settings: { statsMinCount: number; timezone: string },
	now = new Date()
): Promise<PublicStats> {
	const today = dateIn(settings.timezone, now);
	const months = Array.from({ length: 12 }, (_, i) => monthBefore(today, 11 - i));
	const from = `${months[0]}-01`;
	const month = (col: unknown) => sql<string>`to_char(${col}, 'YYYY-MM')`;
	const [received, concluded] = await Promise.all([
		db
			.select({ month: month(report.receivedOn), category: report.category, n: sql<number>`count(*)::int` })
			.from(report)
			.where(gte(report.receivedOn, from))
			.groupBy(sql`1`, report.category),
		db
			.select({ month: month(report.concludedOn), n: sql<number>`count(*)::int` })
			.from(report)
			.where(and(isNotNull(report.concludedOn), gte(report.concludedOn, from)))
			.groupBy(sql`1`)
	]);
	const shown = (n: number) => (n >= settings.statsMinCount ? n : null);
	return {
		minCount: settings.statsMinCount,
		months: months.map((m) => {
			const rows = received.filter((r) => r.month === m);
			const byCategory = Object.fromEntries(
				CATEGORIES.map((c) => [c, shown(Number(rows.find((r) => r.category === c)?.n ?? 0))])
			) as Record<Category, number | null>;
			return {
				month: m,
				received: shown(rows.reduce((a, r) => a + Number(r.n), 0)),
				concluded: shown(Number(concluded.find((r) => r.month === m)?.n ?? 0)),
				byCategory
			};
		})
	};
}
