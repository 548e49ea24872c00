import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as encoding from '../../src/lib/shared/encoding';
import * as pow from '../../src/lib/shared/pow';
import * as org from '../../src/lib/shared/vocabulary/org';
import * as report from '../../src/lib/shared/vocabulary/report';
import * as workflow from '../../src/lib/shared/vocabulary/workflow';

/*
 * The browser↔server contract is defined once, in src/lib/shared (issue 13). This check reads every source
 * file of src outside src/lib/shared (and the generated src/lib/paraglide) and fails on a second definition:
 *   - a list of codes: an `as const` array, the array of a `picklist(…)` or `inArray(…)`, a union of string
 *     literal types, or an object literal used as a map, whose two or more strings (keys) are all codes of
 *     one shared vocabulary. A map typed `Record<Code, …>` (annotation, `as` or `satisfies`) is a table keyed
 *     by the vocabulary, not a copy, and passes; so does a union inside `Extract<Code, …>`/`Exclude<…>`,
 *     which the compiler checks against the vocabulary. An array of `{ code: '…', … }` choices counts too.
 *     Plain arrays (a transition table's source states, a demo's roles) are data using the codes, not
 *     definitions of them;
 *   - a type or interface named like one of src/lib/shared/wire, report-document.ts, errors.ts or pow.ts;
 *   - a constant named like one of the proof-of-work format (src/lib/shared/pow.ts);
 *   - a regular expression with the source of one of the identifier grammars (src/lib/shared/encoding.ts).
 * Tests (*.test.ts) are left out: they state expected values literally on purpose.
 */

const root = path.resolve(__dirname, '../..');
const SHARED = 'src/lib/shared/';

/** Every exported list of codes of the shared vocabularies, by name. */
const VOCABULARIES: [string, readonly string[]][] = Object.entries({
	...org,
	...report,
	...workflow,
	...pow
} as Record<string, unknown>).filter(
	(e): e is [string, readonly string[]] => Array.isArray(e[1]) && e[1].every((x) => typeof x === 'string')
);

/** The names of the types and interfaces a module declares at its top level. */
function declaredTypes(file: string): string[] {
	const sf = ts.createSourceFile(file, readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
	return sf.statements
		.filter(
			(s): s is ts.InterfaceDeclaration | ts.TypeAliasDeclaration =>
				ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)
		)
		.map((s) => s.name.text);
}

const CONTRACT_TYPES = new Set(
	[
		...readdirSync(path.join(root, SHARED, 'wire')).map((f) => `${SHARED}wire/${f}`),
		`${SHARED}report-document.ts`,
		`${SHARED}errors.ts`,
		`${SHARED}pow.ts`
	]
		.filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
		.flatMap(declaredTypes)
);

/** Constants of the proof-of-work format, under the names they had when they were copied. */
const POW_CONSTANTS = new Set([
	'CHALLENGE_LENGTH',
	'SIGNED_LENGTH',
	'CHALLENGE_OFFSETS',
	'POW_VERSION',
	'VERSION',
	'POW_PURPOSES',
	'POW_PURPOSE',
	'MAX_NONCE',
	'MAX_EXTRA_BITS',
	'MAX_BASE_DIFFICULTY',
	'MAX_DIFFICULTY',
	'POW_LIFETIME_SECONDS'
]);

const GRAMMARS = new Map(
	Object.entries(encoding as Record<string, unknown>)
		.filter((e): e is [string, RegExp] => e[1] instanceof RegExp)
		.map(([name, re]) => [re.source, name])
);

export interface Finding {
	file: string;
	line: number;
	what: string;
}

/** The vocabulary all of `codes` (two or more different ones) belong to, if any. */
function vocabularyOf(codes: (string | null)[]): string | null {
	if (codes.some((c) => c === null) || new Set(codes).size < 2) return null;
	for (const [name, vocabulary] of VOCABULARIES) {
		if (codes.every((c) => vocabulary.includes(c!))) return name;
	}
	return null;
}

/** True for `[…] as const` (also `as const satisfies …`) and the array argument of `picklist`/`inArray`. */
function definesList(node: ts.ArrayLiteralExpression): boolean {
	const up = node.parent;
	if (ts.isAsExpression(up) && up.type.getText() === 'const') return true;
	if (ts.isCallExpression(up) && up.arguments.includes(node)) {
		const callee = up.expression.getText();
		return /(^|\.)(picklist|inArray|notInArray)$/.test(callee);
	}
	return false;
}

/** True inside the arguments of `Extract<…>` or `Exclude<…>`. */
function narrowsAType(node: ts.Node): boolean {
	const up = node.parent;
	return ts.isTypeReferenceNode(up) && /^(Extract|Exclude)$/.test(up.typeName.getText());
}

/** True if the object literal is a table keyed by a vocabulary: `… satisfies Record<…>` or annotated so. */
function typedAsRecord(node: ts.ObjectLiteralExpression): boolean {
	const isRecord = (t: ts.TypeNode | undefined): boolean =>
		t !== undefined && /^(Readonly<)?(Partial<)?Record</.test(t.getText().replace(/\s+/g, ''));
	let up: ts.Node = node.parent;
	while (ts.isAsExpression(up) || ts.isParenthesizedExpression(up)) {
		if (ts.isAsExpression(up) && isRecord(up.type)) return true;
		up = up.parent;
	}
	if (ts.isSatisfiesExpression(up)) return isRecord(up.type);
	if (ts.isVariableDeclaration(up)) return isRecord(up.type);
	return false;
}

/** Scans one TypeScript source (a .ts file, or the script of a .svelte file). */
export function scanSource(source: string, file: string, lineOffset = 0): Finding[] {
	const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
	const out: Finding[] = [];
	const add = (node: ts.Node, what: string) =>
		out.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 + lineOffset, what });
	const literal = (n: ts.Node): string | null =>
		ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) ? n.text : null;

	const visit = (node: ts.Node) => {
		if (ts.isArrayLiteralExpression(node) && definesList(node)) {
			const v = vocabularyOf(node.elements.map(literal));
			if (v) add(node, `a list of ${v} codes`);
		} else if (ts.isArrayLiteralExpression(node) && node.elements.length > 1) {
			// A list of choices: [{ code: 'top_leader', label: … }, …].
			const codes = node.elements.map((e) => {
				if (!ts.isObjectLiteralExpression(e)) return null;
				const p = e.properties.find(
					(p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === 'code'
				);
				return p ? literal(p.initializer) : null;
			});
			const v = vocabularyOf(codes);
			if (v) add(node, `a list of ${v} choices`);
		} else if (ts.isUnionTypeNode(node) && !narrowsAType(node)) {
			// null and undefined may join a union of codes (`Role | null`).
			const members = node.types.filter(
				(t) =>
					!(ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword) &&
					t.kind !== ts.SyntaxKind.UndefinedKeyword
			);
			const v = vocabularyOf(members.map((t) => (ts.isLiteralTypeNode(t) ? literal(t.literal) : null)));
			if (v) add(node, `a union of ${v} codes`);
		} else if (ts.isObjectLiteralExpression(node) && !typedAsRecord(node)) {
			const keys = node.properties.map((p) =>
				(ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p) || ts.isMethodDeclaration(p)) &&
				(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))
					? p.name.text
					: null
			);
			const v = vocabularyOf(keys);
			if (v) add(node, `an object keyed by ${v} codes (type it \`satisfies Record<Code, …>\` if it is a table)`);
		} else if (
			(ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) &&
			CONTRACT_TYPES.has(node.name.text)
		) {
			add(node, `the contract type ${node.name.text}`);
		} else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && POW_CONSTANTS.has(node.name.text)) {
			add(node, `the proof-of-work constant ${node.name.text}`);
		} else if (ts.isRegularExpressionLiteral(node)) {
			const source = node.text.slice(1, node.text.lastIndexOf('/'));
			const grammar = GRAMMARS.get(source);
			if (grammar) add(node, `the grammar ${grammar}`);
		}
		ts.forEachChild(node, visit);
	};
	visit(sf);
	return out;
}

/** Scans a file of src: TypeScript as is, Svelte by its <script> blocks. */
export function scanFile(file: string, text: string): Finding[] {
	if (!file.endsWith('.svelte')) return scanSource(text, file);
	const out: Finding[] = [];
	for (const m of text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
		const offset = text.slice(0, m.index! + m[0].indexOf(m[1]!)).split('\n').length - 1;
		out.push(...scanSource(m[1]!, file, offset));
	}
	return out;
}

function sources(dir: string): string[] {
	const out: string[] = [];
	for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
		const rel = `${dir}/${e.name}`;
		if (e.isDirectory()) {
			if (rel !== 'src/lib/paraglide' && `${rel}/` !== SHARED) out.push(...sources(rel));
		} else if (/\.(ts|svelte)$/.test(e.name) && !/\.test\.ts$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
	}
	return out;
}

describe('the contract is defined once, in src/lib/shared', () => {
	it('knows what to look for', () => {
		expect(VOCABULARIES.length).toBeGreaterThan(20);
		for (const name of ['CaseView', 'InboxItem', 'RoutingAnswer', 'ReportView', 'ReportContent', 'ErrorBody'])
			expect(CONTRACT_TYPES.has(name), name).toBe(true);
		expect(GRAMMARS.size).toBe(4);
	});

	it('finds no second definition of a code list, a contract type, the PoW format or a grammar in src', () => {
		const files = sources('src');
		expect(files.length).toBeGreaterThan(250);
		const findings = files.flatMap((f) => scanFile(f, readFileSync(path.join(root, f), 'utf8')));
		expect(findings.map((f) => `${f.file}:${f.line} ${f.what}`)).toEqual([]);
	});

	describe('fires on each kind of copy', () => {
		const scan = (source: string) => scanSource(source, 'src/lib/x.ts').map((f) => f.what);

		it.each([
			[`export const KINDS = ['public_tip', 'peer_report'] as const;`, 'a list of REPORT_KINDS codes'],
			[`const s = v.picklist(['intake', 'approval', 'closed']);`, 'a list of STAGES codes'],
			[`export type Level = 'city' | 'county';`, 'a union of ADMIN_LEVELS codes'],
			[`let role: 'inspector' | 'head' | null = null;`, 'a union of STAFF_ROLES codes'],
			[`inArray(organStaff.role, ['inspector', 'head'])`, 'a list of STAFF_ROLES codes'],
			[`const labels = { political: a, integrity: b };`, 'an object keyed by DISCIPLINES codes'],
			[`const s = new Set(['talk_inquiry', 'close'] as const);`, 'a list of DISPOSITIONS codes'],
			[
				`const positions = [{ code: 'top_leader', label: m.a }, { code: 'other_staff', label: m.b }];`,
				'a list of POSITION_KINDS choices'
			]
		])('%s', (source, what) => {
			expect(scan(source)[0]).toContain(what);
		});

		it('a redeclared contract type, a PoW constant and a copied grammar', () => {
			expect(scan(`interface RoutingAnswer { organ: string }`)).toEqual(['the contract type RoutingAnswer']);
			expect(scan(`export type CaseView = Record<string, unknown>;`)).toEqual(['the contract type CaseView']);
			expect(scan(`export const CHALLENGE_LENGTH = 39;`)).toEqual(['the proof-of-work constant CHALLENGE_LENGTH']);
			expect(scan(`const POW_PURPOSE = { intake: 1, receipt: 2 } as const;`)).toEqual([
				'the proof-of-work constant POW_PURPOSE',
				expect.stringContaining('an object keyed by POW_PURPOSE_NAMES codes')
			]);
			expect(scan(`const LOCATOR = /^[0-9A-HJKMNP-TV-Z]{10}$/;`)).toEqual(['the grammar LOCATOR_PATTERN']);
		});

		it('in the script of a Svelte file, at its line', () => {
			const svelte = `<script lang="ts">\n\timport x from 'y';\n\tconst p = ['top_leader', 'other_staff'] as const;\n</script>\n<p>{p}</p>\n`;
			expect(scanFile('src/routes/X.svelte', svelte)).toEqual([
				{ file: 'src/routes/X.svelte', line: 3, what: 'a list of POSITION_KINDS codes' }
			]);
		});

		it('but not on label tables typed by the vocabulary, single codes or unrelated words', () => {
			expect(scan(`const l = { top_leader: m.a, team_member: m.b } satisfies Record<PositionKind, Msg>;`)).toEqual([]);
			expect(scan(`const l: Readonly<Record<Stage, Msg>> = { intake: m.a, approval: m.b };`)).toEqual([]);
			expect(scan(`if (x.kind === 'closed') f(['closed']);`)).toEqual([]);
			expect(scan(`const q = ['date', 'deadline']; type S = 'me' | 'none';`)).toEqual([]);
			// Data that uses codes, a typed subset, and a union that is not all codes of one vocabulary.
			expect(scan(`const row = { from: ['received', 'registered'], to: 'accepted' };`)).toEqual([]);
			expect(scan(`type R = Extract<RefusalReason, 'needs_outcome' | 'bad_outcome'>;`)).toEqual([]);
			expect(scan(`type Kind = 'public' | 'reporter' | 'staff';`)).toEqual([]);
		});
	});
});
