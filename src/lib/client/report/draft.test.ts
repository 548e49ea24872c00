import { describe, expect, it } from 'vitest';
import { TEST_ONLY_CHEAP_KDF } from '../../crypto/kdf';
import { SUITE_VERSION } from '../../crypto/suite-id';
import { inProcessCrypto } from '../../../../tests/support/in-process';
import { DRAFT_STORAGE_KEY, deleteDraft, hasDraft, loadDraft, saveDraft, type DraftStorage } from './draft';

class MemoryStorage implements DraftStorage {
	readonly items = new Map<string, string>();
	writes = 0;
	getItem(key: string): string | null {
		return this.items.get(key) ?? null;
	}
	setItem(key: string, value: string): void {
		this.writes++;
		this.items.set(key, value);
	}
	removeItem(key: string): void {
		this.items.delete(key);
	}
}

function setup() {
	const storage = new MemoryStorage();
	const { crypto, worker } = inProcessCrypto();
	return { storage, worker, options: { storage, crypto, kdf: TEST_ONLY_CHEAP_KDF } };
}

const draft = {
	step: 3,
	routing: { unit: 'sf-c01-k01', position: 'top_leader' },
	details: { person: { name: '王某 CANARY-DRAFT', post: '局长' }, description: '收受礼金 CANARY-DRAFT' },
	files: [new Blob(['secret file CANARY-FILE'])],
	thumbnail: new Uint8Array([1, 2, 3])
};

describe('encrypted draft', () => {
	it('writes nothing until saveDraft is called', async () => {
		const { storage } = setup();
		expect(hasDraft({ storage })).toBe(false);
		expect(await loadDraft('x', setup().options)).toBeNull();
		expect(storage.writes).toBe(0);
	});

	it('round-trips under the passphrase, in one key, encrypted, without files', async () => {
		const { storage, worker, options } = setup();
		const kdf: string[] = [];
		await saveDraft('我的口令 passphrase', draft, { ...options, onProgress: (p) => kdf.push(p.state) });
		expect(kdf).toEqual(['started', 'done']);
		expect([...storage.items.keys()]).toEqual([DRAFT_STORAGE_KEY]);
		const raw = storage.items.get(DRAFT_STORAGE_KEY) as string;
		expect(raw).not.toContain('CANARY');
		expect(Buffer.from(JSON.parse(raw).body, 'base64').includes(Buffer.from('CANARY'))).toBe(false);
		expect(hasDraft({ storage })).toBe(true);
		expect(worker.ops).toEqual(['passwordWrapKey']);
		const back = await loadDraft<typeof draft>('我的口令 passphrase', options);
		expect(back).toEqual({ step: 3, routing: draft.routing, details: draft.details, files: [null] });
		expect(worker.ops).toEqual(['passwordWrapKey', 'passwordUnwrapKey']);
	});

	it('a wrong passphrase is draft_wrong_passphrase and leaves the draft in place; garbage is draft_corrupt', async () => {
		const { storage, options } = setup();
		await saveDraft('right', { a: 1 }, options);
		await expect(loadDraft('wrong', options)).rejects.toMatchObject({ code: 'draft_wrong_passphrase' });
		expect(hasDraft({ storage })).toBe(true);
		const item = JSON.parse(storage.items.get(DRAFT_STORAGE_KEY) as string);
		const body = Buffer.from(item.body, 'base64');
		body[50] = (body[50] as number) ^ 1;
		storage.items.set(DRAFT_STORAGE_KEY, JSON.stringify({ ...item, body: body.toString('base64') }));
		await expect(loadDraft('right', options)).rejects.toMatchObject({ code: 'draft_wrong_passphrase' });
		storage.items.set(DRAFT_STORAGE_KEY, '{"v":1,"wrapped":"AAA=","body":"AAA="}');
		await expect(loadDraft('right', options)).rejects.toMatchObject({ code: 'draft_corrupt' });
		storage.items.set(DRAFT_STORAGE_KEY, 'not json');
		await expect(loadDraft('right', options)).rejects.toMatchObject({ code: 'draft_corrupt' });
	});

	it('a new save replaces the old draft with a fresh salt; deleteDraft removes it', async () => {
		const { storage, options } = setup();
		await saveDraft('p', { n: 1 }, options);
		const first = storage.items.get(DRAFT_STORAGE_KEY);
		await saveDraft('p', { n: 1 }, options);
		expect(storage.items.get(DRAFT_STORAGE_KEY)).not.toBe(first);
		expect(await loadDraft('p', options)).toEqual({ n: 1 });
		deleteDraft({ storage });
		expect(hasDraft({ storage })).toBe(false);
		expect(storage.items.size).toBe(0);
	});

	it('refuses an empty passphrase and reports missing storage', async () => {
		const { options } = setup();
		await expect(saveDraft('', { a: 1 }, options)).rejects.toMatchObject({
			code: 'invalid_input',
			field: 'passphrase'
		});
		await expect(saveDraft('p', { a: 1 }, { ...options, storage: undefined })).rejects.toMatchObject({
			code: 'storage_unavailable'
		});
		const full: DraftStorage = {
			getItem: () => null,
			removeItem: () => {},
			setItem: () => {
				throw new Error('QuotaExceededError');
			}
		};
		await expect(saveDraft('p', { a: 1 }, { ...options, storage: full })).rejects.toMatchObject({
			code: 'storage_unavailable'
		});
		expect(hasDraft()).toBe(false);
	});

	it('a GM page keeps its draft in the GM suite (PBKDF2-HMAC-SM3 wrap, SM4 content); a NaCl draft stays NaCl', async () => {
		const { storage, worker, options } = setup();
		await saveDraft('国密口令 passphrase', draft, { ...options, suite: 'gm' });
		const item = JSON.parse(storage.items.get(DRAFT_STORAGE_KEY) as string);
		expect(item.suite).toBe('gm');
		// Byte 0 of each stored blob names the suite: 47 is the GM suite's version byte, 1 NaCl's (docs/crypto.md).
		expect(Buffer.from(item.wrapped, 'base64')[0]).toBe(SUITE_VERSION.gm);
		expect(Buffer.from(item.body, 'base64')[0]).toBe(SUITE_VERSION.gm);
		expect(Buffer.from(item.body, 'base64').includes(Buffer.from('CANARY'))).toBe(false);
		const back = await loadDraft<typeof draft>('国密口令 passphrase', options);
		expect(back).toEqual({ step: 3, routing: draft.routing, details: draft.details, files: [null] });
		expect(worker.ops).toEqual(['passwordWrapKey', 'passwordUnwrapKey']);
		await expect(loadDraft('wrong', options)).rejects.toMatchObject({ code: 'draft_wrong_passphrase' });
		// An unknown suite is unreadable, never guessed.
		storage.items.set(DRAFT_STORAGE_KEY, JSON.stringify({ ...item, suite: 'sm9' }));
		await expect(loadDraft('国密口令 passphrase', options)).rejects.toMatchObject({ code: 'draft_corrupt' });
		// The NaCl default writes no suite field and NaCl bytes.
		await saveDraft('p', { n: 1 }, options);
		const nacl = JSON.parse(storage.items.get(DRAFT_STORAGE_KEY) as string);
		expect(nacl.suite).toBeUndefined();
		expect(Buffer.from(nacl.body, 'base64')[0]).toBe(SUITE_VERSION.nacl);
		expect(await loadDraft('p', options)).toEqual({ n: 1 });
	});
});
