/**
 * The unit headcount of the directory (issue 18: the statistics' 反映集中 view normalises by it): optional in
 * CSV and JSON, written to org_unit.headcount, exported only when some unit has one, refused when not a
 * positive whole number.
 */
import { expect, it } from 'vitest';
import { describeDb } from '$support/db';
import { ORG } from '$support/stats-fixtures';
import { exportOrg, importOrg } from './io';
import { loadOrgData, replaceOrgData } from './store';

describeDb('org import/export: unit headcount', (get) => {
	it('round-trips a headcount through CSV and JSON, and leaves the column out when none is known', async () => {
		const { db } = get();
		await replaceOrgData(db, ORG, { demo: false });
		const plain = await exportOrg(db, 'csv');
		expect(plain.split('\n')[0]).not.toContain('headcount');
		const units = ORG.units.map((u) => (u.id === 'k-d1' ? { ...u, headcount: 120 } : u));
		await replaceOrgData(db, { ...ORG, units }, { demo: false });
		const csv = await exportOrg(db, 'csv');
		expect(csv.split('\n')[0]!.endsWith(',headcount')).toBe(true);
		expect(
			csv
				.split('\n')
				.find((l) => l.startsWith('unit,k-d1,'))!
				.endsWith(',120')
		).toBe(true);
		const json = await exportOrg(db, 'json');
		expect(json).toContain('"headcount":120');
		for (const [text, format] of [
			[csv, 'csv'],
			[json, 'json']
		] as const) {
			await replaceOrgData(db, ORG, { demo: false });
			const r = await importOrg(db, text, format);
			expect(r.ok, JSON.stringify(r)).toBe(true);
			const loaded = await loadOrgData(db);
			expect(loaded.units.find((u) => u.id === 'k-d1')?.headcount).toBe(120);
			expect(loaded.units.find((u) => u.id === 'k')).not.toHaveProperty('headcount');
		}
	});

	it('refuses a headcount that is not a positive whole number, naming the line and field', async () => {
		const { db } = get();
		const csv = await exportOrg(db, 'csv');
		const lines = csv.split('\n');
		const at = lines.findIndex((l) => l.startsWith('unit,k-d1,'));
		lines[at] = lines[at]!.replace(/,120$/, ',-3');
		const r = await importOrg(db, lines.join('\n'), 'csv');
		expect(!r.ok && r.errors.map((e) => [e.line, e.field])).toEqual([[at + 1, 'headcount']]);
		expect((await loadOrgData(db)).units.find((u) => u.id === 'k-d1')?.headcount).toBe(120);
	});
});
