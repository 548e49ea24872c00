/**
 * The staff keyring: the unlocked X25519 keypair, held in this module's memory only. It is never written
 * to localStorage, sessionStorage, IndexedDB or cookies; a reload, sign-out or inactivity forgets it.
 *
 *   unlockKeyring(pair)  after unlocking with the password or the recovery key
 *   lockKeyring()        sign-out, the Lock button, inactivity (secret bytes are zeroed)
 *   keyring              a readable store: { unlocked, publicKey } for the UI (never the secret key)
 *   withSecretKey(fn)    lends the secret key to a caller (e.g. to open a sealed report key)
 */
import { readable, type Readable } from 'svelte/store';

/** Locks after this long without keyboard, pointer or touch input. */
export const DEFAULT_IDLE_MS = 15 * 60 * 1000;

export interface KeyringState {
	unlocked: boolean;
	publicKey: Uint8Array | null;
}

interface Held {
	publicKey: Uint8Array;
	secretKey: Uint8Array;
}

let held: Held | null = null;
let idleMs = DEFAULT_IDLE_MS;
let timer: ReturnType<typeof setTimeout> | null = null;
const listeners = new Set<(s: KeyringState) => void>();
const ACTIVITY = ['pointerdown', 'keydown', 'touchstart', 'wheel'] as const;

function snapshot(): KeyringState {
	return held ? { unlocked: true, publicKey: held.publicKey.slice() } : { unlocked: false, publicKey: null };
}

function notify(): void {
	const s = snapshot();
	for (const l of listeners) l(s);
}

function onActivity(): void {
	if (held) armTimer();
}

function armTimer(): void {
	if (timer) clearTimeout(timer);
	timer = setTimeout(lockKeyring, idleMs);
}

function watchActivity(on: boolean): void {
	if (typeof window === 'undefined') return;
	for (const type of ACTIVITY) {
		if (on) window.addEventListener(type, onActivity, { passive: true, capture: true });
		else window.removeEventListener(type, onActivity, { capture: true });
	}
}

/** Holds a keypair (copies it; the caller may wipe its own buffers). Replaces any key held before. */
export function unlockKeyring(
	pair: { publicKey: Uint8Array; secretKey: Uint8Array },
	options: { idleMs?: number } = {}
): void {
	if (held) held.secretKey.fill(0);
	held = { publicKey: pair.publicKey.slice(), secretKey: pair.secretKey.slice() };
	idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
	watchActivity(true);
	armTimer();
	notify();
}

/** Forgets the keypair at once and zeroes the secret bytes. Safe to call when nothing is held. */
export function lockKeyring(): void {
	if (timer) clearTimeout(timer);
	timer = null;
	watchActivity(false);
	if (held) {
		held.secretKey.fill(0);
		held = null;
		notify();
	}
}

export function isUnlocked(): boolean {
	return held !== null;
}

/** Lends the secret key to `fn` (do not keep it); throws if the keyring is locked. */
export function withSecretKey<T>(fn: (pair: { publicKey: Uint8Array; secretKey: Uint8Array }) => T): T {
	if (!held) throw new Error('the keyring is locked');
	return fn(held);
}

/** The keyring's state for components: `$keyring.unlocked`. */
export const keyring: Readable<KeyringState> = readable<KeyringState>(snapshot(), (set) => {
	set(snapshot());
	listeners.add(set);
	return () => {
		listeners.delete(set);
	};
});
