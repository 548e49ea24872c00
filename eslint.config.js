/**
 * ESLint: the recommended rules of JavaScript, typescript-eslint and eslint-plugin-svelte (Prettier owns the
 * layout: eslint-config-prettier turns off what it would fight), plus the layer rules of the architecture,
 * floors that only look down (README, "Where things are"):
 * - src/lib/crypto imports nothing of ours outside src/lib/crypto: packages only;
 * - src/lib/shared (pure and isomorphic: the browser↔server contract) imports only src/lib/shared and
 *   src/lib/crypto; labels are not the contract, so not the messages either;
 * - src/lib/i18n (the labels of the shared codes, isomorphic) imports only src/lib/i18n, src/lib/shared,
 *   src/lib/crypto and the compiled messages (src/lib/paraglide);
 * - browser code (src/lib/client, src/lib/components, the .svelte files and universal +page/+layout files of
 *   src/routes, src/hooks.ts) never imports src/lib/server;
 * - src/lib/server imports neither src/lib/client nor src/lib/components.
 * Each is core `no-restricted-imports` with regexes covering `$lib/…` aliases, root paths (`/src/lib/…`)
 * and relative paths. A relative path means a different folder from each depth, so the rules are generated
 * per folder depth below each layer and match exactly the relative paths that land in a forbidden folder.
 * tests/unit/lint-layers.test.ts proves that each rule fires.
 */
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/** Deepest folder nesting below a layer's root that the layer rules cover (routes reach 6 today). */
const MAX_DEPTH = 12;

const esc = (/** @type {string} */ s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const segments = (/** @type {string} */ p) => p.split('/');
const startsWith = (/** @type {string[]} */ a, /** @type {string[]} */ prefix) =>
	prefix.length <= a.length && prefix.every((s, i) => a[i] === s);
/** `n` parent steps (`../`), optionally after a `./`. */
const up = (/** @type {number} */ n) => `^(?:\\./)?(?:\\.\\./){${n}}`;

/**
 * Regexes of the imports, from a file `depth` folders below the folder `base`, that land in `target`
 * (folders relative to the repository root).
 * @param {string} base @param {number} depth @param {string} target
 * @returns {string[]}
 */
function importsInto(base, depth, target) {
	const b = segments(base);
	const t = segments(target);
	if (startsWith(b, t)) throw new Error(`${base} lies inside ${target}`);
	if (startsWith(t, b) && depth > 0) throw new Error(`${target} lies inside ${base}: give a narrower base`);
	const tail = '(?:/|$)';
	const out = [`^/${esc(target)}${tail}`];
	if (target.startsWith('src/lib/')) out.push(`^\\$lib/${esc(target.slice('src/lib/'.length))}${tail}`);
	if (depth === 0 && startsWith(t, b)) out.push(`^\\./${esc(t.slice(b.length).join('/'))}${tail}`);
	// Going up past the file's own folders leaves `base`; from the folder reached, the rest must lead to target.
	for (let n = depth + 1; n <= depth + b.length; n++) {
		const reached = b.slice(0, b.length - (n - depth));
		if (startsWith(t, reached)) out.push(`${up(n)}${esc(t.slice(reached.length).join('/'))}${tail}`);
	}
	return out;
}

/**
 * Regexes of the imports, from a file `depth` folders below the folder `base`, that reach anything of ours
 * outside the folders `allowed` (`base` lies inside one of them): other `$` aliases, root paths and relative
 * paths that leave them. Package imports stay allowed.
 * @param {string} base @param {number} depth @param {string[]} allowed
 * @returns {string[]}
 */
function importsOutside(base, depth, allowed) {
	const b = segments(base);
	const a = allowed.map(segments);
	if (!a.some((x) => startsWith(b, x))) throw new Error(`${base} lies outside ${allowed.join(', ')}`);
	const tail = '(?:/|$)';
	const alias = allowed.filter((x) => x.startsWith('src/lib/')).map((x) => esc(x.slice('src/lib/'.length)));
	// `$support` (tests/support) is for tests only; the rule below keeps it out of every other file.
	const out = ['^/', `^\\$(?!lib/(?:${alias.join('|')})${tail}|support${tail})`];
	for (let n = depth + 1; n <= depth + b.length; n++) {
		const reached = b.slice(0, b.length - (n - depth));
		const rests = a.filter((x) => startsWith(x, reached) && x.length > reached.length);
		const ok = rests.map((x) => esc(x.slice(reached.length).join('/')));
		// Further `../` steps are the next n's business, except above the repository root, where all are out.
		const further = reached.length > 0 ? '(?!\\.\\.(?:/|$))' : '';
		out.push(`^(?:\\./)?(?:\\.\\.(?:/|$)){${n}}${further}${ok.length ? `(?!(?:${ok.join('|')})${tail})` : ''}`);
	}
	return out;
}

/**
 * One config object per folder depth below `base`: `no-restricted-imports` with the given regexes.
 * @param {{ base: string, files: string[], message: string, regexes: (depth: number) => string[] }} layer
 */
function layerRule({ base, files, message, regexes }) {
	return Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => ({
		name: `qingfeng/layers:${base}:${depth}`,
		files: files.map((f) => `${base}/${'*/'.repeat(depth)}${f}`),
		rules: {
			'no-restricted-imports': ['error', { patterns: regexes(depth).map((regex) => ({ regex, message })) }]
		}
	}));
}

const ANY = '*';
const SERVER = 'src/lib/server';
const CLIENT_MESSAGE =
	'Client code must not import src/lib/server (server-only). Move what both sides need to src/lib/shared.';

/**
 * The layer rules. A file gets the `no-restricted-imports` of the last block that matches it, so the
 * narrower layers come last and repeat what the broader ones forbid.
 */
const layers = [
	// Universal route files and every component: they run in the browser.
	...layerRule({
		base: 'src/routes',
		files: ['*.svelte', '+page.ts', '+page.js', '+layout.ts', '+layout.js'],
		message: CLIENT_MESSAGE,
		regexes: (d) => importsInto('src/routes', d, SERVER)
	}),
	{
		name: 'qingfeng/layers:src/hooks',
		files: ['src/hooks.ts', 'src/hooks.js'],
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: importsInto('src', 0, SERVER).map((regex) => ({ regex, message: CLIENT_MESSAGE })) }
			]
		}
	},
	...['src/lib/client', 'src/lib/components'].flatMap((base) =>
		layerRule({ base, files: [ANY], message: CLIENT_MESSAGE, regexes: (d) => importsInto(base, d, SERVER) })
	),
	...layerRule({
		base: SERVER,
		files: [ANY],
		message: 'src/lib/server must not import browser code (src/lib/client, src/lib/components).',
		regexes: (d) => [...importsInto(SERVER, d, 'src/lib/client'), ...importsInto(SERVER, d, 'src/lib/components')]
	}),
	...layerRule({
		base: 'src/lib/shared',
		files: [ANY],
		message:
			'src/lib/shared is pure and isomorphic: it imports only src/lib/shared, src/lib/crypto and packages (labels go to src/lib/i18n).',
		regexes: (d) => importsOutside('src/lib/shared', d, ['src/lib/shared', 'src/lib/crypto'])
	}),
	...layerRule({
		base: 'src/lib/i18n',
		files: [ANY],
		message:
			'src/lib/i18n is isomorphic: it imports only src/lib/i18n, src/lib/shared, src/lib/crypto, the messages and packages.',
		regexes: (d) =>
			importsOutside('src/lib/i18n', d, ['src/lib/i18n', 'src/lib/shared', 'src/lib/crypto', 'src/lib/paraglide'])
	}),
	...layerRule({
		base: 'src/lib/crypto',
		files: [ANY],
		message: 'src/lib/crypto imports nothing of ours outside src/lib/crypto (packages only).',
		regexes: (d) => importsOutside('src/lib/crypto', d, ['src/lib/crypto'])
	})
];

/**
 * Test doubles, fixtures and test worlds live in tests/support (`$support/…`): a test may import them, nothing
 * that ships may. tests/unit/lint-layers.test.ts proves it.
 */
const TEST_SUPPORT_MESSAGE = 'tests/support ($support) is for tests: code that ships must not import it.';
const TEST_SUPPORT_SOURCE = '/^(\\$support(\\/|$)|(\\.\\.?\\/)+(\\.\\.\\/)*tests\\/|\\/tests\\/)/';
const testSupport = {
	name: 'qingfeng/test-support',
	files: ['src/**/*.ts', 'src/**/*.js', 'src/**/*.svelte', 'scripts/**/*.ts', 'scripts/**/*.js'],
	ignores: ['**/*.test.ts', '**/*.test.js'],
	rules: {
		'no-restricted-syntax': [
			'error',
			...['ImportDeclaration', 'ExportAllDeclaration', 'ExportNamedDeclaration', 'ImportExpression'].map((node) => ({
				selector: `${node}[source.value=${TEST_SUPPORT_SOURCE}]`,
				message: TEST_SUPPORT_MESSAGE
			}))
		]
	}
};

export default defineConfig(
	globalIgnores([
		'.svelte-kit/',
		'build/',
		'data/',
		'test-results/',
		'tests/.tmp/',
		'src/lib/paraglide/',
		'project.inlang/'
	]),
	js.configs.recommended,
	ts.configs.recommended,
	svelte.configs.recommended,
	prettier,
	svelte.configs.prettier,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } }
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'], svelteConfig }
		}
	},
	{
		// TypeScript (svelte-check) already knows which names exist; no-undef only gets types wrong.
		files: ['**/*.ts', '**/*.svelte'],
		rules: { 'no-undef': 'off' }
	},
	{
		rules: {
			// `_name` marks a value unused on purpose; `const { drop, ...rest } = x` takes `drop` out.
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }
			],
			// Links go through paraglide's localizeHref (the locale prefix); there is no base path for resolve() to
			// add, and resolve() only takes literal route ids. goto() and the history functions stay checked.
			'svelte/no-navigation-without-resolve': ['error', { ignoreLinks: true }]
		}
	},
	layers,
	testSupport
);
