/**
 * The routing and the recipients a commit checks a submission against, read together and, when config
 * ROUTING_CACHE_MS allows, reused for a while by later commits to the same unit and organ.
 */
import type { Db } from '$lib/server/db';
import { loadRoutingSnapshot } from '$lib/server/org/store';
import type { OrgSnapshot } from '$lib/server/org/types';
import { computeRecipients, type Recipient } from '../recipients';

type RoutingAndRecipients = [OrgSnapshot, Map<string, Recipient>];
const routingCache = new WeakMap<Db, Map<string, { at: number; value: Promise<RoutingAndRecipients> }>>();

/**
 * The routing snapshot of `unit` and the recipients of `organ` for it, read together (one wait), reused
 * for `cacheMs` by later commits to the same unit and organ. Concurrent commits share one read.
 */
export function routingAndRecipients(
	db: Db,
	unit: string,
	organ: string,
	now: Date,
	cacheMs: number
): Promise<RoutingAndRecipients> {
	const read = () => Promise.all([loadRoutingSnapshot(db, unit, now), computeRecipients(db, organ, unit, now)]);
	if (!(cacheMs > 0)) return read();
	let cache = routingCache.get(db);
	if (!cache) routingCache.set(db, (cache = new Map()));
	const key = `${unit}\u0000${organ}`;
	const t = Date.now();
	const hit = cache.get(key);
	if (hit && t - hit.at < cacheMs) return hit.value;
	if (cache.size > 10_000) {
		for (const [k, e] of cache) if (t - e.at >= cacheMs) cache.delete(k);
		if (cache.size > 10_000) cache.clear();
	}
	const value = read();
	const entry = { at: t, value };
	cache.set(key, entry);
	value.catch(() => cache.get(key) === entry && cache.delete(key));
	return value;
}
