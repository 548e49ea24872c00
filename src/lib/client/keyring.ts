/**
 * The staff keyring: the unlocked X25519 keypair, held in this module's memory only. It is never written
 * to localStorage, sessionStorage, IndexedDB or cookies; sign-out or inactivity forgets it. (What lets it
 * come back after a reload within the idle time, without web storage, is ./key-stay.ts.)
 *
 *   unlockKeyring(pair)     after unlocking with the password or the recovery key, or resuming a key stay
 *   lockKeyring()           sign-out, the Lock button, inactivity (secret bytes are zeroed)
 *   setKeyringPolicy(p)     the idle time, and hooks for inactivity and activity (./key-stay.ts sets them)
 *   keepAlive()             activity seen elsewhere (another tab of the session) re-arms the idle timer
 *   keyring                 a readable store: { unlocked, publicKey } for the UI (never the secret key)
 *   withSecretKey(fn)       lends the secret key to a caller (e.g. to open a sealed report key)
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

export interface KeyringPolicy {
	/** Locks after this long without input. */
	idleMs: number;
	/** Called after the keyring locked for inactivity. */
	onIdle: (() => void) | null;
	/** Called on input while unlocked (after the idle timer was re-armed). */
	onActivity: (() => void) | null;
}

let held: Held | null = null;
let policy: KeyringPolicy = { idleMs: DEFAULT_IDLE_MS, onIdle: null, onActivity: null };
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
	if (!held) return;
	armTimer();
	policy.onActivity?.();
}

function lockForIdle(): void {
	lockKeyring();
	policy.onIdle?.();
}

function armTimer(): void {
	if (timer) clearTimeout(timer);
	timer = setTimeout(lockForIdle, idleMs);
}

/** Sets the idle time (taking effect now if a key is held) and the hooks; unnamed fields stay as they are. */
export function setKeyringPolicy(p: Partial<KeyringPolicy>): void {
	policy = { ...policy, ...p };
	if (held && p.idleMs !== undefined) {
		idleMs = p.idleMs;
		armTimer();
	}
}

/** Input seen elsewhere (another tab of the same session): re-arms the idle timer, calls no hook. */
export function keepAlive(): void {
	if (held) armTimer();
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
	idleMs = options.idleMs ?? policy.idleMs;
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
