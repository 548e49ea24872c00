import { beforeAll, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import {
	decryptAttachment,
	encodeBase64,
	encodeKdfSpec,
	generateReportKey,
	newKdfSpec,
	RECEIPT_KDF,
	wrapKey
} from '$lib/crypto';
import { attachment, report } from '$lib/server/db/schema';
import type { Db } from '$lib/server/db';
import { describeDb } from '$support/db';
import { parseReportBody, powApi } from '$lib/server/http/reporter';
import { databaseStorage, type AttachmentStorage } from '../storage';
import { commitReport } from './commit';
import {
	buildWorld,
	draft,
	keyStaff,
	NOW,
	SETTINGS,
	solved,
	type World
} from '../../../../../tests/support/reporter-world';

describeDb('the inline commit', (get) => {
	let world: World;
	/** A receipt of production parameters without the Argon2 work: the server only stores its hash. */
	const receipt = {
		kdfSpec: encodeKdfSpec(newKdfSpec(RECEIPT_KDF)),
		authHash: new Uint8Array(32).fill(7),
		wrappedFor: (k: Uint8Array) => wrapKey(k, generateReportKey())
	};
	beforeAll(async () => {
		world = await buildWorld(get().db);
	});

	it('writes its files through the attachment storage interface, in the commit transaction', async () => {
		const { db } = get();
		const recipients = [world.alice, world.bob].map((s) => ({ entryId: s.entryId, publicKey: s.keyPair.publicKey }));
		const plain = [new Uint8Array(5000).fill(3), new TextEncoder().encode('second')];
		const d = draft({ recipients, receipt, files: plain });
		const json = {
			...d.body('unused'),
			intake: undefined,
			pow: await solved(world.ctx(), 'intake', powApi),
			files: d.files.map((f) => encodeBase64(f))
		};
		const body = parseReportBody(JSON.parse(JSON.stringify(json)));
		if (!body.ok) throw new Error(body.code);

		const calls: { db: Db; attachmentId: string; idx: number; data: Uint8Array }[] = [];
		const storage = (tx: Db): AttachmentStorage => {
			const inner = databaseStorage(tx);
			return {
				...inner,
				async putPart(attachmentId, idx, data) {
					calls.push({ db: tx, attachmentId, idx, data });
					await inner.putPart(attachmentId, idx, data);
				}
			};
		};
		const r = await commitReport(db, body.value, SETTINGS, { now: NOW, storage });
		expect(r).toEqual({ ok: true, value: { locator: d.locator, receivedOn: '2026-11-27' } });

		const [row] = await db.select({ id: report.id }).from(report).where(eq(report.locator, d.locator));
		const files = await db
			.select({ id: attachment.id, fileNo: attachment.fileNo })
			.from(attachment)
			.where(eq(attachment.reportId, row!.id));
		expect(calls.map((c) => [c.attachmentId, c.idx, c.data.length])).toEqual(
			files.sort((a, b) => a.fileNo - b.fileNo).map((f) => [f.id, 0, d.files[f.fileNo]!.length])
		);
		// Called on the transaction, not on the database: the parts commit with the report or not at all.
		expect(calls.every((c) => c.db !== db)).toBe(true);
		for (const f of files) {
			const parts: Uint8Array[] = [];
			for await (const p of databaseStorage(db).readFile(f.id, 1)) parts.push(p);
			expect(decryptAttachment(d.reportKey, parts[0]!).data).toEqual(plain[f.fileNo]);
		}
	});

	it('leaves no report behind when the storage fails (one transaction)', async () => {
		const { db } = get();
		const recipients = [world.alice, world.bob].map((s) => ({ entryId: s.entryId, publicKey: s.keyPair.publicKey }));
		const d = draft({ recipients, receipt, files: [new Uint8Array(10)] });
		const json = {
			...d.body('unused'),
			intake: undefined,
			pow: await solved(world.ctx(), 'intake', powApi),
			files: d.files.map((f) => encodeBase64(f))
		};
		const body = parseReportBody(JSON.parse(JSON.stringify(json)));
		if (!body.ok) throw new Error(body.code);
		const storage = (tx: Db): AttachmentStorage => ({
			...databaseStorage(tx),
			async putPart() {
				throw new Error('object store down');
			}
		});
		await expect(commitReport(db, body.value, SETTINGS, { now: NOW, storage })).rejects.toThrow('object store down');
		expect(await db.select({ id: report.id }).from(report).where(eq(report.locator, d.locator))).toEqual([]);
		// The challenge was not spent either: the retry with working storage commits.
		expect(await commitReport(db, body.value, SETTINGS, { now: NOW })).toEqual({
			ok: true,
			value: { locator: d.locator, receivedOn: '2026-11-27' }
		});
	});

	it('routes a report by region to the region’s organ and marks the case; without the flag routing differs', async () => {
		const { db } = get();
		// dave (o-k1) gets a directory entry, so 东区纪委监委 can receive (the last test of this file).
		const dave = await keyStaff(db, world.root, world.dave, 'o-k1', 'inspector');
		const recipients = [{ entryId: dave.entryId, publicKey: dave.keyPair.publicKey }];
		const d = draft({ recipients, receipt, unit: 'u-k1', position: 'top_leader' });
		const base = d.body('unused', { organ: 'o-k1' });
		const commit = async (byRegion: boolean) => {
			const json = {
				...base,
				routing: { ...(base.routing as object), ...(byRegion ? { byRegion } : {}) },
				intake: undefined,
				pow: await solved(world.ctx(), 'intake', powApi),
				files: []
			};
			const body = parseReportBody(JSON.parse(JSON.stringify(json)));
			if (!body.ok) throw new Error(body.code);
			return commitReport(db, body.value, SETTINGS, { now: NOW });
		};
		// 东区's 一把手 is city-managed: routing names 青山市纪委监委, not the organ the body names.
		expect(await commit(false)).toMatchObject({ ok: false, code: 'routing_changed', extra: { organ: 'o-city' } });
		expect(await commit(true)).toEqual({ ok: true, value: { locator: d.locator, receivedOn: '2026-11-27' } });
		const [row] = await db.select().from(report).where(eq(report.locator, d.locator));
		expect(row).toMatchObject({ unitId: 'u-k1', organId: 'o-k1', caseData: { byRegion: true } });
	});
});
