/**
 * Public API v1 handler logic (JSON, no cookies), kept apart from the SvelteKit endpoints so it can be
 * tested against a database directly. See docs/api.md.
 */
import * as v from 'valibot';
import type { Db } from '../db/index';
import type { Explanation } from './routing';
import { routeReport } from './routing';
import { searchUnits } from './search';
import { loadRoutingSnapshot } from './store';
import { POSITION_KINDS, REPORT_KINDS } from './types';

export interface ApiError {
	error: { code: string; message: Explanation; field?: string };
}

export interface ApiResult {
	status: number;
	body: unknown;
}

const fail = (status: number, code: string, message: Explanation, field?: string): ApiResult => ({
	status,
	body: { error: field === undefined ? { code, message } : { code, message, field } } satisfies ApiError
});

interface Param<T> {
	schema: v.GenericSchema<string, T>;
	message: Explanation;
}

/** Reads one query parameter; a repeated parameter is refused rather than guessed at. */
function param<T>(
	params: URLSearchParams,
	name: string,
	p: Param<T>,
	fallback?: string
): { ok: true; value: T } | { ok: false; result: ApiResult } {
	const all = params.getAll(name);
	const bad = () => ({ ok: false as const, result: fail(400, 'invalid_parameter', p.message, name) });
	if (all.length > 1) return bad();
	const raw = all[0] ?? fallback;
	if (raw === undefined) return bad();
	const parsed = v.safeParse(p.schema, raw);
	return parsed.success ? { ok: true, value: parsed.output } : bad();
}

const Q: Param<string> = {
	// Control characters (NUL above all, which PostgreSQL text refuses) are never part of a unit name.
	// eslint-disable-next-line no-control-regex -- finding control characters is the point
	schema: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(50), v.regex(/^[^\u0000-\u001f\u007f]*$/)),
	message: {
		zh: '请用参数 q 提供搜索词：单位名称的一部分、拼音或拼音首字母，1 到 50 个字符，不含控制字符。',
		en: 'Give the search term in parameter q: part of a unit name, its pinyin or pinyin initials, 1 to 50 characters, no control characters.'
	}
};
const LIMIT: Param<number> = {
	schema: v.pipe(v.string(), v.regex(/^\d{1,2}$/), v.transform(Number), v.minValue(1), v.maxValue(50)),
	message: { zh: '参数 limit 必须是 1 到 50 之间的整数。', en: 'Parameter limit must be a whole number from 1 to 50.' }
};
const UNIT: Param<string> = {
	schema: v.pipe(v.string(), v.minLength(1), v.maxLength(100), v.regex(/^[A-Za-z0-9_.:-]+$/)),
	message: {
		zh: '请用参数 unit 提供单位编号（单位搜索结果中的 id）。',
		en: 'Give the unit id (the id from a unit search result) in parameter unit.'
	}
};
const POSITION: Param<(typeof POSITION_KINDS)[number]> = {
	schema: v.picklist(POSITION_KINDS),
	message: {
		zh: '参数 position 必须是 top_leader（一把手）、team_member（领导班子成员）或 other_staff（其他干部）。',
		en: 'Parameter position must be top_leader, team_member or other_staff.'
	}
};
const KIND: Param<(typeof REPORT_KINDS)[number]> = {
	schema: v.picklist(REPORT_KINDS),
	message: {
		zh: `参数 kind 必须是以下之一：${REPORT_KINDS.join('、')}。`,
		en: `Parameter kind must be one of ${REPORT_KINDS.join(', ')}.`
	}
};
const ESCALATE: Param<boolean> = {
	schema: v.pipe(
		v.picklist(['0', '1']),
		v.transform((s) => s === '1')
	),
	message: { zh: '参数 escalate 必须是 0 或 1。', en: 'Parameter escalate must be 0 or 1.' }
};

/** GET /api/v1/units?q=...&limit=... -> [{ id, name, level, regionPath }] */
export async function unitsApi(db: Db, params: URLSearchParams): Promise<ApiResult> {
	const q = param(params, 'q', Q);
	if (!q.ok) return q.result;
	const limit = param(params, 'limit', LIMIT, '20');
	if (!limit.ok) return limit.result;
	return { status: 200, body: await searchUnits(db, q.value, limit.value) };
}

/**
 * GET /api/v1/routing?unit=&position=&kind=&escalate= -> the receiving organ and why. Never names staff.
 */
export async function routingApi(db: Db, params: URLSearchParams): Promise<ApiResult> {
	const unit = param(params, 'unit', UNIT);
	if (!unit.ok) return unit.result;
	const position = param(params, 'position', POSITION);
	if (!position.ok) return position.result;
	const kind = param(params, 'kind', KIND);
	if (!kind.ok) return kind.result;
	const escalate = param(params, 'escalate', ESCALATE, '0');
	if (!escalate.ok) return escalate.result;

	const snapshot = await loadRoutingSnapshot(db, unit.value);
	const r = routeReport(snapshot, {
		unitId: unit.value,
		position: position.value,
		kind: kind.value,
		escalate: escalate.value
	});
	if (r.status === 'unknown_unit') return fail(400, 'unknown_unit', r.explanation, 'unit');
	if (r.status === 'no_organ') return fail(409, 'no_receiving_organ', r.explanation);
	const u = snapshot.units.get(r.unitId);
	return {
		status: 200,
		body: {
			unit: u ? { id: u.id, name: u.name, level: u.level, regionPath: u.regionPath } : null,
			position: position.value,
			kind: kind.value,
			escalate: escalate.value,
			organ: { id: r.organ.id, name: r.organ.name, level: r.organ.level },
			deliverable: r.recipients.length > 0,
			explanation: r.explanation
		}
	};
}
