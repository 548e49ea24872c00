/**
 * Deterministic demo directory: the fictional province 示范省 with cities, counties (one of them a 高新区),
 * townships and streets, their departments, villages and communities, state-owned enterprises, schools and
 * hospitals, the leaders of each level (书记、县长、常委… with their managing committee: docs/org.md),
 * discipline organs at every level, stationed teams covering departments and the institutions under them,
 * demo staff and a few conflict declarations. Same seed and size -> byte-identical output. All names
 * are invented; post holders are shown only as "某" placeholders. The additions of issue 14 (villages,
 * SOEs, institutions, overrides) draw from a second generator, so the earlier units keep their names.
 *
 * The organ tree is topped by a central placeholder organ (中央纪委国家监委（示意）) so that reports about the
 * province's own top leader still go one level up. In a real deployment that organ stands for "outside
 * this system" and its staff would refer the reporter on.
 */
import {
	COUNTY_DEPTS,
	CITY_DEPTS,
	deptTitles,
	EDUCATION_DEPT,
	HEALTH_DEPT,
	mulberry32,
	PLACE_CHARS,
	PROVINCE_DEPTS,
	PROVINCE_TEAM_DEPTS,
	regionTitles,
	SURNAMES,
	TOWNSHIP_SUBUNIT_TYPES,
	TOWNSHIP_SUBUNITS,
	TOWNSHIP_SUFFIXES
} from './names';
import type { AdminLevel, Organ, OrgData, OrgUnit, StaffMember, StaffRole, UnitType } from '../org/types';

export { mulberry32 };

export interface DemoUser {
	id: string;
	username: string;
	displayName: string;
}

export interface DemoDataset extends OrgData {
	users: DemoUser[];
}

export interface DemoOptions {
	seed?: number;
	/** Approximate number of units; omitted -> the small demo province (about 300 units). */
	units?: number;
}

export const DEMO_SEED = 20_240_601;
export const CENTRAL_ORGAN_ID = 'o-central';
export const PROVINCE_UNIT_ID = 'sf';

interface Shape {
	cities: number;
	countiesPerCity: number;
	townshipsPerCounty: number;
	subunitsPerTownship: number;
	villagesPerTownship: number;
	membersPerPost: number;
}

function shapeFor(units: number | undefined): Shape {
	if (units === undefined) {
		return {
			cities: 4,
			countiesPerCity: 3,
			townshipsPerCounty: 3,
			subunitsPerTownship: 2,
			villagesPerTownship: 2,
			membersPerPost: 2
		};
	}
	// Per township: itself, its 纪委 unit, subunits and villages; per county: itself, depts, 纪委监委 unit,
	// its SOE, school and hospital, townships; per city the same with its SOE, college and hospital.
	const sub = 3;
	const villages = 4;
	const perTownship = 2 + sub + villages;
	const townships = 12;
	const perCounty = 2 + COUNTY_DEPTS.length + 3 + townships * perTownship;
	const counties = 12;
	const perCity = 2 + CITY_DEPTS.length + 3 + counties * perCounty;
	const cities = Math.max(1, Math.round((units - 6 - PROVINCE_DEPTS.length) / perCity));
	return {
		cities,
		countiesPerCity: counties,
		townshipsPerCounty: townships,
		subunitsPerTownship: sub,
		villagesPerTownship: villages,
		membersPerPost: 1
	};
}

function pad(n: number): string {
	return String(n).padStart(2, '0');
}

export function generateDemo(opts: DemoOptions = {}): DemoDataset {
	const rand = mulberry32(opts.seed ?? DEMO_SEED);
	// The additions of issue 14 draw from their own generator, so the earlier units keep their names.
	const rand2 = mulberry32(((opts.seed ?? DEMO_SEED) ^ 0x9e3779b9) >>> 0);
	const shape = shapeFor(opts.units);
	const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
	const data: DemoDataset = {
		units: [],
		organs: [],
		jurisdiction: [],
		staff: [],
		conflicts: [],
		posts: [],
		management: [],
		users: []
	};

	const uuid = (): string => {
		const b: number[] = [];
		for (let i = 0; i < 16; i++) b.push(Math.floor(rand() * 256));
		b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
		b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
		const h = b.map((x) => x.toString(16).padStart(2, '0')).join('');
		return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
	};

	const placeName = (used: Set<string>, suffix: string, r: () => number = rand): string => {
		const one = (list: readonly string[]) => list[Math.floor(r() * list.length)] as string;
		for (let i = 0; i < 50; i++) {
			const n = one(PLACE_CHARS) + one(PLACE_CHARS);
			if (n[0] !== n[1] && !used.has(n)) {
				used.add(n);
				return n + suffix;
			}
		}
		let k = 1;
		while (used.has(`新${k}`)) k++;
		used.add(`新${k}`);
		return `新${k}${suffix}`;
	};

	const addUnit = (
		id: string,
		parent: OrgUnit | null,
		name: string,
		level: AdminLevel,
		posts: boolean,
		type: UnitType = 'department',
		r: () => number = rand
	): OrgUnit => {
		const u: OrgUnit = {
			id,
			parentId: parent?.id ?? null,
			name,
			level,
			regionPath: parent ? `${parent.regionPath}/${name}` : name,
			type
		};
		data.units.push(u);
		if (posts) {
			const titles =
				type === 'party_government' || type === 'township' ? regionTitles(name, level) : deptTitles(name, type);
			const one = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
			data.posts.push({
				unitId: id,
				position: 'top_leader',
				title: titles.top,
				holderName: r() < 0.5 ? `${one(SURNAMES)}某` : null
			});
			for (let i = 0; i < shape.membersPerPost; i++) {
				data.posts.push({
					unitId: id,
					position: 'team_member',
					title: titles.members[i % titles.members.length] ?? '领导班子成员',
					holderName: r() < 0.3 ? `${one(SURNAMES)}某` : null
				});
			}
		}
		return u;
	};
	/** An addition of issue 14: drawn from the second generator. */
	const addExtra = (id: string, parent: OrgUnit, name: string, level: AdminLevel, type: UnitType) =>
		addUnit(id, parent, name, level, true, type, rand2);

	let staffSeq = 0;
	const addStaff = (organ: Organ, roles: StaffRole[], keyed: boolean): StaffMember[] => {
		const out: StaffMember[] = [];
		for (const role of roles) {
			staffSeq++;
			const id = uuid();
			data.users.push({ id, username: `demo-${staffSeq}`, displayName: `演示人员${staffSeq}（${organ.name}）` });
			const s: StaffMember = { id, organId: organ.id, role, hasKey: keyed };
			data.staff.push(s);
			out.push(s);
		}
		return out;
	};

	const addOrgan = (o: Organ, jurisdiction: string[]): Organ => {
		data.organs.push(o);
		for (const unitId of jurisdiction) data.jurisdiction.push({ organId: o.id, unitId });
		return o;
	};

	/** A region (province/city/county/township) with its own unit, its departments and its commission. */
	const region = (
		id: string,
		parent: OrgUnit | null,
		name: string,
		level: AdminLevel,
		parentOrgan: Organ,
		depts: string[],
		deptName: (d: string) => string,
		organName: string
	) => {
		const unit = addUnit(id, parent, name, level, true, level === 'township' ? 'township' : 'party_government');
		const deptUnits = depts.map((d, i) => addUnit(`${id}-d${pad(i + 1)}`, unit, deptName(d), level, true));
		const organUnit = addUnit(`${id}-jw`, unit, organName, level, true);
		const organ = addOrgan(
			{
				id: `o-${id}`,
				name: organName,
				kind: 'commission',
				level,
				unitId: organUnit.id,
				hostUnitId: null,
				parentOrganId: parentOrgan.id
			},
			[unit.id, ...deptUnits.map((d) => d.id), organUnit.id]
		);
		return { unit, deptUnits, organ };
	};

	/** An enterprise or institution under a region's organ, and under the stationed team given, if any. */
	const institution = (id: string, parent: OrgUnit, name: string, type: UnitType, organ: Organ, t?: Organ | null) => {
		const u = addExtra(id, parent, name, parent.level, type);
		data.jurisdiction.push({ organId: organ.id, unitId: u.id });
		if (t) data.jurisdiction.push({ organId: t.id, unitId: u.id });
		return u;
	};
	const teamOf = (host: OrgUnit | undefined) =>
		host ? (data.organs.find((o) => o.kind === 'stationed_team' && o.hostUnitId === host.id) ?? null) : null;

	const team = (host: OrgUnit, commission: Organ) => {
		const t = addOrgan(
			{
				id: `o-${host.id}-pz`,
				name: `${commission.name}驻${host.name}纪检监察组`,
				kind: 'stationed_team',
				level: host.level,
				unitId: null,
				hostUnitId: host.id,
				parentOrganId: commission.id
			},
			[host.id]
		);
		addStaff(t, ['head', 'inspector'], true);
		return t;
	};

	const central = addOrgan(
		{
			id: CENTRAL_ORGAN_ID,
			name: '中央纪委国家监委（示意）',
			kind: 'commission',
			level: 'central',
			unitId: null,
			hostUnitId: null,
			parentOrganId: null
		},
		[]
	);
	addStaff(central, ['head', 'inspector'], true);

	const prov = region(
		PROVINCE_UNIT_ID,
		null,
		'示范省',
		'province',
		central,
		PROVINCE_DEPTS,
		(d) => `示范${d}`,
		'示范省纪委监委'
	);
	addStaff(prov.organ, ['head', 'inspector', 'inspector', 'inspector', 'admin'], true);
	for (const i of PROVINCE_TEAM_DEPTS) {
		const host = prov.deptUnits[i];
		if (host) team(host, prov.organ);
	}
	const provTeam = (i: number) => teamOf(prov.deptUnits[i]);
	institution('sf-u01', prov.unit, '示范大学', 'public_institution', prov.organ, provTeam(EDUCATION_DEPT));
	institution('sf-h01', prov.unit, '示范省人民医院', 'public_institution', prov.organ, provTeam(HEALTH_DEPT));
	institution('sf-e01', prov.unit, '示范省交通投资集团', 'soe', prov.organ, provTeam(5));
	// A centrally managed enterprise (中管企业): its top leader is managed by the central organ.
	institution('sf-e02', prov.unit, '示范能源集团', 'soe', prov.organ);
	data.management!.push({ unitId: 'sf-e02', position: 'top_leader', managedBy: 'organ', organId: central.id });

	/** Township organs that get their inspector after the loops (see below). */
	const lateInspectors: Organ[] = [];
	const cityNames = new Set<string>();
	for (let c = 1; c <= shape.cities; c++) {
		const cityName = placeName(cityNames, '市');
		const city = region(
			`sf-c${pad(c)}`,
			prov.unit,
			cityName,
			'city',
			prov.organ,
			CITY_DEPTS,
			(d) => cityName + d,
			`${cityName}纪委监委`
		);
		addStaff(city.organ, ['head', 'inspector', 'inspector', 'admin'], true);
		for (const i of [3, 4]) {
			const host = city.deptUnits[i];
			if (host) team(host, city.organ);
		}
		const cityId = city.unit.id;
		institution(`${cityId}-e01`, city.unit, `${cityName}城市建设投资集团`, 'soe', city.organ);
		const cityEdu = teamOf(city.deptUnits[EDUCATION_DEPT]);
		institution(`${cityId}-u01`, city.unit, `${cityName}职业技术学院`, 'public_institution', city.organ, cityEdu);
		institution(`${cityId}-h01`, city.unit, `${cityName}第一人民医院`, 'public_institution', city.organ);
		const countyNames = new Set<string>();
		for (let k = 1; k <= shape.countiesPerCity; k++) {
			const countyName = c === 1 && k === 1 ? '高新区' : placeName(countyNames, rand() < 0.7 ? '县' : '区');
			const countyId = `sf-c${pad(c)}-k${pad(k)}`;
			const county = region(
				countyId,
				city.unit,
				countyName,
				'county',
				city.organ,
				COUNTY_DEPTS,
				(d) => countyName + d,
				`${countyName}纪委监委`
			);
			const countyStaff = addStaff(
				county.organ,
				rand() < 0.5 ? ['head', 'inspector'] : ['head', 'inspector', 'inspector'],
				true
			);
			if (rand() < 0.3) {
				const host = county.deptUnits[3 + Math.floor(rand() * 5)];
				if (host) team(host, county.organ);
			}
			const cu = county.unit;
			const soe = institution(`${countyId}-e01`, cu, `${countyName}国有资产投资公司`, 'soe', county.organ);
			// In 高新区 the company's head is managed by the city (a per-unit override).
			if (c === 1 && k === 1)
				data.management!.push({ unitId: soe.id, position: 'top_leader', managedBy: 'level_above', organId: null });
			const edu = teamOf(county.deptUnits[EDUCATION_DEPT]);
			const health = teamOf(county.deptUnits[HEALTH_DEPT]);
			institution(`${countyId}-u01`, cu, `${countyName}第一中学`, 'public_institution', county.organ, edu);
			institution(`${countyId}-h01`, cu, `${countyName}人民医院`, 'public_institution', county.organ, health);
			// Conflict declarations: sometimes one inspector; in the first county, every receiver for its
			// 财政局 (so reports about it fall back to the city organ).
			if (c === 1 && k === 1) {
				const host = county.deptUnits[4];
				if (host) {
					for (const s of countyStaff)
						data.conflicts.push({ staffId: s.id, unitId: host.id, reason: '近亲属在该单位领导班子任职' });
				}
			} else if (rand() < 0.4) {
				const s = countyStaff[1];
				const target = pick(county.deptUnits);
				if (s) data.conflicts.push({ staffId: s.id, unitId: target.id, reason: '曾在该单位任职' });
			}
			const townNames = new Set<string>();
			for (let t = 1; t <= shape.townshipsPerCounty; t++) {
				const suffix = pick(TOWNSHIP_SUFFIXES);
				const townName = placeName(townNames, suffix);
				const townId = `${countyId}-t${pad(t)}`;
				const organName = suffix === '街道' ? `${townName}纪工委` : `${townName}纪委`;
				const town = region(townId, county.unit, townName, 'township', county.organ, [], (d) => d, organName);
				const subs = TOWNSHIP_SUBUNITS.slice(0, shape.subunitsPerTownship).map((s, i) =>
					addUnit(`${townId}-s${pad(i + 1)}`, town.unit, townName + s, 'township', true, TOWNSHIP_SUBUNIT_TYPES[i])
				);
				for (const s of subs) data.jurisdiction.push({ organId: town.organ.id, unitId: s.id });
				const villageNames = new Set<string>();
				for (let v = 1; v <= shape.villagesPerTownship; v++) {
					const vName = placeName(villageNames, suffix === '街道' ? '社区' : '村', rand2);
					const village = addExtra(`${townId}-v${pad(v)}`, town.unit, vName, 'township', 'village');
					data.jurisdiction.push({ organId: town.organ.id, unitId: village.id });
				}
				// Every township organ gets a head and at least one inspector, all keyed (the keyed demo can then
				// receive a report routed anywhere). The draws of the earlier demo are kept so that the names
				// and ids that follow do not change; inspectors it lacked are added after the loops.
				const solo = rand() < 0.5;
				rand(); // was: one township in ten without keys
				addStaff(town.organ, solo ? ['head'] : ['head', 'inspector'], true);
				if (solo) lateInspectors.push(town.organ);
			}
		}
	}
	for (const organ of lateInspectors) addStaff(organ, ['inspector'], true);
	return data;
}
