import { expect, it } from 'vitest';
import { rootFingerprint } from '../../crypto/directory';
import { replaceRootKey } from '../../../../tests/support/replaced-root';
import { describeDb } from '../../../../tests/support/reporter-server';
import { choice, input, setupWith, worldOf } from '../../../../tests/support/submit-setup';
import { prepareRecipients, rootMismatchOf } from './recipients';
import { submitReport } from './submit';
import { ReportError } from './errors';

/*
 * Issue 15: the reporter page checks the organ's directory against the root key pinned for the deployment
 * (served with the page, never the database copy). Someone who can write to the database replaces the
 * root key there; the page refuses to seal anything to what is served under it, and tells the reporter
 * which 校验码 it expected and which one it was given.
 */
describeDb('the pinned root on the reporter page (real handlers)', (get) => {
	const world = worldOf(get);

	it('accepts the directory under the pinned root', async () => {
		const { options, world: w } = await setupWith(get, world);
		const p = await prepareRecipients(choice, { ...options, pinnedRootPublicKey: w.root.publicKey });
		expect(p.fingerprint).toBe(rootFingerprint(w.root.publicKey));
		expect(p.recipientCount).toBe(2);
	});

	it('refuses a root key replaced in the database, whether the server serves it or not, and sends no report', async () => {
		const { server, options, world: w } = await setupWith(get, world);
		const pinned = w.root.publicKey.slice();
		const { forged, pinOriginal, restore } = await replaceRootKey(get().db, pinned, true);
		try {
			// A server that serves the database's (replaced) key: the page's pinned key refuses it.
			const refused = await prepareRecipients(choice, { ...options, pinnedRootPublicKey: pinned }).catch((e) => e);
			expect(refused).toBeInstanceOf(ReportError);
			expect(refused).toMatchObject({ code: 'root_changed' });
			expect(rootMismatchOf(refused)).toEqual({
				expected: rootFingerprint(pinned),
				served: rootFingerprint(forged.publicKey)
			});
			// The whole submission stops before anything is encrypted or sent.
			const before = server.requests.length;
			await expect(submitReport(input(), { ...options, pinnedRootPublicKey: pinned })).rejects.toMatchObject({
				code: 'root_changed'
			});
			expect(server.requests.slice(before).map((r) => r.path)).toEqual(['/api/v1/routing', '/api/v1/directory']);
			// The server as shipped keeps its configured pin: it serves no directory for the replaced key at all.
			pinOriginal();
			const honest = await prepareRecipients(choice, { ...options, pinnedRootPublicKey: pinned }).catch((e) => e);
			expect(honest).toBeInstanceOf(ReportError);
			expect(rootMismatchOf(honest)).toBeNull();
			expect(honest).toMatchObject({ code: 'not_deliverable' }); // no trusted root: nobody can receive
		} finally {
			await restore();
		}
		expect(server.requests.filter((r) => r.path === '/api/v1/reports' || r.path.startsWith('/api/v1/intake'))).toEqual(
			[]
		);
	});

	it('refuses every directory when the page was served without a pinned root', async () => {
		const { server, options } = await setupWith(get, world);
		await expect(prepareRecipients(choice, { ...options, pinnedRootPublicKey: null })).rejects.toMatchObject({
			code: 'no_recipients'
		});
		expect(server.requests.map((r) => r.path)).toEqual(['/api/v1/routing']);
	});
});

it('rootMismatchOf answers only for a root mismatch', () => {
	expect(rootMismatchOf(new ReportError('root_changed', 'no cause'))).toBeNull();
	expect(rootMismatchOf(new ReportError('directory_untrusted', 'x'))).toBeNull();
	expect(rootMismatchOf(new Error('x'))).toBeNull();
});
