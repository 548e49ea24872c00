/**
 * Import and export of the whole directory as CSV or JSON. An import is validated completely first
 * (every error, each naming its line and field) and then replaces the directory in one transaction, so a
 * broken file changes nothing.
 *
 * The format (CSV columns, JSON fields) is ./io-format.ts and docs/org.md; validation ./io-validate.ts.
 * Staff are named by their sign-in username (the account must exist and not be a demo account).
 */
import Papa from 'papaparse';
import { inArray } from 'drizzle-orm';
import type { Db } from '../db/index';
import { staffUser } from '../db/schema';
import { DEMO_AUTH_HASH, loadOrgData, replaceOrgData } from './store';
import {
	CSV_COLUMNS,
	JSON_ARRAYS,
	JSON_FIELDS,
	readCsv,
	readJson,
	RECORD_TYPES,
	type ImportError,
	type ImportResult,
	type RecordType
} from './io-format';
import { validate } from './io-validate';
import { auditDropped, snapshotForAudit } from './io-audit';

export { CSV_COLUMNS, RECORD_TYPES, type ImportError, type ImportResult, type RecordType } from './io-format';

export type OrgFormat = 'csv' | 'json';

export function formatOf(fileName: string): OrgFormat | null {
	const lower = fileName.toLowerCase();
	return lower.endsWith('.csv') ? 'csv' : lower.endsWith('.json') ? 'json' : null;
}

/**
 * Validates `text` completely; when it is sound, replaces the whole directory with it in one
 * transaction. On any error nothing is written and every error is returned, sorted by line. A successful
 * import logs the conflict declarations and memberships it dropped, by id (./io-audit.ts), as `actor`.
 */
export async function importOrg(db: Db, text: string, format: OrgFormat, actor = 'system'): Promise<ImportResult> {
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
	const before = await snapshotForAudit(db);
	await replaceOrgData(db, data, { demo: false });
	await auditDropped(db, actor, before, data);
	return {
		ok: true,
		counts: {
			unit: data.units.length,
			organ: data.organs.length,
			jurisdiction: data.jurisdiction.length,
			staff: data.staff.length,
			conflict: data.conflicts.length,
			post: data.posts.length,
			management: data.management?.length ?? 0
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
	const records: Record<RecordType, Record<string, string | number | boolean | null>[]> = {
		unit: data.units.map((u) => ({
			id: u.id,
			parentId: u.parentId,
			name: u.name,
			level: u.level,
			type: u.type ?? null,
			...(u.headcount ? { headcount: u.headcount } : {})
		})),
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
		post: data.posts.map((p) => ({ unitId: p.unitId, position: p.position, title: p.title, holderName: p.holderName })),
		management: (data.management ?? []).map((x) => ({
			unitId: x.unitId,
			position: x.position,
			managedBy: x.managedBy,
			organId: x.organId
		}))
	};
	if (format === 'json') {
		// One record per line, so import errors can name lines in an exported and edited file.
		const parts = RECORD_TYPES.map((t) => {
			const list = records[t].map((r) => `    ${JSON.stringify(r)}`).join(',\n');
			return `  ${JSON.stringify(JSON_ARRAYS[t])}: [${list ? `\n${list}\n  ` : ''}]`;
		});
		return `{\n  "format": "qingfeng-org",\n  "version": 1,\n${parts.join(',\n')}\n}\n`;
	}
	// The headcount column (issue 18) only when some unit has one: files stay as they were otherwise.
	const columns = data.units.some((u) => u.headcount) ? CSV_COLUMNS : CSV_COLUMNS.filter((c) => c !== 'headcount');
	const rows: string[][] = [];
	for (const t of RECORD_TYPES) {
		const fields = JSON_FIELDS[t];
		for (const r of records[t]) {
			rows.push(
				columns.map((c) => {
					if (c === 'type') return t;
					const f = fields[c];
					const v = f === undefined ? null : r[f];
					return v === null || v === undefined ? '' : String(v);
				})
			);
		}
	}
	return Papa.unparse({ fields: [...columns], data: rows }, { newline: '\n' }) + '\n';
}
