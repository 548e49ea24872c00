/**
 * Issue 21: the server's shape checks of the lead register and the back office keep to the deployment's cipher
 * suite, in both directions and on both databases. For each suite the staff browser's real requests (made by
 * src/lib/client/staff/* with that suite) are accepted, and the same requests carrying the other suite's bytes
 * (organ-key wraps, index-key escrows, lead details and persons, lead documents, hand-down wraps, notes, grants)
 * are refused before anything is stored.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { encodeBase64 } from '@oslojs/encoding';
import { utf8, type BoxKeyPair } from '$lib/crypto';
import { gmSuite } from '$lib/crypto/gm/suite';
import { naclSuite } from '$lib/crypto/nacl-suite';
import { encryptNote } from '$lib/crypto/notes';
import type { Suite, SuiteId } from '$lib/crypto/suite';
import { useDeploymentSuite } from '$lib/client/deployment-suite';
import { buildHanddown } from '$lib/client/staff/handdown-crypto';
import { decryptDocument, encryptDocumentInWorker } from '$lib/client/staff/lead-documents';
import { sealEscrows } from '$lib/client/staff/leads-escrow';
import { buildLead, loadT2s, openOrganKeys, readLead, sealNewVersion } from '$lib/client/staff/leads-crypto';
import type { StaffUser } from '$lib/server/auth/session';
import { addNote } from '$lib/server/backoffice/case-conversation';
import { grant } from '$lib/server/backoffice/case-grants';
import type { StaffCtx } from '$lib/server/backoffice/context';
import type { Db } from '$lib/server/db';
import { organKeyWrap, staffUser } from '$lib/server/db/schema';
import { directoryApi } from '$lib/server/keys/api';
import { pinRootKey } from '$lib/server/keys/root-key';
import { addLeadDocument } from '$lib/server/leads/documents';
import { escrowState, storeEscrow } from '$lib/server/leads/escrow';
import { handDown } from '$lib/server/leads/handdown';
import { organKeyState, storeOrganKey } from '$lib/server/leads/organ-key';
import { openLead } from '$lib/server/leads/read';
import { createLead } from '$lib/server/leads/register';
import type { Converter } from '$lib/shared/person-name';
import type { EscrowState } from '$lib/shared/wire/leads-escrow';
import type { LeadView, OrganKeyState } from '$lib/shared/wire/leads';
import { describeDb } from '$support/db';
import { buildBackofficeWorld, NOW, storeReport, type BoWorld, type Member } from '$support/backoffice';

/** The crypto worker's protocol in-process (the lead page encrypts documents there); its requests recorded. */
const worker = vi.hoisted(() => ({ ops: [] as string[] }));
vi.mock('$lib/client/crypto-client', async (importOriginal) => {
	const actual = await importOriginal<typeof import('$lib/client/crypto-client')>();
	const { createCryptoProtocol } = await import('$lib/client/crypto-protocol');
	let listeners: ((e: Event) => void)[] = [];
	const protocol = createCryptoProtocol((m) => {
		const data = structuredClone(m);
		queueMicrotask(() => listeners.forEach((l) => l({ data } as unknown as Event)));
	});
	const client = new actual.CryptoWorkerClient(() => ({
		postMessage(message: unknown) {
			worker.ops.push(String((message as { op?: unknown }).op));
			void protocol.handle(structuredClone(message));
		},
		addEventListener(type: string, l: (e: Event) => void) {
			if (type === 'message') listeners.push(l);
		},
		terminate() {
			listeners = [];
		}
	}));
	return { ...actual, cryptoWorker: () => client };
});

const SUITES: Record<SuiteId, Suite> = { nacl: naclSuite, gm: gmSuite };
const b64 = (b: Uint8Array) => encodeBase64(b);

afterAll(async () => {
	pinRootKey(undefined);
	await useDeploymentSuite('nacl');
});

for (const id of ['nacl', 'gm'] as const) {
	const own = SUITES[id];
	const other = SUITES[id === 'gm' ? 'nacl' : 'gm'];
	/** A sealed key of the other suite (to a key of its own): well formed, of the wrong suite. */
	const otherSealed = () => b64(other.sealKey(new Uint8Array(32).fill(7), other.generateBoxKeyPair().publicKey));

	describeDb(`a ${id} deployment: the lead register and back office keep to its suite (issue 21)`, (get) => {
		let w: BoWorld;
		let db: Db;
		let t2s: Converter;
		const users = new Map<string, StaffUser>();
		const ctx = (m: Member): StaffCtx => ({ db, user: users.get(m.id)!, now: NOW });
		const value = <T>(r: { ok: boolean }): T => {
			if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
			return (r as unknown as { value: T }).value;
		};
		const dir = async (organ: string) => (await directoryApi(db, new URLSearchParams({ organ }), NOW)).body;
		const pins = () => ({ now: NOW, pinnedRootPublicKey: w.root.publicKey });
		const keysOf = async (m: Member) =>
			openOrganKeys(value<OrganKeyState>(await organKeyState(ctx(m), 'o-city')), m.keyPair as BoxKeyPair)!;
		const newLead = async (name: string) =>
			buildLead(
				await keysOf(w.alice),
				{
					source: 'audit',
					details: { matter: '审计移交' },
					persons: [{ name, unit: '东区', post: '科长', level: 'section' }]
				},
				t2s
			);

		beforeAll(async () => {
			db = get().db;
			await useDeploymentSuite(id); // the staff layout's step: the browser side writes this suite
			w = await buildBackofficeWorld(db, id); // and pins it for the server (QF_CRYPTO_SUITE)
			for (const u of await db.select().from(staffUser)) users.set(u.id, u);
			t2s = await loadT2s();
		});

		it('organ key: wraps of the deployment suite are stored; the other suite’s are bad_wraps, nothing stored', async () => {
			const state = value<OrganKeyState>(await organKeyState(ctx(w.alice), 'o-city'));
			const { request } = sealNewVersion(state, await dir('o-city'), pins());
			expect(request.wraps.map((x) => Buffer.from(x.sealed, 'base64')[0])).toEqual(
				request.wraps.map(() => own.version)
			);
			const allOther = { ...request, wraps: request.wraps.map((x) => ({ ...x, sealed: otherSealed() })) };
			const oneOther = { ...request, wraps: request.wraps.map((x, i) => (i ? x : { ...x, sealed: otherSealed() })) };
			for (const body of [allOther, oneOther])
				expect(await storeOrganKey(ctx(w.alice), body)).toMatchObject({ ok: false, code: 'bad_wraps' });
			expect(await db.select().from(organKeyWrap)).toEqual([]);
			expect(await storeOrganKey(ctx(w.alice), request)).toMatchObject({ ok: true, value: { version: 1 } });
			expect((await keysOf(w.bob)).current).toBe(1);
		});

		it('index-key escrow: sealed in the deployment suite is stored; the other suite’s is bad_wraps', async () => {
			const due = value<EscrowState>(await escrowState(ctx(w.alice), 'o-city')).due;
			const prov = due.find((d) => d.holderOrganId === 'o-prov')!;
			expect(prov.staff.sort()).toEqual([w.gina.id, w.carol.id].sort());
			const req = sealEscrows(await keysOf(w.alice), prov, await dir('o-prov'), pins())!;
			const forged = { ...req, wraps: req.wraps.map((x) => ({ ...x, sealed: otherSealed() })) };
			expect(await storeEscrow(ctx(w.alice), forged)).toMatchObject({ ok: false, code: 'bad_wraps' });
			expect(await storeEscrow(ctx(w.alice), req)).toMatchObject({ ok: true, value: { staff: 2 } });
		});

		it('lead details, persons and documents of the other suite are bad_content; its own (a document encrypted in the worker) are stored', async () => {
			const req = await newLead('周平');
			const foreign = b64(other.encryptContent(new Uint8Array(32).fill(3), utf8('{"matter":"x"}')));
			expect(await createLead(ctx(w.alice), { ...req, details: foreign })).toMatchObject({
				ok: false,
				code: 'bad_content',
				field: 'details'
			});
			const persons = req.persons.map((p) => ({ ...p, sealed: foreign }));
			expect(await createLead(ctx(w.alice), { ...req, persons })).toMatchObject({ ok: false, code: 'bad_content' });
			const leadId = value<{ id: string }>(await createLead(ctx(w.alice), req)).id;

			const keys = await keysOf(w.alice);
			// The lead page encrypts in the crypto worker, in the deployment's suite.
			worker.ops.length = 0;
			const lead = { id: leadId, organId: 'o-city' };
			const doc = await encryptDocumentInWorker(keys, lead, new Blob([utf8('审计报告') as Uint8Array<ArrayBuffer>]), {
				name: 'a.txt',
				type: 'text/plain'
			});
			expect(worker.ops).toEqual(['encryptAttachment']);
			expect(Buffer.from(doc.stream, 'base64')[0]).toBe(own.version);
			expect(decryptDocument(keys, lead, 1, Buffer.from(doc.stream, 'base64')).name).toBe('a.txt');
			const otherStream = other.encryptAttachment(new Uint8Array(32).fill(5), utf8('审计报告'), {
				name: 'a.txt',
				type: 'text/plain'
			});
			expect(await addLeadDocument(ctx(w.alice), leadId, { ...doc, stream: b64(otherStream) })).toMatchObject({
				ok: false,
				code: 'bad_content'
			});
			expect(await addLeadDocument(ctx(w.alice), leadId, doc)).toMatchObject({ ok: true });
		});

		it('hand-down: the other suite’s key wrap or seals are bad_content; its own is stored', async () => {
			const leadId = value<{ id: string }>(await createLead(ctx(w.alice), await newLead('吴刚'))).id;
			const keys = await keysOf(w.alice);
			const view = value<LeadView>(await openLead(ctx(w.alice), leadId));
			const body = buildHanddown(keys, view, readLead(keys, view), {
				toOrganId: 'o-k1',
				deadline: '2026-12-15',
				keepCopy: true,
				directoryAnswer: await dir('o-k1'),
				...pins()
			});
			const fromWrap = b64(other.wrapKey(new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)));
			expect(await handDown(ctx(w.alice), leadId, { ...body, fromWrap })).toMatchObject({
				ok: false,
				code: 'bad_content',
				field: 'fromWrap'
			});
			const wraps = body.wraps.map((x) => ({ ...x, sealed: otherSealed() }));
			expect(await handDown(ctx(w.alice), leadId, { ...body, wraps })).toMatchObject({
				ok: false,
				code: 'bad_content',
				field: 'wraps'
			});
			expect(await handDown(ctx(w.alice), leadId, body)).toMatchObject({ ok: true, value: { id: body.id } });
		});

		it('a case: notes and grants of the other suite are refused; of its own, stored', async () => {
			const r = await storeReport(db, { unitId: 'u-k1', recipients: [w.alice, w.bob, w.hank] });
			const note = (s: Suite) =>
				b64(encryptNote(r.reportKey, { reportId: r.id, authorId: w.alice.id, kind: 'note' }, utf8('内部'), s));
			expect(await addNote(ctx(w.alice), r.id, { body: note(other) })).toMatchObject({
				ok: false,
				code: 'bad_content'
			});
			expect(await addNote(ctx(w.alice), r.id, { body: note(own) })).toMatchObject({ ok: true });
			const carolKey = { staffId: w.carol.id, entryId: b64(w.carol.entryId!) };
			expect(await grant(ctx(w.alice), r.id, { ...carolKey, sealed: otherSealed() })).toMatchObject({
				ok: false,
				code: 'invalid_field',
				field: 'sealed'
			});
			const sealed = b64(own.sealKey(r.reportKey, w.carol.keyPair!.publicKey));
			expect(await grant(ctx(w.alice), r.id, { ...carolKey, sealed })).toMatchObject({ ok: true });
		});
	});
}
