/**
 * The directory's import format (docs/org.md): record types, CSV columns, the JSON field of each column,
 * and reading a CSV or JSON file into records that name their line. Validation is ./io-validate.ts,
 * import and export ./io.ts.
 *
 * CSV: one file, one record per row, a `type` column saying which kind of record; the header holds the
 * columns in CSV_COLUMNS (any order; those in OPTIONAL_COLUMNS may be left out, as in files written
 * before they existed). JSON: { format: "qingfeng-org", version: 1, units, organs, jurisdiction, staff,
 * conflicts, posts, management }, each an array of objects with the same fields in camelCase.
 */
import Papa from 'papaparse';
import { ID_PATTERN } from '../../shared/encoding';

export const RECORD_TYPES = ['unit', 'organ', 'jurisdiction', 'staff', 'conflict', 'post', 'management'] as const;
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
	'holder_name',
	'unit_type',
	'managed_by',
	'headcount'
] as const;
export type Column = (typeof CSV_COLUMNS)[number];
/** Columns added by issue 14: a file without them still imports (unit types are then inferred). */
export const OPTIONAL_COLUMNS: readonly Column[] = ['unit_type', 'managed_by', 'headcount'];

export interface ImportError {
	/** 1-based line in the file where the record starts (1 = the CSV header / the JSON document). */
	line: number;
	field: string | null;
	message: string;
}

export type ImportResult = { ok: true; counts: Record<RecordType, number> } | { ok: false; errors: ImportError[] };

/** One record, whatever the format: column -> text ('' when absent), plus where it came from. */
export interface Rec {
	type: string;
	line: number;
	get(c: Column): string;
}

export const ID_RE = ID_PATTERN;

export function readCsv(text: string, errors: ImportError[]): Rec[] {
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
		if (!index.has(c) && !OPTIONAL_COLUMNS.includes(c))
			errors.push({ line: 1, field: c, message: `Missing column "${c}"` });
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

export const JSON_FIELDS: Record<RecordType, Partial<Record<Column, string>>> = {
	unit: { id: 'id', parent: 'parentId', name: 'name', level: 'level', unit_type: 'type', headcount: 'headcount' },
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
	post: { unit: 'unitId', position: 'position', title: 'title', holder_name: 'holderName' },
	management: { unit: 'unitId', position: 'position', managed_by: 'managedBy', organ: 'organId' }
};
export const JSON_ARRAYS: Record<RecordType, string> = {
	unit: 'units',
	organ: 'organs',
	jurisdiction: 'jurisdiction',
	staff: 'staff',
	conflict: 'conflicts',
	post: 'posts',
	management: 'management'
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

export function readJson(text: string, errors: ImportError[]): Rec[] {
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
