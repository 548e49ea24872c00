/**
 * The key stays unlocked across page loads (issue 18; docs/security.md, "The key stays unlocked across page
 * loads"), without key material in web storage:
 *
 * - on unlock (`keepUnlocked`), this browser makes a random non-extractable AES-GCM key, keeps that CryptoKey
 *   object in IndexedDB (a structured clone stays non-extractable: usable by this origin's script, its bits
 *   unreadable), and sends the secret key sealed under it to the server, which keeps it against the session
 *   for the key's idle time (src/routes/staff/api/key-stay);
 * - on a page load or in a new tab (`startKeyStay`, from the back office's layout) the sealed key is fetched
 *   and opened with the CryptoKey: neither the server alone nor the device alone holds the key;
 * - Lock, sign-out and inactivity (`lockEverywhere`) forget both halves and lock the other tabs
 *   (BroadcastChannel); input in any tab keeps every tab and the server's copy alive.
 *
 * The sealed secret is the 32-byte box secret key in both suites (issue 21: X25519 secret or SM2 scalar); on
 * resume its pair is rebuilt in the deployment's suite (./deployment-suite.ts).
 *
 * Everything here is best-effort: when IndexedDB or the server is unavailable the key simply stays in this
 * tab's memory, as it did before.
 */
import nacl from 'tweetnacl';
import { writable, type Readable } from 'svelte/store';
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';
import { KEY_STAY_PATH, type KeyStayAnswer } from '../shared/key-stay';
import { sendRequest } from './http';
import { isUnlocked, keepAlive, lockKeyring, setKeyringPolicy, unlockKeyring } from './keyring';
import { newStayKey, openStay, sealForStay } from './key-stay-seal';
import { deploymentSuite } from './deployment-suite';

const DB_NAME = 'qf-key-stay';
const STORE = 'keys';
const ENTRY = 'current';
const CHANNEL = 'qf-keyring';

type Message = { t: 'lock' } | { t: 'active' } | { t: 'unlocked' };

const resumingStore = writable(false);
/** True while a page load is fetching and opening its key stay (the unlock form waits). */
export const keyStayResuming: Readable<boolean> = { subscribe: resumingStore.subscribe };

let channel: BroadcastChannel | null = null;
let started = false;
let idleMs = 15 * 60_000;
let lastTouch = 0;
let lastShout = 0;

/* ------------------------------------------------------------------ IndexedDB: one CryptoKey */

function openDb(): Promise<IDBDatabase> {
	return new Promise((resolve, reject) => {
		const req = indexedDB.open(DB_NAME, 1);
		req.onupgradeneeded = () => req.result.createObjectStore(STORE);
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error);
	});
}

async function withStore<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
	const db = await openDb();
	try {
		return await new Promise<T>((resolve, reject) => {
			const tx = db.transaction(STORE, mode);
			const req = fn(tx.objectStore(STORE));
			tx.oncomplete = () => resolve(req.result);
			tx.onerror = () => reject(tx.error);
			tx.onabort = () => reject(tx.error);
		});
	} finally {
		db.close();
	}
}

async function storedKey(): Promise<CryptoKey | null> {
	const v = await withStore<unknown>('readonly', (s) => s.get(ENTRY));
	return v instanceof CryptoKey ? v : null;
}

const putKey = (key: CryptoKey) => withStore('readwrite', (s) => s.put(key, ENTRY));
const deleteKey = () => withStore('readwrite', (s) => s.delete(ENTRY));

/* ------------------------------------------------------------------ the server's half */

function call(method: 'GET' | 'PUT' | 'PATCH' | 'DELETE', json?: unknown): Promise<Response> {
	return sendRequest(KEY_STAY_PATH, { method, json, credentials: 'same-origin', accept: 'application/json' });
}

const quietly = (p: Promise<unknown>) => p.catch(() => {});

/* ------------------------------------------------------------------ the flows */

function shout(m: Message): void {
	channel?.postMessage(m);
}

/** Holds the keypair in this tab and keeps it for later page loads of this session (both halves). */
export async function keepUnlocked(pair: { publicKey: Uint8Array; secretKey: Uint8Array }): Promise<void> {
	unlockKeyring(pair);
	lastTouch = Date.now();
	try {
		const key = await newStayKey();
		const blob = await sealForStay(key, pair.secretKey);
		await putKey(key);
		const res = await call('PUT', { wrapped: encodeBase64(blob) });
		// Locked again while this was on its way: forget what was just stored.
		if (!isUnlocked()) await Promise.all([quietly(deleteKey()), quietly(call('DELETE'))]);
		else if (res.ok) shout({ t: 'unlocked' });
	} catch {
		// The key stays in this tab's memory only.
	}
}

/** Opens this session's key stay, if there is one and this browser holds its key. True when unlocked. */
export async function resumeKeyring(): Promise<boolean> {
	if (isUnlocked()) return true;
	resumingStore.set(true);
	try {
		const key = await storedKey().catch(() => null);
		if (!key) return false;
		const res = await call('GET');
		if (!res.ok) return false;
		const answer = (await res.json()) as KeyStayAnswer;
		if (!answer.wrapped) {
			await quietly(deleteKey());
			return false;
		}
		let secretKey: Uint8Array;
		try {
			secretKey = await openStay(key, decodeBase64(answer.wrapped));
		} catch {
			// Another browser's blob, or a changed one: neither half is any use any more.
			await Promise.all([quietly(deleteKey()), quietly(call('DELETE'))]);
			return false;
		}
		if (isUnlocked()) return true;
		// The secret box key is 32 bytes in both suites (X25519 secret, SM2 scalar): its pair in the deployment's.
		const gm = deploymentSuite();
		let pair;
		try {
			pair = gm ? gm.boxKeyPairOf(secretKey) : nacl.box.keyPair.fromSecretKey(secretKey);
		} finally {
			secretKey.fill(0);
		}
		unlockKeyring(pair);
		pair.secretKey.fill(0);
		lastTouch = Date.now();
		return true;
	} catch {
		return false;
	} finally {
		resumingStore.set(false);
	}
}

/** Lock button, sign-out, inactivity: this tab and the others lock, and both halves of the stay are deleted. */
export async function lockEverywhere(): Promise<void> {
	lockKeyring();
	shout({ t: 'lock' });
	await Promise.all([quietly(deleteKey()), quietly(call('DELETE'))]);
}

/** Input in this tab: the other tabs re-arm their timers, and the server's copy lives on (throttled). */
function onActivity(): void {
	const now = Date.now();
	if (now - lastShout > Math.min(5_000, idleMs / 4)) {
		lastShout = now;
		shout({ t: 'active' });
	}
	if (now - lastTouch > Math.min(60_000, idleMs / 3)) {
		lastTouch = now;
		void quietly(call('PATCH'));
	}
}

function onMessage(e: MessageEvent<Message>): void {
	if (e.data?.t === 'lock') lockKeyring();
	else if (e.data?.t === 'active') keepAlive();
	else if (e.data?.t === 'unlocked') void resumeKeyring();
}

/**
 * Called once per page load by the back office's layout with the configured idle time: sets the keyring's
 * policy, listens to the other tabs, and resumes the key stay if there is one.
 */
export function startKeyStay(opts: { idleMs: number }): Promise<boolean> {
	idleMs = opts.idleMs;
	setKeyringPolicy({ idleMs, onIdle: () => void lockEverywhere(), onActivity });
	if (!started) {
		started = true;
		if (typeof BroadcastChannel !== 'undefined') {
			channel = new BroadcastChannel(CHANNEL);
			channel.onmessage = onMessage;
		}
	}
	return resumeKeyring();
}
