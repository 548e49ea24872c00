/**
 * The public query endpoints of the directory (docs/api.md), as typed results (src/lib/server/http/
 * result.ts): unit search and the routing preview. Since issue 14 they take POST bodies, so that no unit,
 * post or organ ever sits in a URL (proxy logs, browser history); the GET forms answer 410 pointing at
 * the POST ones (`gone`). A body's fields are checked exactly as the query parameters were (same names,
 * same messages). `unitsApi` and `routingApi` give the answers as plain `{ status, body }` values (tests,
 * the benchmark); `unitsPost`, `routingPost` and `bodyParams` serve the endpoints.
 */
import * as v from 'valibot';
import { ID_PATTERN } from '../../shared/encoding';
import { POSITION_KINDS, REPORT_KINDS } from '../../shared/vocabulary/report';
import type { RoutingAnswer, UnitHit } from '../../shared/wire/public';
import type { Db } from '../db/index';
import { answerOf, fail, type Answer } from '../http/answer';
import { parseJson, type BodySource } from '../http/body';
import { PARAMETER_MESSAGES, type ParameterKey } from '../http/messages';
import { ok, refuse, type Result } from '../http/result';
import { routeReport } from './routing';
import { unitById } from './posters';
import { searchUnits } from './search';
import { loadRoutingSnapshot } from './store';

/**
 * Reads one query parameter against its schema; a missing, malformed or repeated one (never guessed at)
 * is `invalid_parameter` naming it, with the message of PARAMETER_MESSAGES[`key`].
 */
function param<T>(
	params: URLSearchParams,
	key: ParameterKey,
	schema: v.GenericSchema<string, T>,
	fallback?: string
): Result<T, 'invalid_parameter'> {
	const name = key.slice(key.indexOf('.') + 1);
	const all = params.getAll(name);
	const bad = refuse('invalid_parameter', { field: name, message: PARAMETER_MESSAGES[key] });
	if (all.length > 1) return bad;
	const raw = all[0] ?? fallback;
	if (raw === undefined) return bad;
	const parsed = v.safeParse(schema, raw);
	return parsed.success ? ok(parsed.output) : bad;
}

// Control characters (NUL above all, which PostgreSQL text refuses) are never part of a unit name.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const Q = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(50), v.regex(/^[^\u0000-\u001f\u007f]*$/));
const LIMIT = v.pipe(v.string(), v.regex(/^\d{1,2}$/), v.transform(Number), v.minValue(1), v.maxValue(50));
const UNIT = v.pipe(v.string(), v.regex(ID_PATTERN));
const POSITION = v.picklist(POSITION_KINDS);
const KIND = v.picklist(REPORT_KINDS);
const BY_REGION_MESSAGE = {
	zh: '参数 byRegion 必须是 true 或 false。',
	en: 'Parameter byRegion must be true or false.'
};
const ESCALATE = v.pipe(
	v.picklist(['0', '1']),
	v.transform((s) => s === '1')
);

/**
 * POST /api/v1/units { q, limit? }: units by name, pinyin or initials; or { id }: that one unit (`[]` when
 * unknown), for the report form opened from a poster's QR code (`/report#u=<id>`, issue 22): the id travels
 * in the body, never in a URL.
 */
export async function findUnits(db: Db, params: URLSearchParams): Promise<Result<UnitHit[], 'invalid_parameter'>> {
	if (params.has('id') && !params.has('q')) {
		const id = param(params, 'units.id', UNIT);
		if (!id.ok) return id;
		return ok(await unitById(db, id.value));
	}
	const q = param(params, 'units.q', Q);
	if (!q.ok) return q;
	const limit = param(params, 'units.limit', LIMIT, '20');
	if (!limit.ok) return limit;
	return ok(await searchUnits(db, q.value, limit.value));
}

/**
 * POST /api/v1/routing { unit, position, escalate?, byRegion? }: the receiving organ and why. Never
 * names staff. byRegion: the reporter could not find the unit and chose this region instead (docs/org.md).
 * A unit routing does not know, or one no organ covers, is refused with routing's own explanation.
 */
export async function previewRouting(
	db: Db,
	params: URLSearchParams
): Promise<Result<RoutingAnswer, 'invalid_parameter' | 'unknown_unit' | 'no_receiving_organ'>> {
	const unit = param(params, 'routing.unit', UNIT);
	if (!unit.ok) return unit;
	const position = param(params, 'routing.position', POSITION);
	if (!position.ok) return position;
	// `kind` is still accepted from clients of before (checked, then ignored): routing depends on the target
	// post, never on the report kind, which is inside the ciphertext only (issue 19).
	const kind = param(params, 'routing.kind', KIND, 'public_tip');
	if (!kind.ok) return kind;
	const escalate = param(params, 'routing.escalate', ESCALATE, '0');
	if (!escalate.ok) return escalate;
	const regions = params.getAll('byRegion');
	if (regions.length > 1 || (regions[0] !== undefined && regions[0] !== '0' && regions[0] !== '1'))
		return refuse('invalid_parameter', { field: 'byRegion', message: BY_REGION_MESSAGE });
	const byRegion = regions[0] === '1';

	const snapshot = await loadRoutingSnapshot(db, unit.value);
	const r = routeReport(snapshot, {
		unitId: unit.value,
		position: position.value,
		escalate: escalate.value,
		...(byRegion ? { byRegion } : {})
	});
	if (r.status === 'unknown_unit') return refuse('unknown_unit', { field: 'unit', message: r.explanation });
	if (r.status === 'no_organ') return refuse('no_receiving_organ', { message: r.explanation });
	const u = snapshot.units.get(r.unitId);
	return ok({
		unit: u ? { id: u.id, name: u.name, level: u.level, regionPath: u.regionPath } : null,
		position: position.value,
		escalate: escalate.value,
		organ: { id: r.organ.id, name: r.organ.name, level: r.organ.level },
		deliverable: r.recipients.length > 0,
		explanation: r.explanation
	});
}

/** `findUnits` as a `{ status, body }` answer. */
export async function unitsApi(db: Db, params: URLSearchParams): Promise<Answer> {
	return answerOf(await findUnits(db, params));
}

/** `previewRouting` as a `{ status, body }` answer. */
export async function routingApi(db: Db, params: URLSearchParams): Promise<Answer> {
	return answerOf(await previewRouting(db, params));
}

/**
 * A JSON body's fields as the parameters the checks above read: strings as they are, numbers as digits,
 * booleans as 1/0, arrays as repeated values (refused as repeated); anything else is left out, so the
 * check of that field refuses it.
 */
export function bodyParams(body: Readonly<Record<string, unknown>>): URLSearchParams {
	const out = new URLSearchParams();
	const add = (k: string, x: unknown) => {
		if (typeof x === 'string') out.append(k, x);
		else if (typeof x === 'number' && Number.isFinite(x)) out.append(k, String(x));
		else if (typeof x === 'boolean') out.append(k, x ? '1' : '0');
		else out.append(k, '\u0000');
	};
	for (const [k, x] of Object.entries(body)) {
		if (Array.isArray(x)) for (const y of x) add(k, y);
		else add(k, x);
	}
	return out;
}

const BODY = v.record(v.string(), v.unknown());

/** Reads a POST body of the public query endpoints as parameters, or the refusal to answer. */
export async function readQueryBody(source: Request | BodySource): Promise<URLSearchParams | Answer> {
	const body = await parseJson(source, BODY);
	return body.ok ? bodyParams(body.value) : answerOf(body);
}

/** POST /api/v1/units. */
export async function unitsPost(db: Db, source: Request | BodySource): Promise<Answer> {
	const params = await readQueryBody(source);
	return params instanceof URLSearchParams ? unitsApi(db, params) : params;
}

/** POST /api/v1/routing. */
export async function routingPost(db: Db, source: Request | BodySource): Promise<Answer> {
	const params = await readQueryBody(source);
	return params instanceof URLSearchParams ? routingApi(db, params) : params;
}

/**
 * The answer of a GET form that moved to POST (issue 14): 410 Gone, naming the endpoint to use, so the
 * query (a unit, a post, an organ) never travels in a URL again.
 */
export function gone(use: string): Answer {
	return fail(
		410,
		'not_found',
		undefined,
		{ use },
		{
			zh: `这个查询已改为 ${use}（内容放在请求正文中），以免单位、职务或机关出现在网址里。`,
			en: `This query moved to ${use} (fields in the request body), so that no unit, post or organ appears in a URL.`
		}
	);
}
