/**
 * Validation of an import (./io-format.ts records): every error, each naming its line and field, and the
 * directory the records describe when there is none.
 */
import {
	ADMIN_LEVELS,
	MANAGED_BY,
	ORGAN_KINDS,
	POSITION_KINDS,
	POST_POSITIONS,
	STAFF_ROLES,
	UNIT_TYPES,
	type AdminLevel,
	type ManagedBy,
	type Organ,
	type OrgData,
	type OrgUnit,
	type PositionKind,
	type PostPosition,
	type StaffRole,
	type UnitType
} from './types';
import { ID_RE, RECORD_TYPES, type Column, type ImportError, type Rec } from './io-format';

export interface Parsed {
	data: OrgData;
	usernames: { username: string; line: number; field: string }[];
	/** Records naming staff by username, resolved to ids once the accounts are known. */
	staffRefs: { username: string; organId: string; role: StaffRole; hasKey: boolean }[];
	conflictRefs: { username: string; unitId: string; reason: string }[];
}

export function validate(recs: Rec[], errors: ImportError[]): Parsed {
	const data: OrgData = {
		units: [],
		organs: [],
		jurisdiction: [],
		staff: [],
		conflicts: [],
		posts: [],
		management: []
	};
	const parsed: Parsed = { data, usernames: [], staffRefs: [], conflictRefs: [] };
	const err = (r: Rec, field: Column | null, message: string) => errors.push({ line: r.line, field, message });
	const required = (r: Rec, c: Column): string => {
		const v = r.get(c);
		if (v === '') err(r, c, `"${c}" is required for a ${r.type} record`);
		else if (v.includes('\u0000')) err(r, c, `"${c}" must be text`);
		return v;
	};
	const id = (r: Rec, c: Column, optional = false): string => {
		const v = optional ? r.get(c) : required(r, c);
		if (v !== '' && !ID_RE.test(v)) err(r, c, `"${v}" is not a valid id (letters, digits, _ . : -, at most 100)`);
		return v;
	};
	const oneOf = <T extends string>(r: Rec, c: Column, list: readonly T[]): T => {
		const v = required(r, c);
		if (v !== '' && !(list as readonly string[]).includes(v)) err(r, c, `"${v}" must be one of ${list.join(', ')}`);
		return v as T;
	};

	const unitLines = new Map<string, Rec>();
	const organLines = new Map<string, Rec>();
	const refs: { r: Rec; c: Column; kind: 'unit' | 'organ'; id: string }[] = [];
	const pairs = new Set<string>();
	for (const r of recs) {
		switch (r.type) {
			case 'unit': {
				const u: OrgUnit = {
					id: id(r, 'id'),
					parentId: id(r, 'parent', true) || null,
					name: required(r, 'name'),
					level: oneOf<AdminLevel>(r, 'level', ADMIN_LEVELS),
					regionPath: ''
				};
				const type = r.get('unit_type');
				if (type !== '') u.type = oneOf<UnitType>(r, 'unit_type', UNIT_TYPES);
				// Staff of the unit (issue 18: the statistics normalise by it), optional.
				const headcount = r.get('headcount');
				if (headcount !== '') {
					if (/^[1-9][0-9]{0,6}$/.test(headcount)) u.headcount = Number(headcount);
					else err(r, 'headcount', `"headcount" must be a whole number of staff from 1 to 9999999, not "${headcount}"`);
				}
				if (u.id && unitLines.has(u.id))
					err(r, 'id', `Duplicate unit id "${u.id}" (first on line ${unitLines.get(u.id)!.line})`);
				else if (u.id) unitLines.set(u.id, r);
				if (u.parentId) refs.push({ r, c: 'parent', kind: 'unit', id: u.parentId });
				data.units.push(u);
				break;
			}
			case 'organ': {
				const o: Organ = {
					id: id(r, 'id'),
					name: required(r, 'name'),
					kind: oneOf(r, 'kind', ORGAN_KINDS),
					level: oneOf<AdminLevel>(r, 'level', ADMIN_LEVELS),
					unitId: id(r, 'unit', true) || null,
					hostUnitId: id(r, 'host_unit', true) || null,
					parentOrganId: id(r, 'parent', true) || null
				};
				if (o.id && organLines.has(o.id))
					err(r, 'id', `Duplicate organ id "${o.id}" (first on line ${organLines.get(o.id)!.line})`);
				else if (o.id) organLines.set(o.id, r);
				if (o.unitId) refs.push({ r, c: 'unit', kind: 'unit', id: o.unitId });
				if (o.hostUnitId) refs.push({ r, c: 'host_unit', kind: 'unit', id: o.hostUnitId });
				if (o.hostUnitId && o.kind === 'commission') err(r, 'host_unit', 'Only a stationed_team has a host unit');
				if (o.parentOrganId) refs.push({ r, c: 'parent', kind: 'organ', id: o.parentOrganId });
				data.organs.push(o);
				break;
			}
			case 'jurisdiction': {
				const j = { organId: id(r, 'organ'), unitId: id(r, 'unit') };
				if (pairs.has(`j ${j.organId} ${j.unitId}`))
					err(r, 'unit', `Duplicate jurisdiction ${j.organId} -> ${j.unitId}`);
				pairs.add(`j ${j.organId} ${j.unitId}`);
				refs.push({ r, c: 'organ', kind: 'organ', id: j.organId }, { r, c: 'unit', kind: 'unit', id: j.unitId });
				data.jurisdiction.push(j);
				break;
			}
			case 'staff': {
				const username = required(r, 'username').toLowerCase();
				const organId = id(r, 'organ');
				const role = oneOf<StaffRole>(r, 'role', STAFF_ROLES);
				const hk = r.get('has_key').toLowerCase();
				if (!['true', 'false', '1', '0', ''].includes(hk)) err(r, 'has_key', `"${hk}" must be true or false`);
				if (pairs.has(`s ${username} ${organId}`))
					err(r, 'username', `Duplicate membership of ${username} in ${organId}`);
				pairs.add(`s ${username} ${organId}`);
				refs.push({ r, c: 'organ', kind: 'organ', id: organId });
				parsed.usernames.push({ username, line: r.line, field: 'username' });
				parsed.staffRefs.push({ username, organId, role, hasKey: hk === 'true' || hk === '1' });
				break;
			}
			case 'conflict': {
				const username = required(r, 'username').toLowerCase();
				const unitId = id(r, 'unit');
				const reason = required(r, 'reason');
				if (pairs.has(`c ${username} ${unitId}`)) err(r, 'unit', `Duplicate conflict of ${username} for ${unitId}`);
				pairs.add(`c ${username} ${unitId}`);
				refs.push({ r, c: 'unit', kind: 'unit', id: unitId });
				parsed.usernames.push({ username, line: r.line, field: 'username' });
				parsed.conflictRefs.push({ username, unitId, reason });
				break;
			}
			case 'post': {
				const unitId = id(r, 'unit');
				refs.push({ r, c: 'unit', kind: 'unit', id: unitId });
				data.posts.push({
					unitId,
					position: oneOf<PostPosition>(r, 'position', POST_POSITIONS),
					title: required(r, 'title'),
					holderName: r.get('holder_name') || null
				});
				break;
			}
			case 'management': {
				const unitId = id(r, 'unit');
				refs.push({ r, c: 'unit', kind: 'unit', id: unitId });
				const position = oneOf<PositionKind>(r, 'position', POSITION_KINDS);
				const managedBy = oneOf<ManagedBy>(r, 'managed_by', MANAGED_BY);
				const organId = id(r, 'organ', managedBy !== 'organ') || null;
				if (organId && managedBy !== 'organ') err(r, 'organ', 'Only managed_by "organ" names an organ');
				if (organId) refs.push({ r, c: 'organ', kind: 'organ', id: organId });
				if (pairs.has(`m ${unitId} ${position}`)) err(r, 'position', `Duplicate management of ${unitId} ${position}`);
				pairs.add(`m ${unitId} ${position}`);
				data.management!.push({ unitId, position, managedBy, organId });
				break;
			}
			default:
				err(r, 'type', `Unknown record type "${r.type}"; expected ${RECORD_TYPES.join(', ')}`);
		}
	}
	for (const ref of refs) {
		const known = ref.kind === 'unit' ? unitLines : organLines;
		if (ref.id && ID_RE.test(ref.id) && !known.has(ref.id)) err(ref.r, ref.c, `Unknown ${ref.kind} "${ref.id}"`);
	}
	const ownUnits = new Map<string, Rec>();
	for (const o of data.organs) {
		if (!o.unitId) continue;
		const r = organLines.get(o.id);
		const first = ownUnits.get(o.unitId);
		if (first && r) err(r, 'unit', `Unit "${o.unitId}" is already the own unit of the organ on line ${first.line}`);
		else if (r) ownUnits.set(o.unitId, r);
	}
	findCycles(data.units, (u) => u.parentId, unitLines, 'unit', errors);
	findCycles(data.organs, (o) => o.parentOrganId, organLines, 'organ', errors);

	// Region paths from the names, now that the tree is known to be sound.
	if (errors.length === 0) {
		const byId = new Map(data.units.map((u) => [u.id, u] as const));
		const path = (u: OrgUnit): string => {
			if (u.regionPath) return u.regionPath;
			const p = u.parentId ? byId.get(u.parentId) : undefined;
			u.regionPath = p ? `${path(p)}/${u.name}` : u.name;
			return u.regionPath;
		};
		data.units.forEach(path);
	}
	return parsed;
}

function findCycles<T extends { id: string }>(
	items: T[],
	parentOf: (t: T) => string | null,
	lines: Map<string, Rec>,
	what: string,
	errors: ImportError[]
): void {
	const byId = new Map(items.map((t) => [t.id, t] as const));
	const state = new Map<string, 'open' | 'done'>();
	for (const start of items) {
		const trail: string[] = [];
		let cur: T | undefined = start;
		while (cur && !state.has(cur.id)) {
			state.set(cur.id, 'open');
			trail.push(cur.id);
			const p = parentOf(cur);
			cur = p ? byId.get(p) : undefined;
		}
		if (cur && state.get(cur.id) === 'open') {
			const cycle = trail.slice(trail.indexOf(cur.id));
			const line = Math.min(...cycle.map((id) => lines.get(id)?.line ?? Infinity));
			errors.push({ line, field: 'parent', message: `Cycle in the ${what} tree: ${[...cycle, cur.id].join(' -> ')}` });
		}
		for (const id of trail) state.set(id, 'done');
	}
}
