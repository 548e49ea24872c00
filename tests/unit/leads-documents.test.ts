/**
 * Issue 17, documents attached to a lead, through the server core with the browser's crypto in Node
 * (src/lib/client/staff/lead-documents.ts): a document round-trips (name, type, bytes), opens only as a
 * document of its lead, is refused to non-members, is audited, and neither its bytes' canary nor its name
 * is in any table.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { utf8, type BoxKeyPair } from '$lib/crypto';
import type { StaffUser } from '$lib/server/auth/session';
import type { Db } from '$lib/server/db';
import { auditLog, staffUser } from '$lib/server/db/schema';
import type { StaffCtx } from '$lib/server/backoffice/context';
import type { Download } from '$lib/server/http/result';
import { directoryApi } from '$lib/server/keys/api';
import { addLeadDocument, openLeadDocument } from '$lib/server/leads/documents';
import { organKeyState, storeOrganKey } from '$lib/server/leads/organ-key';
import { openLead } from '$lib/server/leads/read';
import { createLead } from '$lib/server/leads/register';
import { decryptDocument, encryptDocument } from '$lib/client/staff/lead-documents';
import { buildLead, loadT2s, openOrganKeys, sealNewVersion, type OrganKeys } from '$lib/client/staff/leads-crypto';
import type { LeadView } from '$lib/shared/wire/leads';
import { describeDb } from '$support/db';
import { buildBackofficeWorld, NOW, publicRowsDump, type BoWorld, type Member } from '$support/backoffice';
import { findCanary } from '../e2e/dump';

const CANARY = 'canary-leaddoc-81fa';

describeDb('lead documents', (get) => {
	let w: BoWorld;
	let db: Db;
	const users = new Map<string, StaffUser>();
	const ctx = (m: Member): StaffCtx => ({ db, user: users.get(m.id)!, now: NOW });
	const value = <T>(r: { ok: boolean }): T => {
		if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
		return (r as unknown as { value: T }).value;
	};
	let keys: OrganKeys;
	const leads: string[] = [];

	const bytesOf = async (d: Download) => {
		const parts: Uint8Array[] = [];
		for await (const p of d.body as AsyncIterable<Uint8Array>) parts.push(p);
		return new Uint8Array(Buffer.concat(parts));
	};

	beforeAll(async () => {
		db = get().db;
		w = await buildBackofficeWorld(db);
		for (const u of await db.select().from(staffUser)) users.set(u.id, u);
		const t2s = await loadT2s();
		const state = value<Parameters<typeof openOrganKeys>[0]>(await organKeyState(ctx(w.alice), 'o-city'));
		const dir = (await directoryApi(db, new URLSearchParams({ organ: 'o-city' }), NOW)).body;
		value(
			await storeOrganKey(
				ctx(w.alice),
				sealNewVersion(state, dir, { now: NOW, pinnedRootPublicKey: w.root.publicKey }).request
			)
		);
		const opened = value<Parameters<typeof openOrganKeys>[0]>(await organKeyState(ctx(w.bob), 'o-city'));
		keys = openOrganKeys(opened, w.bob.keyPair as BoxKeyPair)!;
		for (const name of ['周平', '吴刚'])
			leads.push(
				value<{ id: string }>(
					await createLead(
						ctx(w.bob),
						buildLead(
							keys,
							{
								source: 'audit',
								details: { matter: '审计移交' },
								persons: [{ name, unit: '东区审计局', post: '科长', level: 'section' }]
							},
							t2s
						)
					)
				).id
			);
	});

	it('round-trips a document; it opens only as a document of its lead; others get 404', async () => {
		const lead = { id: leads[0]!, organId: 'o-city' };
		const data = utf8(`审计报告 ${CANARY} `.repeat(3000)); // several 64 KiB chunks
		const body = encryptDocument(keys, lead, data, { name: `${CANARY}.txt`, type: 'text/plain' });
		const { id } = value<{ id: string }>(await addLeadDocument(ctx(w.bob), lead.id, body));
		// Members list it; a non-member gets 404 for the lead, the list and the stream.
		const view = value<LeadView>(await openLead(ctx(w.hank), lead.id));
		expect(view.documents.map((d) => [d.id, d.keyVersion])).toEqual([[id, 1]]);
		expect(view.events.map((e) => e.kind)).toEqual(['create', 'document_add']);
		expect(await openLeadDocument(ctx(w.olga), lead.id, id)).toMatchObject({ ok: false, code: 'not_found' });
		expect(await addLeadDocument(ctx(w.olga), lead.id, body)).toMatchObject({ ok: false, code: 'not_found' });
		// Not under another lead's id, not twice, not a non-attachment.
		expect(await openLeadDocument(ctx(w.hank), leads[1]!, id)).toMatchObject({ ok: false, code: 'not_found' });
		expect(await addLeadDocument(ctx(w.bob), lead.id, body)).toMatchObject({ ok: false, code: 'invalid_field' });
		expect(
			await addLeadDocument(ctx(w.bob), lead.id, {
				keyVersion: 1,
				stream: Buffer.from('plain text').toString('base64')
			})
		).toMatchObject({ ok: false, code: 'bad_content' });
		expect(await addLeadDocument(ctx(w.bob), lead.id, { ...body, keyVersion: 7 })).toMatchObject({
			ok: false,
			code: 'wraps_stale'
		});
		// Hank's browser fetches and opens it.
		const hankKeys = openOrganKeys(
			value<Parameters<typeof openOrganKeys>[0]>(await organKeyState(ctx(w.hank), 'o-city')),
			w.hank.keyPair as BoxKeyPair
		)!;
		const stream = await bytesOf(value<Download>(await openLeadDocument(ctx(w.hank), lead.id, id)));
		const opened = decryptDocument(hankKeys, lead, 1, stream);
		expect(opened.name).toBe(`${CANARY}.txt`);
		expect(opened.type).toBe('text/plain');
		expect(Buffer.from(opened.data).equals(Buffer.from(data))).toBe(true);
		// The same stream does not open as a document of the other lead.
		expect(() => decryptDocument(hankKeys, { id: leads[1]!, organId: 'o-city' }, 1, stream)).toThrow();
		const audits = await db.select().from(auditLog).where(eq(auditLog.action, 'lead.document_open'));
		expect(audits.map((a) => a.details)).toEqual([{ lead: lead.id, document: id }]);
		expect(await db.select().from(auditLog).where(eq(auditLog.action, 'lead.document_add'))).toHaveLength(1);
	});

	it('no canary of a document (bytes or name) in any table', async () => {
		const dump = await publicRowsDump(db);
		expect(dump).toContain('lead_document');
		expect(findCanary(dump, CANARY)).toEqual([]);
	});
});
