/**
 * The public query endpoints of the directory (docs/api.md), as typed results (src/lib/server/http/
 * result.ts): unit search and the routing preview. The SvelteKit endpoints turn them into answers with
 * `toResponse`; /where reads them directly. `unitsApi` and `routingApi` give the same answers as plain
 * `{ status, body }` values (tests, the benchmark).
 */
import * as v from 'valibot';
import { ID_PATTERN } from '../../shared/encoding';
import { POSITION_KINDS, REPORT_KINDS } from '../../shared/vocabulary/report';
import type { RoutingAnswer, UnitHit } from '../../shared/wire/public';
import type { Db } from '../db/index';
import { answerOf, type Answer } from '../http/answer';
import { PARAMETER_MESSAGES, type ParameterKey } from '../http/messages';
import { ok, refuse, type Result } from '../http/result';
import { routeReport } from './routing';
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
const ESCALATE = v.pipe(
	v.picklist(['0', '1']),
	v.transform((s) => s === '1')
);

/** GET /api/v1/units?q=...&limit=...: units by name, pinyin or initials. */
export async function findUnits(db: Db, params: URLSearchParams): Promise<Result<UnitHit[], 'invalid_parameter'>> {
	const q = param(params, 'units.q', Q);
	if (!q.ok) return q;
	const limit = param(params, 'units.limit', LIMIT, '20');
	if (!limit.ok) return limit;
	return ok(await searchUnits(db, q.value, limit.value));
}

/**
 * GET /api/v1/routing?unit=&position=&kind=&escalate=: the receiving organ and why. Never names staff.
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
	const kind = param(params, 'routing.kind', KIND);
	if (!kind.ok) return kind;
	const escalate = param(params, 'routing.escalate', ESCALATE, '0');
	if (!escalate.ok) return escalate;

	const snapshot = await loadRoutingSnapshot(db, unit.value);
	const r = routeReport(snapshot, {
		unitId: unit.value,
		position: position.value,
		kind: kind.value,
		escalate: escalate.value
	});
	if (r.status === 'unknown_unit') return refuse('unknown_unit', { field: 'unit', message: r.explanation });
	if (r.status === 'no_organ') return refuse('no_receiving_organ', { message: r.explanation });
	const u = snapshot.units.get(r.unitId);
	return ok({
		unit: u ? { id: u.id, name: u.name, level: u.level, regionPath: u.regionPath } : null,
		position: position.value,
		kind: kind.value,
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
