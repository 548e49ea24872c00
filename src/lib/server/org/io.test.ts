import { beforeAll, expect, it } from 'vitest';
import { describeDb } from '$support/db';
import { staffUser } from '../db/schema';
import { generateDemo } from '../demo/province';
import { exportOrg, importOrg, type ImportResult } from './io';
import { DEMO_AUTH_HASH, loadOrgData, replaceOrgData } from './store';

const demo = generateDemo({ seed: 5 });

/** Errors as "line field" strings, for exact assertions. */
const where = (r: ImportResult) => (r.ok ? [] : r.errors.map((e) => `${e.line} ${e.field}`));

describeDb('org import/export', (get) => {
	let csv = '';
	let json = '';
	let before: Awaited<ReturnType<typeof loadOrgData>>;

	beforeAll(async () => {
		const { db } = get();
		// Real (non-demo) accounts for the directory's staff: imports refuse demo accounts.
		await db.insert(staffUser).values(
			demo.users.map((u) => ({
				id: u.id,
				username: u.username,
				displayName: u.displayName,
				authSalt: new Uint8Array(16),
				authParams: { m: 1, t: 1, p: 1 },
				authHash: '$argon2id$test'
			}))
		);
		await replaceOrgData(db, demo, { demo: false });
		before = await loadOrgData(db);
		csv = await exportOrg(db, 'csv');
		json = await exportOrg(db, 'json');
	});

	it('exports CSV and JSON that import back to the same directory', async () => {
		const { db } = get();
		for (const [text, format] of [
			[csv, 'csv'],
			[json, 'json']
		] as const) {
			const r = await importOrg(db, text, format);
			expect(r.ok && r.counts.unit).toBe(demo.units.length);
			expect(await loadOrgData(db)).toEqual(before);
		}
	});

	const lines = () => csv.split('\n');
	const replaceLine = (n: number, f: (line: string) => string) =>
		lines()
			.map((l, i) => (i === n - 1 ? f(l) : l))
			.join('\n');

	it('a CSV with wrong columns is rejected on line 1, naming each column, and changes nothing', async () => {
		const broken = replaceLine(1, (h) => h.replace('holder_name', 'holder').replace('has_key', 'haskey'));
		const r = await importOrg(get().db, broken, 'csv');
		expect(where(r)).toEqual(['1 haskey', '1 holder', '1 has_key', '1 holder_name']);
		expect(await loadOrgData(get().db)).toEqual(before);
	});

	it('reports every broken line of a CSV (unknown parent, duplicate id, bad level, cycle) and changes nothing', async () => {
		const all = lines();
		const unitLine = (id: string) => all.findIndex((l) => l.startsWith(`unit,${id},`)) + 1;
		const cityA = unitLine('sf-c01');
		const cityB = unitLine('sf-c02');
		const county = unitLine('sf-c01-k01');
		const dept = unitLine('sf-c01-d01');
		let text = replaceLine(dept, (l) => l.replace(',sf-c01,', ',no-such-parent,'));
		text = text
			.split('\n')
			.map((l, i) => (i === cityB - 1 ? l.replace('unit,sf-c02,', 'unit,sf-c01,') : l))
			.join('\n');
		text = text
			.split('\n')
			.map((l, i) => (i === county - 1 ? l.replace(',county,', ',district,') : l))
			.join('\n');
		// Cycle: the province's parent becomes one of its own cities.
		const prov = unitLine('sf');
		text = text
			.split('\n')
			.map((l, i) => (i === prov - 1 ? l.replace('unit,sf,,', 'unit,sf,sf-c01,') : l))
			.join('\n');
		const r = await importOrg(get().db, text, 'csv');
		expect(r.ok).toBe(false);
		const found = where(r);
		expect(found).toContain(`${dept} parent`);
		expect(found).toContain(`${cityB} id`);
		expect(found).toContain(`${county} level`);
		expect(found).toContain(`${Math.min(prov, cityA)} parent`);
		expect(!r.ok && r.errors.some((e) => /Cycle in the unit tree/.test(e.message))).toBe(true);
		expect(!r.ok && r.errors.find((e) => e.line === cityB && e.field === 'id')?.message).toBe(
			`Duplicate unit id "sf-c01" (first on line ${cityA})`
		);
		expect(await loadOrgData(get().db)).toEqual(before);
	});

	it('names unknown staff accounts, unknown record types and short rows by line', async () => {
		const all = lines();
		const staffLine = all.findIndex((l) => l.startsWith('staff,')) + 1;
		let text = replaceLine(staffLine, (l) => l.replace(/,demo-\d+,/, ',nobody,'));
		text += 'village,x,,,,,,,,,,,,,,,,\nunit,short\n';
		const n = text.split('\n').length;
		const r = await importOrg(get().db, text, 'csv');
		expect(where(r)).toEqual([`${staffLine} username`, `${n - 2} type`, `${n - 1} null`]);
		expect(await loadOrgData(get().db)).toEqual(before);
	});

	it('refuses demo accounts as staff of an imported directory', async () => {
		const { db } = get();
		await db.insert(staffUser).values({
			username: 'demo-x',
			displayName: 'demo',
			authSalt: new Uint8Array(16),
			authParams: { m: 1, t: 1, p: 1 },
			authHash: DEMO_AUTH_HASH
		});
		const text = csv + 'staff,,,,,,,,o-sf,demo-x,inspector,true,,,,,,\n';
		const r = await importOrg(db, text, 'csv');
		expect(!r.ok && r.errors).toEqual([
			{ line: csv.split('\n').length, field: 'username', message: '"demo-x" is a demo account and cannot be imported' }
		]);
		expect(await loadOrgData(db)).toEqual(before);
	});

	it('JSON errors name the line of the record and the field', async () => {
		const all = json.split('\n');
		const organLine = all.findIndex((l) => l.includes('"id":"o-sf-c01"')) + 1;
		const text = all
			.map((l, i) => (i === organLine - 1 ? l.replace('"kind":"commission"', '"kind":"committee"') : l))
			.join('\n');
		const r = await importOrg(get().db, text, 'json');
		expect(where(r)).toEqual([`${organLine} kind`]);
		expect(await importOrg(get().db, '{"format":"other","version":1}', 'json').then(where)).toEqual(['1 format']);
		expect(await importOrg(get().db, '{ not json', 'json').then(where)).toEqual(['1 null']);
		expect(await loadOrgData(get().db)).toEqual(before);
	});
});
