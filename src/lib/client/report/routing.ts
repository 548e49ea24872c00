/**
 * The public query endpoints the report form asks while the reporter chooses (docs/api.md): unit search
 * and the routing preview. POST bodies (issue 14: no unit, post or organ ever in a URL), no cookies;
 * nothing of the answers is stored.
 */
import { ReportError } from './errors';
import { requestJson, type HttpOptions } from './http';
import type { RoutingAnswer, UnitHit } from '../../shared/wire/public';
import type { RoutingFields } from '../../shared/wire/reporter';

/** The clear routing fields the reporter chose (docs/reporting.md §3 `routing`). */
export type RoutingChoice = RoutingFields;

/** The fields of a choice that decide where a report goes (category and real-name flag do not). */
export type RoutingQuestion = Pick<RoutingChoice, 'unit' | 'position' | 'escalate' | 'byRegion'>;

/** True if both choices ask routing the same question. */
export function sameRouting(a: RoutingQuestion, b: RoutingQuestion): boolean {
	return a.unit === b.unit && a.position === b.position && a.escalate === b.escalate && !!a.byRegion === !!b.byRegion;
}

/** POST /api/v1/units { q } (name, pinyin or initials): at most 20 units. */
export function searchUnits(q: string, options: HttpOptions = {}): Promise<UnitHit[]> {
	return requestJson<UnitHit[]>('/api/v1/units', { ...options, json: { q, limit: 20 } });
}

/**
 * POST /api/v1/routing for the reporter's choice: the organ and why, deliverable or not (the page shows
 * either). `verifyRecipients` (recipients.ts) takes this answer as it is, so a report asks routing once.
 */
export async function fetchRouting(q: RoutingQuestion, options: HttpOptions = {}): Promise<RoutingAnswer> {
	const json = {
		unit: q.unit,
		position: q.position,
		escalate: q.escalate,
		...(q.byRegion ? { byRegion: true } : {})
	};
	const a = await requestJson<RoutingAnswer>('/api/v1/routing', { ...options, json });
	if (!a || typeof a !== 'object' || typeof a.organ?.id !== 'string') {
		throw new ReportError('server', 'not a routing answer');
	}
	return a;
}
