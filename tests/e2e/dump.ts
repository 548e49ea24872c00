/**
 * Everything a stopped test server stored, as text to search: a full SQL dump of its database and, on
 * PGlite, the raw bytes of its data folder. Used by the canary test (architecture invariant 1).
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Server } from './harness';

const run = promisify(execFile);

/** Every row of every table of the user schemas, one `table: json` line each (bytea as \x hex). */
const ROWS_SQL = `
select n.nspname as schema, c.relname as name
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%' and n.nspname not like 'pg_temp%'
order by 1, 2`;

export interface Queryable {
	query<T>(sql: string): Promise<{ rows: T[] }>;
}

export async function rowsDump(q: Queryable): Promise<string> {
	const tables = (await q.query<{ schema: string; name: string }>(ROWS_SQL)).rows;
	const out: string[] = [];
	for (const t of tables) {
		const ident = `"${t.schema.replaceAll('"', '""')}"."${t.name.replaceAll('"', '""')}"`;
		const rows = (await q.query<{ j: string }>(`select row_to_json(x)::text as j from ${ident} x`)).rows;
		for (const r of rows) out.push(`${t.schema}.${t.name}: ${r.j}`);
	}
	return out.join('\n');
}

export interface StorageDump {
	/** Row dump (both backends) plus `pg_dump` output on PostgreSQL. */
	sql: string;
	/** Raw bytes of every file in the PGlite data folder (empty on PostgreSQL). */
	files: Buffer;
	tables: number;
}

/** Dumps a stopped server's storage (start it with `keepStorage: true`). */
export async function dumpStorage(server: Server): Promise<StorageDump> {
	if (server.databaseUrl) {
		const { default: postgres } = await import('postgres');
		const sql = postgres(server.databaseUrl, { max: 1, onnotice: () => {} });
		let rows: string;
		try {
			rows = await rowsDump({
				query: async <T>(text: string) => ({ rows: (await sql.unsafe(text)) as unknown as T[] })
			});
		} finally {
			await sql.end({ timeout: 5 });
		}
		const { stdout } = await run('pg_dump', ['--no-owner', '--dbname', server.databaseUrl], { maxBuffer: 1 << 30 });
		return { sql: `${rows}\n${stdout}`, files: Buffer.alloc(0), tables: rows.split('\n').length };
	}
	const dir = server.dataDir!;
	const { PGlite } = await import('@electric-sql/pglite');
	const db = await PGlite.create({ dataDir: dir });
	let rows: string;
	try {
		rows = await rowsDump({ query: async <T>(text: string) => ({ rows: (await db.query<T>(text)).rows }) });
	} finally {
		await db.close();
	}
	const parts: Buffer[] = [];
	const walk = (d: string) => {
		for (const name of readdirSync(d)) {
			const p = path.join(d, name);
			const s = statSync(p);
			if (s.isDirectory()) walk(p);
			else if (s.isFile()) parts.push(readFileSync(p));
		}
	};
	walk(dir);
	return { sql: rows, files: Buffer.concat(parts), tables: rows.split('\n').length };
}

/**
 * The forms a string could take in storage or logs: UTF-8 text, hex of UTF-8 (bytea), UTF-16 LE/BE,
 * base64 and base64url at each of the three byte alignments (only the characters that do not depend on
 * the neighbouring bytes), JSON-escaped.
 */
export function canaryForms(canary: string): { label: string; bytes: Buffer }[] {
	const utf8 = Buffer.from(canary, 'utf8');
	const forms: { label: string; bytes: Buffer }[] = [
		{ label: 'utf-8', bytes: utf8 },
		{ label: 'hex', bytes: Buffer.from(utf8.toString('hex'), 'latin1') },
		{ label: 'HEX', bytes: Buffer.from(utf8.toString('hex').toUpperCase(), 'latin1') },
		{ label: 'utf-16le', bytes: Buffer.from(canary, 'utf16le') },
		{ label: 'utf-16be', bytes: Buffer.from(canary, 'utf16le').swap16() },
		{ label: 'json', bytes: Buffer.from(JSON.stringify(canary).slice(1, -1), 'utf8') }
	];
	for (let k = 0; k < 3; k++) {
		const b64 = Buffer.concat([Buffer.alloc(k), utf8]).toString('base64');
		// Skip the characters that mix in the k filler bytes and the last group (padding or neighbours).
		const start = Math.ceil((k * 8) / 6) + (k === 0 ? 0 : 1);
		const stable = b64.slice(start, b64.length - 4);
		if (stable.length >= 8) {
			forms.push({ label: `base64+${k}`, bytes: Buffer.from(stable, 'latin1') });
			forms.push({
				label: `base64url+${k}`,
				bytes: Buffer.from(stable.replaceAll('+', '-').replaceAll('/', '_'), 'latin1')
			});
		}
	}
	return forms;
}

/** Which forms of `canary` occur in `haystack` (empty when none). */
export function findCanary(haystack: Buffer | string, canary: string): string[] {
	const hay = typeof haystack === 'string' ? Buffer.from(haystack, 'utf8') : haystack;
	return canaryForms(canary)
		.filter((f) => hay.includes(f.bytes))
		.map((f) => f.label);
}
