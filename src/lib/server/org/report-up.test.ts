import { describe, expect, it } from 'vitest';
import { mustReportUp } from './report-up';
import { routingFixture } from '$support/routing-fixture';
import { makeSnapshot } from './types';

const snap = makeSnapshot(routingFixture());

describe('mustReportUp (Art. 22)', () => {
	it.each([
		['the county organ holding a report about 县委书记', 'K', 'k', 'top_leader', true],
		['the county organ holding a report about 县长 (a committee member)', 'K', 'k', 'team_member', true],
		["a county team holding a report about the county's leaders", 'K-pz', 'k', 'team_member', true],
		['the county organ holding a report about its own head', 'K', 'k-jw', 'top_leader', true],
		['the city organ holding a report about 县委书记 (the level above: no)', 'M', 'k', 'top_leader', false],
		['the county organ holding a report about an official of the county bodies', 'K', 'k', 'other_staff', false],
		['the county organ holding a report about a department head', 'K', 'k-cz', 'top_leader', false],
		['the township organ holding a report about its party secretary', 'T', 't', 'top_leader', true],
		['an unknown organ', 'NOPE', 'k', 'top_leader', false]
	] as const)('%s: %s', (_name, organ, unit, position, expected) => {
		expect(mustReportUp(snap, organ, unit, position)).toBe(expected);
	});
});
