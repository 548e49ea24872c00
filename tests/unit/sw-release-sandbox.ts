/**
 * The sandbox tests/unit/sw-release*.test.ts run static/sw-release.js in: a service-worker global with
 * in-memory caches, a fetch over the files served and the pages' messages.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

export const script = readFileSync(path.join(import.meta.dirname, '..', '..', 'static', 'sw-release.js'), 'utf8');

export type Verdict = { ok: true; root: string | null } | { ok: false; reason: string };
export interface ReleaseApi {
	checkRelease(r: {
		manifest: Uint8Array | null;
		signature: string | null;
		worker: Uint8Array | null;
		trustedRoot: string | null;
		scripts?: Record<string, Uint8Array | null>;
	}): Promise<Verdict>;
	guard(): Promise<void>;
	GM_VERIFIER: string;
	TRUST_CACHE: string;
	ROOT_KEY: string;
	REFUSED_KEY: string;
	REFUSED_MESSAGE: string;
}

/**
 * A service-worker global with in-memory caches, a fetch over `served`, and the pages' messages; `imported`:
 * further classic scripts run after sw-release.js, as sw.js's importScripts does (the GM verifier).
 */
export function sandbox(served: Record<string, Uint8Array | string>, imported: string[] = []) {
	const caches = new Map<string, Map<string, string>>();
	const messages: unknown[] = [];
	const listeners: Record<string, ((e: unknown) => void)[]> = {};
	const self = {
		crypto: globalThis.crypto,
		location: new URL('https://example.test/sw.js'),
		addEventListener: (type: string, fn: (e: unknown) => void) => (listeners[type] ??= []).push(fn),
		fetch: async (p: string) => {
			const body = served[p];
			return body === undefined ? new Response('', { status: 404 }) : new Response(body as BodyInit);
		},
		caches: {
			open: async (name: string) => {
				const c = caches.get(name) ?? new Map<string, string>();
				caches.set(name, c);
				return {
					match: async (k: string) => (c.has(k) ? new Response(c.get(k)) : undefined),
					put: async (k: string, r: Response) => void c.set(k, await r.text()),
					delete: async (k: string) => c.delete(k)
				};
			}
		},
		clients: { matchAll: async () => [{ postMessage: (m: unknown) => messages.push(m) }] },
		qingfengRelease: undefined as unknown as ReleaseApi
	};
	// A worker's global scope has `crypto` (the GM library looks for it when it loads).
	const context = vm.createContext({
		self,
		crypto: globalThis.crypto,
		atob,
		TextEncoder,
		TextDecoder,
		Response,
		Uint8Array,
		Array,
		JSON
	});
	for (const code of [script, ...imported]) vm.runInContext(code, context);
	return { api: self.qingfengRelease, caches, messages, listeners };
}

export const WORKER = new TextEncoder().encode('importScripts("/sw-release.js"); /* the worker */');
export const hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
