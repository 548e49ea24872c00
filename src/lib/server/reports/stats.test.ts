import { expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { describeDb } from '$support/db';
import { attachment, attachmentPart, intake, powSpent, report } from '$lib/server/db/schema';
import { statsApi } from '$lib/server/http/reporter';
import { cleanupExpired } from './cleanup';
import { dateIn, monthBefore } from './dates';
import { CATEGORIES } from '$lib/shared/vocabulary/report';
import { NOW, SETTINGS } from '../../../../tests/support/reporter-world';

let n = 0;
const row = (receivedOn: string, category: string, concludedOn: string | null = null) => ({
	locator: `L${String(n++).padStart(9, '0')}`,
	unitId: 'u',
	position: 'other_staff',
	category,
	realName: false,
	escalate: false,
	organId: 'o',
	receivedOn,
	concludedOn,
	publicStatus: concludedOn ? 'concluded' : 'received',
	content: new Uint8Array(1),
	contentBytes: 1,
	kdfSpec: new Uint8Array(1),
	authHash: new Uint8Array(1),
	receiptWrapped: new Uint8Array(1)
});

it('dates: the received date is the calendar date in the configured zone', () => {
	expect(dateIn('Asia/Shanghai', new Date('2026-11-26T16:30:00Z'))).toBe('2026-11-27');
	expect(dateIn('UTC', new Date('2026-11-26T16:30:00Z'))).toBe('2026-11-26');
	expect(monthBefore('2026-11-27', 0)).toBe('2026-11');
	expect(monthBefore('2026-11-27', 11)).toBe('2025-12');
	expect(monthBefore('2026-01-05', 1)).toBe('2025-12');
});

describeDb('public figures and cleanup', (get) => {
	it('GET /stats/public: last 12 months by category, small counts hidden', async () => {
		const { db } = get();
		await db.insert(report).values([
			row('2026-11-02', 'integrity'),
			row('2026-11-03', 'integrity'),
			row('2026-11-04', 'integrity', '2026-11-20'),
			row('2026-11-05', 'work'),
			row('2026-10-01', 'political', '2026-11-21'),
			row('2025-11-30', 'integrity'), // 13 months back: not shown
			row('2025-11-29', 'integrity')
		]);
		const r = await statsApi({ db, settings: SETTINGS, address: 'a', now: NOW });
		expect(r.status).toBe(200);
		const body = r.body as {
			minCount: number;
			months: {
				month: string;
				received: number | null;
				concluded: number | null;
				byCategory: Record<string, number | null>;
			}[];
		};
		expect(body.minCount).toBe(2);
		expect(body.months.map((m) => m.month)).toEqual([
			'2025-12',
			'2026-01',
			'2026-02',
			'2026-03',
			'2026-04',
			'2026-05',
			'2026-06',
			'2026-07',
			'2026-08',
			'2026-09',
			'2026-10',
			'2026-11'
		]);
		const nov = body.months[11]!;
		expect(nov.received).toBe(4);
		expect(nov.concluded).toBe(2);
		expect(nov.byCategory.integrity).toBe(3);
		expect(nov.byCategory.work).toBeNull(); // 1 < 2
		expect(Object.keys(nov.byCategory).sort()).toEqual([...CATEGORIES].sort());
		const oct = body.months[10]!;
		expect(oct).toMatchObject({ received: null, concluded: null });
		expect(body.months[0]!.received).toBeNull();
		const strict = await statsApi({ db, settings: { ...SETTINGS, statsMinCount: 5 }, address: 'a', now: NOW });
		expect((strict.body as typeof body).months[11]).toMatchObject({
			received: null,
			concluded: null,
			byCategory: { integrity: null }
		});
	});

	it('cleanupExpired deletes expired intakes with their staged files and parts, and expired spent challenges, nothing else', async () => {
		const { db } = get();
		const past = new Date(NOW.getTime() - 1000);
		const future = new Date(NOW.getTime() + 3600_000);
		const [committed] = await db.insert(report).values(row('2026-11-27', 'other')).returning({ id: report.id });
		const ids = {
			old: new Uint8Array(16).fill(1),
			live: new Uint8Array(16).fill(2),
			oldEmpty: new Uint8Array(16).fill(3)
		};
		await db.insert(intake).values([
			{ id: ids.old, reportId: null, expiresAt: past, files: 2 },
			{ id: ids.live, reportId: null, expiresAt: future, files: 1 },
			{ id: ids.oldEmpty, reportId: committed!.id, expiresAt: past, files: 0 }
		]);
		const files = await db
			.insert(attachment)
			.values([
				{ intakeId: ids.old, fileNo: 0, bytes: 1058, parts: 1 },
				{ intakeId: ids.old, fileNo: 1, bytes: 1058, parts: 1 },
				{ intakeId: ids.live, fileNo: 0, bytes: 1058, parts: 1 },
				{ intakeId: null, fileNo: 0, bytes: 1058, parts: 1, reportId: committed!.id }
			])
			.returning({ id: attachment.id });
		await db
			.insert(attachmentPart)
			.values(files.map((f) => ({ attachmentId: f.id, idx: 0, data: new Uint8Array(1058) })));
		await db.insert(attachmentPart).values({ attachmentId: files[0]!.id, idx: 1, data: new Uint8Array(5) });
		await db.insert(powSpent).values([
			// Two days back: the stored expiry is rounded up to the next UTC midnight (issue 16).
			{ id: new Uint8Array(16).fill(7), expiresAt: new Date(NOW.getTime() - 2 * 86_400_000) },
			{ id: new Uint8Array(16).fill(8), expiresAt: future }
		]);

		expect(await cleanupExpired(db, NOW)).toEqual({ intakes: 2, attachments: 2, parts: 3, powSpent: 1 });
		expect((await db.select({ id: intake.id }).from(intake)).map((r) => r.id[0])).toEqual([2]);
		expect((await db.select({ id: attachment.id }).from(attachment)).map((r) => r.id).sort()).toEqual(
			[files[2]!.id, files[3]!.id].sort()
		);
		expect(
			await db
				.select({ idx: attachmentPart.idx })
				.from(attachmentPart)
				.where(eq(attachmentPart.attachmentId, files[3]!.id))
		).toEqual([{ idx: 0 }]);
		expect((await db.select().from(powSpent)).length).toBe(1);
		// Nothing left to do.
		expect(await cleanupExpired(db, NOW)).toEqual({ intakes: 0, attachments: 0, parts: 0, powSpent: 0 });
	});
});
