import { describe, expect, it } from 'vitest';
import { encodeBase64 } from '@oslojs/encoding';
import { generateRootKey, newEntryId, rootFingerprint, signDirectoryEntry } from '../../crypto/directory';
import type { DirectoryResponse, RoutingAnswer } from '../../shared/wire/public';
import { prepareRecipients, verifyRecipients } from './recipients';
import type { RoutingChoice } from './routing';

/*
 * Routing is asked once per report: the page shows the routing answer it fetched and verifies the directory
 * for that same answer (`verifyRecipients`), and the submission seals to what that returned. These tests
 * record every request a stub server gets.
 */

const NOW = 1_780_000_000_000;
const root = generateRootKey();
const choice: RoutingChoice = {
	unit: 'u-1',
	position: 'top_leader',
	category: 'integrity',
	escalate: false,
	realName: false
};
const routing: RoutingAnswer = {
	unit: { id: 'u-1', name: '银清县', level: 'county', regionPath: '示范省/银清县' },
	position: 'top_leader',
	escalate: false,
	organ: { id: 'o-1', name: '银清县纪委监委', level: 'county' },
	deliverable: true,
	explanation: { zh: '同级纪委监委', en: 'the discipline organ of the same level' }
};
const entry = () =>
	signDirectoryEntry(
		{
			entryId: newEntryId(),
			staffId: 's1',
			organId: 'o-1',
			role: 'inspector',
			publicKey: new Uint8Array(32).fill(9),
			notBefore: NOW / 1000 - 10,
			notAfter: NOW / 1000 + 1000
		},
		root.secretKey
	);
const directory: DirectoryResponse = {
	organ: 'o-1',
	suite: 'nacl',
	root: { publicKey: encodeBase64(root.publicKey), fingerprint: rootFingerprint(root.publicKey) },
	entries: [encodeBase64(entry()), encodeBase64(entry())],
	revocations: null
};

/** A stub server answering routing and directory, recording what was asked: method, path and body. */
function server(answers: { routing?: unknown; directory?: unknown } = {}) {
	const asked: string[] = [];
	const fetch = async (url: string, init?: RequestInit) => {
		asked.push(`${init?.method ?? 'GET'} ${url} ${typeof init?.body === 'string' ? init.body : ''}`.trim());
		const post = init?.method === 'POST';
		const body =
			post && url === '/api/v1/routing'
				? (answers.routing ?? routing)
				: post && url === '/api/v1/directory'
					? (answers.directory ?? directory)
					: null;
		return new Response(JSON.stringify(body), { status: body === null ? 404 : 200 });
	};
	return { asked, options: { fetch, now: () => NOW } };
}

describe('verifyRecipients', () => {
	it('verifies the directory for a routing answer already fetched, without asking routing again', async () => {
		const s = server();
		const r = await verifyRecipients(choice, routing, s.options);
		// Issue 14: POST bodies, nothing of the target in the URL.
		expect(s.asked).toEqual(['POST /api/v1/directory {"organ":"o-1","unit":"u-1"}']);
		expect(r.recipientCount).toBe(2);
		expect(r.rejectedCount).toBe(0);
		expect(r.fingerprint).toBe(rootFingerprint(root.publicKey));
		expect(r.organ).toEqual(routing.organ);
		expect(r.routing).toBe(routing);
		expect(r.choice).toBe(choice);
	});

	it('refuses an undeliverable answer and one without its unit before any request', async () => {
		const s = server();
		await expect(verifyRecipients(choice, { ...routing, deliverable: false }, s.options)).rejects.toMatchObject({
			code: 'not_deliverable'
		});
		await expect(verifyRecipients(choice, { ...routing, unit: null }, s.options)).rejects.toMatchObject({
			code: 'server'
		});
		expect(s.asked).toEqual([]);
	});

	it('refuses a directory that cannot be trusted and a root other than the pinned one', async () => {
		const bad = server({ directory: { ...directory, root: { ...directory.root, fingerprint: '00000' } } });
		await expect(verifyRecipients(choice, routing, bad.options)).rejects.toMatchObject({
			code: 'directory_untrusted'
		});
		const pinned = server();
		await expect(
			verifyRecipients(choice, routing, { ...pinned.options, pinnedRootPublicKey: generateRootKey().publicKey })
		).rejects.toMatchObject({ code: 'root_changed' });
	});

	it('refuses a directory of another cipher suite than the page was served with, both ways (issue 21)', async () => {
		const s = server();
		const nacl = await verifyRecipients(choice, routing, { ...s.options, pinnedSuite: 'nacl' });
		expect(nacl.suite).toBe('nacl');
		await expect(verifyRecipients(choice, routing, { ...s.options, pinnedSuite: 'gm' })).rejects.toMatchObject({
			code: 'directory_untrusted',
			cause: { code: 'SUITE_MISMATCH' }
		});
		const gmServer = server({ directory: { ...directory, suite: 'gm' } });
		await expect(verifyRecipients(choice, routing, gmServer.options)).rejects.toMatchObject({
			code: 'directory_untrusted',
			cause: { code: 'SUITE_MISMATCH' }
		});
	});
});

describe('prepareRecipients', () => {
	it('asks routing once, then the directory of the organ it names', async () => {
		const s = server();
		const r = await prepareRecipients(choice, s.options);
		expect(s.asked).toEqual([
			'POST /api/v1/routing {"unit":"u-1","position":"top_leader","escalate":false}',
			'POST /api/v1/directory {"organ":"o-1","unit":"u-1"}'
		]);
		expect(r.recipientCount).toBe(2);
	});

	it('refuses a routing answer that names no organ', async () => {
		const s = server({ routing: { ...routing, organ: null } });
		await expect(prepareRecipients(choice, s.options)).rejects.toMatchObject({ code: 'server' });
		expect(s.asked).toHaveLength(1);
	});
});
