import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
	ADMIN_LEVELS,
	MANAGED_BY,
	ORGAN_KINDS,
	POST_POSITIONS,
	STAFF_ROLES,
	UNIT_TYPES
} from '$lib/shared/vocabulary/org';
import { CATEGORIES, MESSAGE_AUTHORS, POSITION_KINDS, PUBLIC_STATUSES } from '$lib/shared/vocabulary/report';
import {
	DISPOSITIONS,
	HOLIDAY_KINDS,
	LINK_KINDS,
	OUTCOME_CODES,
	WORKFLOW_STATES
} from '$lib/shared/vocabulary/workflow';
import { FINISHED_STATES } from '$lib/server/backoffice/stats-queries';
import { ROLLUP_LEVELS } from '$lib/server/backoffice/stats-rollup';
import { rowsOf } from '$lib/server/org/sql';
import { describeDb } from '$support/db';
import { inList } from './checks';

/** Every CHECK of a code column, with the vocabulary it must list (src/lib/shared/vocabulary). */
const CHECKS: [name: string, codes: readonly string[]][] = [
	['org_unit_level_check', ADMIN_LEVELS],
	['org_unit_type_check', UNIT_TYPES],
	['post_management_position_check', POSITION_KINDS],
	['post_management_managed_by_check', MANAGED_BY],
	['discipline_organ_level_check', ADMIN_LEVELS],
	['discipline_organ_kind_check', ORGAN_KINDS],
	['leadership_post_position_check', POST_POSITIONS],
	['organ_staff_role_check', STAFF_ROLES],
	['report_public_status_check', PUBLIC_STATUSES],
	['report_position_check', POSITION_KINDS],
	['report_category_check', CATEGORIES],
	['report_state_check', WORKFLOW_STATES],
	['report_disposition_check', DISPOSITIONS],
	['report_outcome_check', OUTCOME_CODES],
	['report_message_author_check', MESSAGE_AUTHORS],
	['report_link_kind_check', LINK_KINDS],
	['holiday_kind_check', HOLIDAY_KINDS]
];

/** The quoted codes of a SQL text, in order. */
const quoted = (text: string) => [...text.matchAll(/'([a-z0-9_:]+)'/g)].map((m) => m[1]);

describe('inList', () => {
	it('writes the list the hand-written CHECKs had, and refuses anything but codes', () => {
		expect(inList(['holiday', 'workday']).queryChunks).toEqual(sql.raw(`('holiday', 'workday')`).queryChunks);
		expect(() => inList([])).toThrow();
		expect(() => inList(["x'); drop table report; --"])).toThrow('not a code');
	});
});

describe('migration 0006 (hand-written SQL) and the vocabularies', () => {
	const text = readFileSync(path.resolve(__dirname, '../../../../../drizzle/0006_stats_rollup.sql'), 'utf8');

	it('report_stats_open() treats as finished exactly the states of the closed and after stages', () => {
		const m = /CREATE OR REPLACE FUNCTION report_stats_open[\s\S]*?NOT IN \(([^)]*)\)/.exec(text);
		expect(m).not.toBeNull();
		expect(quoted(m![1]!).sort()).toEqual([...FINISHED_STATES].sort());
	});

	it('the month roll-up covers exactly the levels whose organs read it', () => {
		const m = /s\.level IN \(([^)]*)\)/.exec(text);
		expect(m).not.toBeNull();
		expect(quoted(m![1]!)).toEqual([...ROLLUP_LEVELS]);
	});
});

describeDb('the CHECKs of code columns', (get) => {
	it('list exactly the codes of their vocabularies', async () => {
		const rows = rowsOf<{ name: string; def: string }>(
			await get().db.execute(
				sql`select conname as name, pg_get_constraintdef(oid) as def from pg_constraint where contype = 'c'`
			)
		);
		const defs = new Map(rows.map((r) => [r.name, r.def]));
		for (const [name, codes] of CHECKS) {
			expect(defs.has(name), name).toBe(true);
			expect(quoted(defs.get(name)!).sort(), name).toEqual([...codes].sort());
		}
	});

	it('report_stats_open() in the database agrees for every state', async () => {
		const rows = rowsOf<{ state: string; open: boolean }>(
			await get().db.execute(
				sql`select s as state, report_stats_open(s) as open from unnest(${`{${WORKFLOW_STATES.join(',')}}`}::text[]) s`
			)
		);
		expect(rows).toHaveLength(WORKFLOW_STATES.length);
		for (const r of rows) expect(r.open, r.state).toBe(!FINISHED_STATES.includes(r.state as never));
	});

	it('refuse a code outside the vocabulary in every report column that has one', async () => {
		const { db } = get();
		const base = {
			locator: 'CHECKS0001',
			unit: 'u-1',
			position: 'top_leader',
			category: 'integrity',
			state: 'received',
			disposition: null as string | null,
			outcome: null as string | null
		};
		const insert = (r: typeof base) =>
			db.execute(sql`insert into report (locator, unit_id, position, category, real_name, escalate, organ_id,
				received_on, content, content_bytes, kdf_spec, auth_hash, receipt_wrapped, state, disposition, outcome)
				values (${r.locator}, ${r.unit}, ${r.position}, ${r.category}, false, false, 'o-1', '2026-01-05',
				'\\x00'::bytea, 1, '\\x00'::bytea, '\\x00'::bytea, '\\x00'::bytea, ${r.state}, ${r.disposition}, ${r.outcome})`);
		for (const [field, bad] of [
			['position', 'mayor'],
			['category', 'gossip'],
			['state', 'lost'],
			['disposition', 'shred'],
			['outcome', 'handled:form5']
		] as const) {
			await expect(insert({ ...base, [field]: bad }), field).rejects.toThrow();
		}
		await insert({ ...base, disposition: 'close', outcome: 'handled:form4' });
		const [row] = rowsOf<{ n: number }>(
			await db.execute(sql`select count(*)::int as n from report where locator = ${base.locator}`)
		);
		expect(row?.n).toBe(1);
	});
});
