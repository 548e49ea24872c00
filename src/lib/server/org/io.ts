/**
 * Import and export of the whole directory as CSV or JSON. An import is validated completely first
 * (every error, each naming its line and field) and then replaces the directory in one transaction, so a
 * broken file changes nothing.
 *
 * CSV: one file, one record per row, a `type` column saying which kind of record; the header must hold
 * exactly the columns in CSV_COLUMNS (any order). JSON: { format: "qingfeng-org", version: 1, units,
 * organs, jurisdiction, staff, conflicts, posts }, each an array of objects with the same fields in
 * camelCase. Staff are named by their sign-in username (the account must exist and not be a demo account).
 */
import Papa from 'papaparse';
import { inArray } from 'drizzle-orm';
import { ID_PATTERN } from '../../shared/encoding';
import type { Db } from '../db/index';
import { staffUser } from '../db/schema';
import { DEMO_AUTH_HASH, loadOrgData, replaceOrgData } from './store';
import {
	ADMIN_LEVELS,
	ORGAN_KINDS,
	POST_POSITIONS,
	STAFF_ROLES,
	type AdminLevel,
	type Organ,
	type OrgData,
	type OrgUnit,
	type PostPosition,
	type StaffRole
} from './types';

export const RECORD_TYPES = ['unit', 'organ', 'jurisdiction', 'staff', 'conflict', 'post'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export const CSV_COLUMNS = [
	'type',
	'id',
	'parent',
	'name',
	'level',
	'kind',
	'unit',
	'host_unit',
	'organ',
	'username',
	'role',
	'has_key',
	'reason',
	'position',
	'title',
	'holder_name'
] as const;
type Column = (typeof CSV_COLUMNS)[number];

export interface ImportError {
	/** 1-based line in the file where the record starts (1 = the CSV header / the JSON document). */
	line: number;
	field: string | null;
	message: string;
}

export type ImportResult = { ok: true; counts: Record<RecordType, number> } | { ok: false; errors: ImportError[] };

/** One record, whatever the format: column -> text ('' when absent), plus where it came from. */
interface Rec {
	type: string;
	line: number;
	get(c: Column): string;
}

const ID_RE = ID_PATTERN;

// ── Reading ────────────────────────────────────────────────────────────────────────────────────────

function readCsv(text: string, errors: ImportError[]): Rec[] {
	const body = text.replace(/^\uFEFF/, '');
	const rows: { cells: string[]; line: number }[] = [];
	let prevCursor = 0;
	let line = 1;
	Papa.parse<string[]>(body, {
		header: false,
		skipEmptyLines: false,
		step: (r) => {
			const cursor = r.meta.cursor;
			rows.push({ cells: r.data, line });
			line += (body.slice(prevCursor, cursor).match(/\r\n|\n|\r/g) ?? []).length;
			prevCursor = cursor;
		}
	});
	const header = rows.shift();
	if (!header) {
		errors.push({
			line: 1,
			field: null,
			message: 'The file is empty: expected a header line with the columns ' + CSV_COLUMNS.join(',')
		});
		return [];
	}
	const names = header.cells.map((c) => c.trim());
	const index = new Map<string, number>();
	names.forEach((n, i) => {
		if (index.has(n)) errors.push({ line: 1, field: n, message: `Column "${n}" appears twice` });
		index.set(n, i);
	});
	for (const n of names) {
		if (!(CSV_COLUMNS as readonly string[]).includes(n))
			errors.push({ line: 1, field: n, message: `Unknown column "${n}"; expected ${CSV_COLUMNS.join(',')}` });
	}
	for (const c of CSV_COLUMNS) {
		if (!index.has(c)) errors.push({ line: 1, field: c, message: `Missing column "${c}"` });
	}
	if (errors.length > 0) return [];
	const recs: Rec[] = [];
	for (const row of rows) {
		if (row.cells.length === 1 && (row.cells[0] ?? '').trim() === '') continue; // blank line
		if (row.cells.length !== names.length) {
			errors.push({
				line: row.line,
				field: null,
				message: `Expected ${names.length} fields, found ${row.cells.length}`
			});
			continue;
		}
		const get = (c: Column) => (row.cells[index.get(c) ?? -1] ?? '').trim();
		recs.push({ type: get('type'), line: row.line, get });
	}
	return recs;
}

const JSON_FIELDS: Record<RecordType, Partial<Record<Column, string>>> = {
	unit: { id: 'id', parent: 'parentId', name: 'name', level: 'level' },
	organ: {
		id: 'id',
		parent: 'parentOrganId',
		name: 'name',
		level: 'level',
		kind: 'kind',
		unit: 'unitId',
		host_unit: 'hostUnitId'
	},
	jurisdiction: { organ: 'organId', unit: 'unitId' },
	staff: { username: 'username', organ: 'organId', role: 'role', has_key: 'hasKey' },
	conflict: { username: 'username', unit: 'unitId', reason: 'reason' },
	post: { unit: 'unitId', position: 'position', title: 'title', holder_name: 'holderName' }
};
const JSON_ARRAYS: Record<RecordType, string> = {
	unit: 'units',
	organ: 'organs',
	jurisdiction: 'jurisdiction',
	staff: 'staff',
	conflict: 'conflicts',
	post: 'posts'
};

/** Start line of each object directly inside the top-level arrays, in order, per array key. */
function jsonRecordLines(text: string): Map<string, number[]> {
	const out = new Map<string, number[]>();
	let line = 1;
	let depth = 0;
	let inString = false;
	let lastKey = '';
	let keyStart = -1;
	let currentArray = '';
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (ch === '\n') line++;
		if (inString) {
			if (ch === '\\') i++;
			else if (ch === '"') {
				inString = false;
				if (depth === 1) lastKey = text.slice(keyStart, i);
			}
			continue;
		}
		if (ch === '"') {
			inString = true;
			keyStart = i + 1;
		} else if (ch === '{' || ch === '[') {
			if (depth === 1 && ch === '[') currentArray = lastKey;
			if (depth === 2 && ch === '{') {
				const list = out.get(currentArray) ?? [];
				list.push(line);
				out.set(currentArray, list);
			}
			depth++;
		} else if (ch === '}' || ch === ']') depth--;
	}
	return out;
}

function readJson(text: string, errors: ImportError[]): Rec[] {
	let doc: unknown;
	try {
		doc = JSON.parse(text.replace(/^\uFEFF/, ''));
	} catch (e) {
		errors.push({ line: 1, field: null, message: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` });
		return [];
	}
	if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
		errors.push({ line: 1, field: null, message: 'Expected a JSON object with format "qingfeng-org"' });
		return [];
	}
	const d = doc as Record<string, unknown>;
	if (d.format !== 'qingfeng-org')
		errors.push({ line: 1, field: 'format', message: 'Expected "format": "qingfeng-org"' });
	if (d.version !== 1) errors.push({ line: 1, field: 'version', message: 'Expected "version": 1' });
	const lines = jsonRecordLines(text);
	const recs: Rec[] = [];
	for (const type of RECORD_TYPES) {
		const key = JSON_ARRAYS[type];
		const list = d[key];
		if (list === undefined) continue;
		if (!Array.isArray(list)) {
			errors.push({ line: 1, field: key, message: `"${key}" must be an array` });
			continue;
		}
		list.forEach((item, i) => {
			const line = lines.get(key)?.[i] ?? 1;
			if (typeof item !== 'object' || item === null || Array.isArray(item)) {
				errors.push({ line, field: `${key}[${i}]`, message: 'Expected an object' });
				return;
			}
			const obj = item as Record<string, unknown>;
			const fields = JSON_FIELDS[type];
			const allowed = new Set(Object.values(fields));
			for (const k of Object.keys(obj)) {
				if (!allowed.has(k))
					errors.push({ line, field: `${key}[${i}].${k}`, message: `Unknown field "${k}" in ${type}` });
			}
			recs.push({
				type,
				line,
				get: (c) => {
					const f = fields[c];
					const v = f === undefined ? undefined : obj[f];
					if (v === undefined || v === null) return '';
					return typeof v === 'string'
						? v.trim()
						: typeof v === 'boolean' || typeof v === 'number'
							? String(v)
							: '\u0000invalid';
				}
			});
		});
	}
	return recs;
}

// ── Validation ─────────────────────────────────────────────────────────────────────────────────────

interface Parsed {
	data: OrgData;
	usernames: { username: string; line: number; field: string }[];
	/** Records naming staff by username, resolved to ids once the accounts are known. */
	staffRefs: { username: string; organId: string; role: StaffRole; hasKey: boolean }[];
	conflictRefs: { username: string; unitId: string; reason: string }[];
}

function validate(recs: Rec[], errors: ImportError[]): Parsed {
	const data: OrgData = { units: [], organs: [], jurisdiction: [], staff: [], conflicts: [], posts: [] };
	const parsed: Parsed = { data, usernames: [], staffRefs: [], conflictRefs: [] };
	const err = (r: Rec, field: Column | null, message: string) => errors.push({ line: r.line, field, message });
	const required = (r: Rec, c: Column): string => {
		const v = r.get(c);
		if (v === '') err(r, c, `"${c}" is required for a ${r.type} record`);
		else if (v.includes('\u0000')) err(r, c, `"${c}" must be text`);
		return v;
	};
	const id = (r: Rec, c: Column, optional = false): string => {
		const v = optional ? r.get(c) : required(r, c);
		if (v !== '' && !ID_RE.test(v)) err(r, c, `"${v}" is not a valid id (letters, digits, _ . : -, at most 100)`);
		return v;
	};
	const oneOf = <T extends string>(r: Rec, c: Column, list: readonly T[]): T => {
		const v = required(r, c);
		if (v !== '' && !(list as readonly string[]).includes(v)) err(r, c, `"${v}" must be one of ${list.join(', ')}`);
		return v as T;
	};

	const unitLines = new Map<string, Rec>();
	const organLines = new Map<string, Rec>();
	const refs: { r: Rec; c: Column; kind: 'unit' | 'organ'; id: string }[] = [];
	const pairs = new Set<string>();
	for (const r of recs) {
		switch (r.type) {
			case 'unit': {
				const u: OrgUnit = {
					id: id(r, 'id'),
					parentId: id(r, 'parent', true) || null,
					name: required(r, 'name'),
					level: oneOf<AdminLevel>(r, 'level', ADMIN_LEVELS),
					regionPath: ''
				};
				if (u.id && unitLines.has(u.id))
					err(r, 'id', `Duplicate unit id "${u.id}" (first on line ${unitLines.get(u.id)!.line})`);
				else if (u.id) unitLines.set(u.id, r);
				if (u.parentId) refs.push({ r, c: 'parent', kind: 'unit', id: u.parentId });
				data.units.push(u);
				break;
			}
			case 'organ': {
				const o: Organ = {
					id: id(r, 'id'),
					name: required(r, 'name'),
					kind: oneOf(r, 'kind', ORGAN_KINDS),
					level: oneOf<AdminLevel>(r, 'level', ADMIN_LEVELS),
					unitId: id(r, 'unit', true) || null,
					hostUnitId: id(r, 'host_unit', true) || null,
					parentOrganId: id(r, 'parent', true) || null
				};
				if (o.id && organLines.has(o.id))
					err(r, 'id', `Duplicate organ id "${o.id}" (first on line ${organLines.get(o.id)!.line})`);
				else if (o.id) organLines.set(o.id, r);
				if (o.unitId) refs.push({ r, c: 'unit', kind: 'unit', id: o.unitId });
				if (o.hostUnitId) refs.push({ r, c: 'host_unit', kind: 'unit', id: o.hostUnitId });
				if (o.hostUnitId && o.kind === 'commission') err(r, 'host_unit', 'Only a stationed_team has a host unit');
				if (o.parentOrganId) refs.push({ r, c: 'parent', kind: 'organ', id: o.parentOrganId });
				data.organs.push(o);
				break;
			}
			case 'jurisdiction': {
				const j = { organId: id(r, 'organ'), unitId: id(r, 'unit') };
				if (pairs.has(`j ${j.organId} ${j.unitId}`))
					err(r, 'unit', `Duplicate jurisdiction ${j.organId} -> ${j.unitId}`);
				pairs.add(`j ${j.organId} ${j.unitId}`);
				refs.push({ r, c: 'organ', kind: 'organ', id: j.organId }, { r, c: 'unit', kind: 'unit', id: j.unitId });
				data.jurisdiction.push(j);
				break;
			}
			case 'staff': {
				const username = required(r, 'username').toLowerCase();
				const organId = id(r, 'organ');
				const role = oneOf<StaffRole>(r, 'role', STAFF_ROLES);
				const hk = r.get('has_key').toLowerCase();
				if (!['true', 'false', '1', '0', ''].includes(hk)) err(r, 'has_key', `"${hk}" must be true or false`);
				if (pairs.has(`s ${username} ${organId}`))
					err(r, 'username', `Duplicate membership of ${username} in ${organId}`);
				pairs.add(`s ${username} ${organId}`);
				refs.push({ r, c: 'organ', kind: 'organ', id: organId });
				parsed.usernames.push({ username, line: r.line, field: 'username' });
				parsed.staffRefs.push({ username, organId, role, hasKey: hk === 'true' || hk === '1' });
				break;
			}
			case 'conflict': {
				const username = required(r, 'username').toLowerCase();
				const unitId = id(r, 'unit');
				const reason = required(r, 'reason');
				if (pairs.has(`c ${username} ${unitId}`)) err(r, 'unit', `Duplicate conflict of ${username} for ${unitId}`);
				pairs.add(`c ${username} ${unitId}`);
				refs.push({ r, c: 'unit', kind: 'unit', id: unitId });
				parsed.usernames.push({ username, line: r.line, field: 'username' });
				parsed.conflictRefs.push({ username, unitId, reason });
				break;
			}
			case 'post': {
				const unitId = id(r, 'unit');
				refs.push({ r, c: 'unit', kind: 'unit', id: unitId });
				data.posts.push({
					unitId,
					position: oneOf<PostPosition>(r, 'position', POST_POSITIONS),
					title: required(r, 'title'),
					holderName: r.get('holder_name') || null
				});
				break;
			}
			default:
				err(r, 'type', `Unknown record type "${r.type}"; expected ${RECORD_TYPES.join(', ')}`);
		}
	}
	for (const ref of refs) {
		const known = ref.kind === 'unit' ? unitLines : organLines;
		if (ref.id && ID_RE.test(ref.id) && !known.has(ref.id)) err(ref.r, ref.c, `Unknown ${ref.kind} "${ref.id}"`);
	}
	const ownUnits = new Map<string, Rec>();
	for (const o of data.organs) {
		if (!o.unitId) continue;
		const r = organLines.get(o.id);
		const first = ownUnits.get(o.unitId);
		if (first && r) err(r, 'unit', `Unit "${o.unitId}" is already the own unit of the organ on line ${first.line}`);
		else if (r) ownUnits.set(o.unitId, r);
	}
	findCycles(data.units, (u) => u.parentId, unitLines, 'unit', errors);
	findCycles(data.organs, (o) => o.parentOrganId, organLines, 'organ', errors);

	// Region paths from the names, now that the tree is known to be sound.
	if (errors.length === 0) {
		const byId = new Map(data.units.map((u) => [u.id, u] as const));
		const path = (u: OrgUnit): string => {
			if (u.regionPath) return u.regionPath;
			const p = u.parentId ? byId.get(u.parentId) : undefined;
			u.regionPath = p ? `${path(p)}/${u.name}` : u.name;
			return u.regionPath;
		};
		data.units.forEach(path);
	}
	return parsed;
}

function findCycles<T extends { id: string }>(
	items: T[],
	parentOf: (t: T) => string | null,
	lines: Map<string, Rec>,
	what: string,
	errors: ImportError[]
): void {
	const byId = new Map(items.map((t) => [t.id, t] as const));
	const state = new Map<string, 'open' | 'done'>();
	for (const start of items) {
		const trail: string[] = [];
		let cur: T | undefined = start;
		while (cur && !state.has(cur.id)) {
			state.set(cur.id, 'open');
			trail.push(cur.id);
			const p = parentOf(cur);
			cur = p ? byId.get(p) : undefined;
		}
		if (cur && state.get(cur.id) === 'open') {
			const cycle = trail.slice(trail.indexOf(cur.id));
			const line = Math.min(...cycle.map((id) => lines.get(id)?.line ?? Infinity));
			errors.push({ line, field: 'parent', message: `Cycle in the ${what} tree: ${[...cycle, cur.id].join(' -> ')}` });
		}
		for (const id of trail) state.set(id, 'done');
	}
}

// ── Import / export ────────────────────────────────────────────────────────────────────────────────

export type OrgFormat = 'csv' | 'json';

export function formatOf(fileName: string): OrgFormat | null {
	const lower = fileName.toLowerCase();
	return lower.endsWith('.csv') ? 'csv' : lower.endsWith('.json') ? 'json' : null;
}

/**
 * Validates `text` completely; when it is sound, replaces the whole directory with it in one
 * transaction. On any error nothing is written and every error is returned, sorted by line.
 */
export async function importOrg(db: Db, text: string, format: OrgFormat): Promise<ImportResult> {
	const errors: ImportError[] = [];
	const recs = format === 'csv' ? readCsv(text, errors) : readJson(text, errors);
	const parsed = validate(recs, errors);

	const names = [...new Set(parsed.usernames.map((u) => u.username))];
	const accounts = new Map<string, { id: string; demo: boolean }>();
	for (let i = 0; i < names.length; i += 1000) {
		const rows = await db
			.select({ id: staffUser.id, username: staffUser.username, authHash: staffUser.authHash })
			.from(staffUser)
			.where(inArray(staffUser.username, names.slice(i, i + 1000)));
		for (const r of rows) accounts.set(r.username, { id: r.id, demo: r.authHash === DEMO_AUTH_HASH });
	}
	for (const u of parsed.usernames) {
		const a = accounts.get(u.username);
		if (!a) errors.push({ line: u.line, field: u.field, message: `No staff account "${u.username}"` });
		else if (a.demo)
			errors.push({
				line: u.line,
				field: u.field,
				message: `"${u.username}" is a demo account and cannot be imported`
			});
	}
	if (errors.length > 0) {
		errors.sort((a, b) => a.line - b.line);
		return { ok: false, errors };
	}
	const data = parsed.data;
	for (const s of parsed.staffRefs)
		data.staff.push({ id: accounts.get(s.username)!.id, organId: s.organId, role: s.role, hasKey: s.hasKey });
	for (const c of parsed.conflictRefs)
		data.conflicts.push({ staffId: accounts.get(c.username)!.id, unitId: c.unitId, reason: c.reason });
	await replaceOrgData(db, data, { demo: false });
	return {
		ok: true,
		counts: {
			unit: data.units.length,
			organ: data.organs.length,
			jurisdiction: data.jurisdiction.length,
			staff: data.staff.length,
			conflict: data.conflicts.length,
			post: data.posts.length
		}
	};
}

/** The whole directory as CSV or JSON, in the form importOrg reads back. */
export async function exportOrg(db: Db, format: OrgFormat): Promise<string> {
	const data = await loadOrgData(db);
	const ids = [...new Set([...data.staff.map((s) => s.id), ...data.conflicts.map((c) => c.staffId)])];
	const usernames = new Map<string, string>();
	for (let i = 0; i < ids.length; i += 1000) {
		const rows = await db
			.select({ id: staffUser.id, username: staffUser.username })
			.from(staffUser)
			.where(inArray(staffUser.id, ids.slice(i, i + 1000)));
		for (const r of rows) usernames.set(r.id, r.username);
	}
	const records: Record<RecordType, Record<string, string | boolean | null>[]> = {
		unit: data.units.map((u) => ({ id: u.id, parentId: u.parentId, name: u.name, level: u.level })),
		organ: data.organs.map((o) => ({
			id: o.id,
			name: o.name,
			kind: o.kind,
			level: o.level,
			unitId: o.unitId,
			hostUnitId: o.hostUnitId,
			parentOrganId: o.parentOrganId
		})),
		jurisdiction: data.jurisdiction.map((j) => ({ organId: j.organId, unitId: j.unitId })),
		staff: data.staff.map((s) => ({
			username: usernames.get(s.id) ?? s.id,
			organId: s.organId,
			role: s.role,
			hasKey: s.hasKey
		})),
		conflict: data.conflicts.map((c) => ({
			username: usernames.get(c.staffId) ?? c.staffId,
			unitId: c.unitId,
			reason: c.reason
		})),
		post: data.posts.map((p) => ({ unitId: p.unitId, position: p.position, title: p.title, holderName: p.holderName }))
	};
	if (format === 'json') {
		// One record per line, so import errors can name lines in an exported and edited file.
		const parts = RECORD_TYPES.map((t) => {
			const list = records[t].map((r) => `    ${JSON.stringify(r)}`).join(',\n');
			return `  ${JSON.stringify(JSON_ARRAYS[t])}: [${list ? `\n${list}\n  ` : ''}]`;
		});
		return `{\n  "format": "qingfeng-org",\n  "version": 1,\n${parts.join(',\n')}\n}\n`;
	}
	const rows: string[][] = [];
	for (const t of RECORD_TYPES) {
		const fields = JSON_FIELDS[t];
		for (const r of records[t]) {
			rows.push(
				CSV_COLUMNS.map((c) => {
					if (c === 'type') return t;
					const f = fields[c];
					const v = f === undefined ? null : r[f];
					return v === null || v === undefined ? '' : String(v);
				})
			);
		}
	}
	return Papa.unparse({ fields: [...CSV_COLUMNS], data: rows }, { newline: '\n' }) + '\n';
}
