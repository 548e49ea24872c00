/**
 * Names and post titles of the demo directory (./demo.ts). All invented; titles follow the usual
 * designations of each kind of unit (书记、县长、局长、校长、院长、董事长…).
 */
import type { AdminLevel, UnitType } from '../org/types';

export const PLACE_CHARS = Array.from(
	'青清白东南西北云松石金银玉长平安宁新兴丰永龙凤桃柳梅河湖山川林泉溪阳明华德顺康福'
);
export const SURNAMES = Array.from('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾');

export const PROVINCE_DEPTS = [
	'省委办公厅',
	'省政府办公厅',
	'省发展和改革委员会',
	'省教育厅',
	'省财政厅',
	'省交通运输厅',
	'省自然资源厅',
	'省卫生健康委员会',
	'省公安厅',
	'省水利厅'
];
/** Province departments with a stationed team (教育厅, 财政厅, 交通运输厅, 卫生健康委员会, 公安厅). */
export const PROVINCE_TEAM_DEPTS = [3, 4, 5, 7, 8];
export const CITY_DEPTS = [
	'委办公室',
	'政府办公室',
	'发展和改革委员会',
	'教育局',
	'财政局',
	'交通运输局',
	'自然资源和规划局',
	'卫生健康委员会'
];
export const COUNTY_DEPTS = [
	'委办公室',
	'政府办公室',
	'发展和改革局',
	'教育局',
	'财政局',
	'交通运输局',
	'自然资源局',
	'卫生健康局'
];
/** Index of the education and health departments in CITY_DEPTS / COUNTY_DEPTS (teams there cover schools, hospitals). */
export const EDUCATION_DEPT = 3;
export const HEALTH_DEPT = 7;
export const TOWNSHIP_SUBUNITS = ['卫生院', '中心学校', '财政所'];
export const TOWNSHIP_SUBUNIT_TYPES: UnitType[] = ['public_institution', 'public_institution', 'department'];
export const TOWNSHIP_SUFFIXES = ['镇', '乡', '街道'];

interface Titles {
	top: string;
	members: string[];
}

const LEVEL_WORD: Record<AdminLevel, string> = {
	central: '中央',
	province: '省',
	city: '市',
	county: '县',
	township: '镇'
};

/** The leaders of a region's own unit: 县委书记 and 县长、县委常委 (区、镇、乡、街道 alike). */
export function regionTitles(name: string, level: AdminLevel): Titles {
	if (level === 'township') {
		const street = name.endsWith('街道');
		const head = street ? '街道办事处主任' : name.endsWith('乡') ? '乡长' : '镇长';
		return { top: street ? '街道党工委书记' : '党委书记', members: [head, street ? '党工委委员' : '党委委员'] };
	}
	const w = name.endsWith('区') ? '区' : LEVEL_WORD[level];
	return { top: `${w}委书记`, members: [`${w}长`, `${w}委常委`] };
}

/** The leaders of a department, village, enterprise or institution, from its name. */
export function deptTitles(name: string, type: UnitType): Titles {
	if (type === 'village') {
		const w = name.endsWith('社区') ? '社区' : '村';
		return { top: `${w}党组织书记`, members: [`${w}民委员会主任`.replace('社区民', '社区居民'), `${w}党组织委员`] };
	}
	if (type === 'soe') return { top: '党委书记、董事长', members: ['总经理', '副总经理'] };
	if (/(学校|中学|小学|学院|大学)$/.test(name)) return { top: '校长', members: ['副校长', '党委书记'] };
	if (/(医院|卫生院)$/.test(name)) return { top: '院长', members: ['副院长', '党委书记'] };
	if (/纪委监委$|纪委$|纪工委$/.test(name)) return { top: '书记', members: ['副书记', '常委'] };
	if (/(办公室|办公厅|委员会)$/.test(name)) return { top: '主任', members: ['副主任'] };
	if (/厅$/.test(name)) return { top: '厅长', members: ['副厅长'] };
	if (/局$/.test(name)) return { top: '局长', members: ['副局长'] };
	if (/所$/.test(name)) return { top: '所长', members: ['副所长'] };
	return { top: '主任', members: ['副主任'] };
}

/** mulberry32: tiny seeded PRNG, good enough for demo data (never for secrets). */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
