import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The layer rules of eslint.config.js (README, "Where things are"), run through ESLint's Node API on
// one-line files placed at the paths they would have: each forbidden import is reported, its allowed
// neighbours are not. Relative paths mean a different folder from each depth, so both are tried.
const root = path.resolve(__dirname, '../..');
let eslint: ESLint;

beforeAll(() => {
	eslint = new ESLint({ cwd: root });
});

function source(file: string, spec: string, form: 'import' | 'export'): string {
	const line = form === 'import' ? `import '${spec}';` : `export * from '${spec}';`;
	return file.endsWith('.svelte') ? `<script lang="ts">\n\t${line}\n</script>\n` : `${line}\n`;
}

/** Every message ESLint gives for a file at `file` (relative to the root) holding only that import. */
async function lint(file: string, spec: string, form: 'import' | 'export' = 'import') {
	const [result] = await eslint.lintText(source(file, spec, form), { filePath: path.join(root, file) });
	return result!.messages.map((m) => ({ rule: m.ruleId, message: m.message }));
}

const CLIENT = 'Client code must not import src/lib/server';
const SERVER = 'src/lib/server must not import browser code';
const SHARED = 'src/lib/shared is pure and isomorphic';
const I18N = 'src/lib/i18n is isomorphic';
const CRYPTO = 'src/lib/crypto imports nothing of ours outside src/lib/crypto';

type Case = [file: string, spec: string];

/** Each case: the file, the import, and the message expected (null: allowed). */
const cases: { layer: string; forbidden: Case[]; allowed: Case[]; message: string }[] = [
	{
		layer: 'src/lib/crypto',
		message: CRYPTO,
		forbidden: [
			['src/lib/crypto/x.ts', '$lib/server/db'],
			['src/lib/crypto/x.ts', '$lib/shared/categories'],
			['src/lib/crypto/x.ts', '$lib/paraglide/messages'],
			['src/lib/crypto/x.ts', '$lib'],
			['src/lib/crypto/x.ts', '$app/environment'],
			['src/lib/crypto/x.ts', '$env/dynamic/private'],
			['src/lib/crypto/x.ts', '/src/lib/client/keyring'],
			['src/lib/crypto/x.ts', '../server/db'],
			['src/lib/crypto/x.ts', '../reporting-limits'],
			['src/lib/crypto/x.ts', '..'],
			['src/lib/crypto/x.ts', './../shared/categories'],
			['src/lib/crypto/x.ts', '../../routes/+layout'],
			['src/lib/crypto/x.ts', '../../../vite.config'],
			['src/lib/crypto/x.ts', '../../../../elsewhere/x'],
			['src/lib/crypto/vectors/compute.ts', '../../client/keyring'],
			['src/lib/crypto/vectors/compute.ts', '../../crypto-elsewhere/x']
		],
		allowed: [
			['src/lib/crypto/x.ts', './seal'],
			['src/lib/crypto/x.ts', '../crypto/seal'],
			['src/lib/crypto/x.ts', '$lib/crypto/seal'],
			['src/lib/crypto/x.ts', 'tweetnacl'],
			['src/lib/crypto/x.ts', 'node:crypto'],
			['src/lib/crypto/x.ts', 'hash-wasm'],
			['src/lib/crypto/vectors/compute.ts', '../attachment'],
			['src/lib/crypto/vectors/compute.ts', '../../crypto/seal']
		]
	},
	{
		layer: 'src/lib/shared',
		message: SHARED,
		forbidden: [
			['src/lib/shared/x.ts', '$lib/server/db'],
			['src/lib/shared/x.ts', '$lib/client/keyring'],
			['src/lib/shared/x.ts', '$lib/components/categories'],
			['src/lib/shared/x.ts', '$app/environment'],
			['src/lib/shared/x.ts', '../server/db'],
			['src/lib/shared/x.ts', '../client/keyring'],
			['src/lib/shared/x.ts', '../../routes/+layout'],
			['src/lib/shared/wire/x.ts', '../../server/db'],
			['src/lib/shared/wire/x.ts', '../../../lib/client/keyring'],
			// Labels are not the contract: they live in src/lib/i18n.
			['src/lib/shared/x.ts', '$lib/paraglide/messages'],
			['src/lib/shared/x.ts', '../paraglide/runtime'],
			['src/lib/shared/x.ts', '$lib/i18n/labels'],
			['src/lib/shared/vocabulary/x.ts', '../../i18n/labels'],
			['src/lib/shared/wire/x.ts', '../../paraglide/messages']
		],
		allowed: [
			['src/lib/shared/x.ts', './vocabulary'],
			['src/lib/shared/x.ts', '$lib/shared/vocabulary'],
			['src/lib/shared/x.ts', '$lib/crypto/seal'],
			['src/lib/shared/x.ts', '../crypto/seal'],
			['src/lib/shared/x.ts', 'valibot'],
			['src/lib/shared/wire/x.ts', '../vocabulary'],
			['src/lib/shared/wire/x.ts', '../../crypto/seal'],
			['src/lib/shared/wire/x.ts', '../../../lib/shared/vocabulary']
		]
	},
	{
		layer: 'src/lib/i18n',
		message: I18N,
		forbidden: [
			['src/lib/i18n/x.ts', '$lib/server/db'],
			['src/lib/i18n/x.ts', '$lib/server/workflow'],
			['src/lib/i18n/x.ts', '$lib/client/keyring'],
			['src/lib/i18n/x.ts', '$lib/components/X.svelte'],
			['src/lib/i18n/x.ts', '$app/environment'],
			['src/lib/i18n/x.ts', '../server/workflow'],
			['src/lib/i18n/x.ts', '../client/keyring'],
			['src/lib/i18n/x.ts', '../components/report/taxonomy'],
			['src/lib/i18n/x.ts', '../../routes/+layout'],
			['src/lib/i18n/x.ts', '../../hooks.server']
		],
		allowed: [
			['src/lib/i18n/x.ts', './lookup'],
			['src/lib/i18n/x.ts', '$lib/paraglide/messages'],
			['src/lib/i18n/x.ts', '../paraglide/runtime'],
			['src/lib/i18n/x.ts', '$lib/shared/vocabulary/report'],
			['src/lib/i18n/x.ts', '../shared/vocabulary/org'],
			['src/lib/i18n/x.ts', '$lib/crypto/encoding'],
			['src/lib/i18n/x.ts', 'valibot']
		]
	},
	{
		layer: 'client code',
		message: CLIENT,
		forbidden: [
			['src/lib/client/x.ts', '$lib/server/db'],
			['src/lib/client/x.ts', '$lib/server'],
			['src/lib/client/x.ts', '/src/lib/server/db'],
			['src/lib/client/x.ts', '../server/db'],
			['src/lib/client/x.ts', '../../lib/server/db'],
			['src/lib/client/staff/x.ts', '../../server/db'],
			['src/lib/components/X.svelte', '$lib/server/db'],
			['src/lib/components/X.svelte', '../server/db'],
			['src/lib/components/staff/X.svelte', '../../server/workflow'],
			['src/lib/components/x.ts', '$lib/server/db'],
			['src/routes/+layout.svelte', '$lib/server/db'],
			['src/routes/+layout.svelte', '../lib/server/db'],
			['src/routes/(public)/report/+page.svelte', '$lib/server/db'],
			['src/routes/(public)/report/+page.svelte', '../../../lib/server/db'],
			['src/routes/(public)/report/Step.svelte', '$lib/server/db'],
			['src/routes/staff/(app)/+page.ts', '$lib/server/db'],
			['src/routes/staff/(app)/+layout.ts', '$lib/server/auth'],
			['src/routes/staff/(app)/+layout.js', '$lib/server/auth'],
			['src/routes/staff/(app)/reports/[id]/+page.ts', '../../../../../lib/server/db'],
			['src/hooks.ts', '$lib/server/db'],
			['src/hooks.ts', './lib/server/db']
		],
		allowed: [
			['src/lib/client/x.ts', '$lib/crypto/seal'],
			['src/lib/client/x.ts', '../crypto/seal'],
			['src/lib/client/x.ts', '$lib/shared/categories'],
			['src/lib/client/x.ts', '$lib/shared/vocabulary/report'],
			['src/lib/client/x.ts', '$lib/i18n/labels'],
			['src/lib/client/x.ts', '$lib/server-time'],
			['src/lib/client/staff/x.ts', '../server/sync'], // src/lib/client/server: not the server layer
			['src/lib/components/X.svelte', '$lib/client/keyring'],
			['src/routes/(public)/report/+page.svelte', '$lib/components/X.svelte'],
			['src/routes/staff/(app)/+page.server.ts', '$lib/server/db'],
			['src/routes/staff/(app)/+layout.server.ts', '$lib/server/auth'],
			['src/routes/api/v1/pow/+server.ts', '$lib/server/db'],
			['src/hooks.server.ts', '$lib/server/db']
		]
	},
	{
		layer: 'src/lib/server',
		message: SERVER,
		forbidden: [
			['src/lib/server/x.ts', '$lib/client/keyring'],
			['src/lib/server/x.ts', '$lib/components/X.svelte'],
			['src/lib/server/x.ts', '../client/keyring'],
			['src/lib/server/x.ts', '../components/x'],
			['src/lib/server/backoffice/x.ts', '../../components/x'],
			['src/lib/server/backoffice/x.ts', '../../../lib/client/keyring'],
			['src/lib/server/backoffice/x.test.ts', '$lib/client/keyring']
		],
		allowed: [
			['src/lib/server/x.ts', './db'],
			['src/lib/server/x.ts', '$lib/shared/categories'],
			['src/lib/server/x.ts', '$lib/shared/vocabulary/report'],
			['src/lib/server/x.ts', '$lib/i18n/staff'],
			['src/lib/server/x.ts', '$lib/crypto/seal'],
			['src/lib/server/x.ts', '$lib/paraglide/messages'],
			['src/lib/server/db/x.ts', '../client'] // a module src/lib/server/client.ts
		]
	}
];

describe('layer rules (eslint.config.js)', () => {
	for (const { layer, message, forbidden, allowed } of cases) {
		describe(layer, () => {
			it.each(forbidden)('%s may not import %s', async (file, spec) => {
				const messages = await lint(file, spec);
				expect(messages).toHaveLength(1);
				expect(messages[0]!.rule).toBe('no-restricted-imports');
				expect(messages[0]!.message).toContain(message);
			});
			it.each(allowed)('%s may import %s', async (file, spec) => {
				expect(await lint(file, spec)).toEqual([]);
			});
		});
	}

	it('keeps tests/support ($support) out of everything that ships, and lets tests use it', async () => {
		const SUPPORT = 'tests/support ($support) is for tests';
		for (const [file, spec] of [
			['src/lib/server/x.ts', '$support/db'],
			['src/lib/crypto/x.ts', '$support/crypto'],
			['src/routes/x/+page.server.ts', '$support/backoffice'],
			['src/lib/components/X.svelte', '$support/in-process'],
			['src/lib/server/org/x.ts', '../../../../tests/support/db'],
			['scripts/x.ts', '../tests/support/db']
		]) {
			const messages = await lint(file!, spec!);
			expect(messages, `${file} importing ${spec}`).toEqual([
				{ rule: 'no-restricted-syntax', message: expect.stringContaining(SUPPORT) }
			]);
		}
		for (const [file, spec] of [
			['src/lib/server/x.test.ts', '$support/db'],
			['src/lib/crypto/x.test.ts', '$support/crypto'],
			['src/lib/client/report/x.test.ts', '../../../../tests/support/in-process']
		]) {
			expect(await lint(file!, spec!), `${file} importing ${spec}`).toEqual([]);
		}
	});

	it('also catches re-exports', async () => {
		expect(await lint('src/lib/client/x.ts', '$lib/server/db', 'export')).toEqual([
			{ rule: 'no-restricted-imports', message: expect.stringContaining(CLIENT) }
		]);
		expect(await lint('src/lib/crypto/x.ts', '../shared/categories', 'export')).toEqual([
			{ rule: 'no-restricted-imports', message: expect.stringContaining(CRYPTO) }
		]);
	});

	it('covers every file of the layers at its depth', async () => {
		const layered =
			/^src\/(lib\/(client|components|server|shared|i18n|crypto)\/.*\.(ts|js|svelte)|routes\/.*(\.svelte|\/\+(page|layout)\.[jt]s))$/;
		const files: string[] = [];
		const walk = (dir: string) => {
			for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
				const rel = `${dir}/${e.name}`;
				if (e.isDirectory()) walk(rel);
				else if (layered.test(rel)) files.push(rel);
			}
		};
		walk('src');
		expect(files.length).toBeGreaterThan(200);
		const uncovered: string[] = [];
		for (const f of files) {
			const config = await eslint.calculateConfigForFile(path.join(root, f));
			if (!config?.rules?.['no-restricted-imports']) uncovered.push(f);
		}
		expect(uncovered).toEqual([]);
	});
});
