/**
 * The report form opened from a 码上监督 poster (issue 22): the QR code's URL is `/report#u=<unit id>`.
 * Browsers never send a fragment to the server, so the unit reaches neither the server's nor a proxy's
 * logs through the URL. The page takes the id from the fragment once, removes the fragment from the address
 * bar and from the history entry at once (nothing is left to bookmark, share or find in the history), and
 * asks for the unit's name in a POST body, exactly as the unit search does. Nothing counts scans.
 */
import { ID_PATTERN } from '../../shared/encoding';
import type { UnitHit } from '../../shared/wire/public';
import { requestJson, type HttpOptions } from './http';

/** `#u=<id>` as a poster writes it (the id percent-encoded). */
const FRAGMENT = /^#u=([^&#]{1,300})$/;

/**
 * The unit id of a poster's fragment, or null; any fragment starting with `#u=` is removed from the current
 * history entry (the entry is replaced, not added: Back does not bring it back). `loc` and `hist` are the
 * page's `location` and `history` (parameters for tests).
 */
export function takePosterUnitId(
	loc: Pick<Location, 'hash' | 'pathname' | 'search'> = location,
	hist: Pick<History, 'state' | 'replaceState'> = history
): string | null {
	if (!loc.hash.startsWith('#u=')) return null;
	const match = FRAGMENT.exec(loc.hash);
	// history.state is SvelteKit's (its history index): kept as it is, only the URL changes.
	hist.replaceState(hist.state, '', loc.pathname + loc.search);
	if (!match) return null;
	let id: string;
	try {
		id = decodeURIComponent(match[1]!);
	} catch {
		return null;
	}
	return ID_PATTERN.test(id) ? id : null;
}

/** POST /api/v1/units { id }: the unit, or null when no unit has this id. */
export async function lookupUnit(id: string, options: HttpOptions = {}): Promise<UnitHit | null> {
	const hits = await requestJson<UnitHit[]>('/api/v1/units', { ...options, json: { id } });
	return Array.isArray(hits) && hits[0]?.id === id ? hits[0] : null;
}
