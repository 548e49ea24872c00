/**
 * Properties of routing over the whole demo tree (issue 14): every unit, position and escalation
 * yields exactly one organ with a recipient, never an organ whose committee the accused sits on as a
 * member (a region's own leaders, an organ's own members), never a conflicted recipient. In memory, over
 * trees from other seeds (fast-check), and through the database slice on PGlite and PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { describeDb } from '$support/db';
import { generateDemo } from '../demo/province';
import { routeReport, type RoutingRequest } from './routing';
import { loadDemo, loadRoutingSnapshot } from './store';
import { makeSnapshot, POSITION_KINDS, type OrgSnapshot } from './types';

/**
 * The organs of the committee the accused sits on as a member: for a region's own leaders, the
 * commission of that region and its stationed teams; for a discipline organ's own unit, that organ.
 */
function ownCommitteeOrgans(s: OrgSnapshot, unitId: string, position: RoutingRequest['position']): Set<string> {
	const out = new Set<string>();
	const self = s.organByOwnUnit.get(unitId);
	if (self) out.add(self);
	const unit = s.units.get(unitId);
	const leader = position === 'top_leader' || position === 'team_member';
	if (unit && leader && (unit.type === 'party_government' || unit.type === 'township')) {
		for (const id of s.organsByUnit.get(unitId) ?? []) {
			const o = s.organs.get(id);
			if (o?.kind !== 'commission') continue;
			out.add(o.id);
			for (const t of s.organs.values()) if (t.parentOrganId === o.id && t.kind === 'stationed_team') out.add(t.id);
		}
	}
	return out;
}

function checkInvariants(s: OrgSnapshot, r: RoutingRequest): void {
	const result = routeReport(s, r);
	if (result.status !== 'routed') throw new Error(`${r.unitId}: ${result.status}`);
	expect(result.recipients.length, r.unitId).toBeGreaterThan(0);
	const staff = s.staffByOrgan.get(result.organ.id) ?? [];
	const conflicted = s.conflictsByUnit.get(r.unitId);
	for (const id of result.recipients) {
		const member = staff.find((x) => x.id === id);
		expect(member?.hasKey).toBe(true);
		expect(member?.role).not.toBe('admin');
		expect(conflicted?.has(id) ?? false).toBe(false);
	}
	expect(result.organ.unitId).not.toBe(r.unitId);
	expect(ownCommitteeOrgans(s, r.unitId, r.position).has(result.organ.id), `${r.unitId} ${r.position}`).toBe(false);
}

const demo = generateDemo();

describe('routeReport: properties over the demo tree', () => {
	const demoSnap = makeSnapshot(demo);

	it('every unit x position x escalate yields one organ with recipients, none conflicted', () => {
		let n = 0;
		for (const u of demo.units)
			for (const position of POSITION_KINDS)
				for (const escalate of [false, true]) {
					checkInvariants(demoSnap, { unitId: u.id, position, escalate });
					n++;
				}
		expect(n).toBe(demo.units.length * 6);
	});

	it('holds for random requests over demo trees from other seeds (fast-check)', () => {
		const cache = new Map<number, { units: string[]; snap: OrgSnapshot }>();
		const forSeed = (seed: number) => {
			let e = cache.get(seed);
			if (!e) {
				const d = generateDemo({ seed });
				e = { units: d.units.map((u) => u.id), snap: makeSnapshot(d) };
				cache.set(seed, e);
			}
			return e;
		};
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 8 }),
				fc.nat(),
				fc.constantFrom(...POSITION_KINDS),
				fc.boolean(),
				(seed, idx, position, escalate) => {
					const e = forSeed(seed);
					const unitId = e.units[idx % e.units.length]!;
					checkInvariants(e.snap, { unitId, position, escalate });
				}
			),
			{ numRuns: 2000 }
		);
	});

	it('is deterministic: the same request gives the same answer', () => {
		const r = { unitId: 'sf-c01-k01-d05', position: 'team_member', escalate: false } as const;
		expect(routeReport(demoSnap, r)).toEqual(routeReport(demoSnap, r));
	});
});

describeDb('routeReport over the database slice of the whole demo tree', (get) => {
	it('gives the same answers as the whole directory in memory, and the invariants hold', async () => {
		const { db } = get();
		await loadDemo(db, demo, { force: true });
		const whole = makeSnapshot(demo);
		for (const u of demo.units) {
			const slice = await loadRoutingSnapshot(db, u.id);
			for (const position of POSITION_KINDS)
				for (const escalate of [false, true]) {
					const r = { unitId: u.id, position, escalate };
					checkInvariants(slice, r);
					const a = routeReport(slice, r);
					const b = routeReport(whole, r);
					expect(a.status === 'routed' && [a.organ.id, a.recipients, a.rules]).toEqual(
						b.status === 'routed' && [b.organ.id, b.recipients, b.rules]
					);
				}
		}
	}, 120_000);
});
