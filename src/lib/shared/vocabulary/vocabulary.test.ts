import { describe, expect, it } from 'vitest';
import * as org from './org';
import * as report from './report';
import * as workflow from './workflow';

const lists = Object.entries({ ...org, ...report, ...workflow } as Record<string, unknown>).filter(
	(e): e is [string, readonly string[]] => Array.isArray(e[1]) && e[1].every((x) => typeof x === 'string')
);

describe('the shared vocabularies', () => {
	it('hold each code once, in the code grammar the database CHECKs take', () => {
		expect(lists.length).toBeGreaterThan(20);
		for (const [name, codes] of lists) {
			expect(new Set(codes).size, name).toBe(codes.length);
			for (const c of codes) expect(c, name).toMatch(/^[a-z0-9_:]+$/);
		}
	});

	it('group the categories as the report form shows them, and the guide orders the same codes', () => {
		expect(report.CATEGORY_GROUPS.flatMap((g) => g.categories)).toEqual([...report.CATEGORIES]);
		expect([...report.GUIDE_CATEGORY_ORDER].sort()).toEqual([...report.CATEGORIES].sort());
		expect(report.CATEGORIES).toHaveLength(16);
	});

	it('keep the subsets inside their vocabularies', () => {
		const within = (sub: readonly string[], all: readonly string[]) => sub.every((x) => all.includes(x));
		expect(within(org.HANDLER_ROLES, org.STAFF_ROLES)).toBe(true);
		expect(within(org.POST_POSITIONS, report.POSITION_KINDS)).toBe(true);
		expect(within(workflow.FINISHED_STAGES, workflow.STAGES)).toBe(true);
		expect(within(workflow.REPORTER_DEADLINES, workflow.DEADLINE_CODES)).toBe(true);
		for (const kinds of Object.values(workflow.RULE_OUTCOME_KINDS))
			expect(within(kinds, workflow.OUTCOME_KIND_CODES)).toBe(true);
	});

	it('code an outcome as the report table and the statistics do', () => {
		expect(workflow.OUTCOME_CODES).toEqual([
			'closed',
			'cleared',
			'handled:form1',
			'handled:form2',
			'handled:form3',
			'handled:form4'
		]);
		expect(workflow.outcomeCode(null)).toBeNull();
		expect(workflow.outcomeCode({ kind: 'cleared' })).toBe('cleared');
		expect(workflow.outcomeCode({ kind: 'handled', form: 'form3', party: 'probation' })).toBe('handled:form3');
	});

	it('rank the public statuses, the moves (up, down, down with follow-up) outside the order', () => {
		expect(report.PUBLIC_STATUSES.map(report.publicRank)).toEqual([0, 1, 2, 3, null, null, null, 3, 3, 3, 3]);
	});
});
