/**
 * What a printed poster shows besides its unit (issue 22): the site's address, operator and check code, and
 * the QR code of each unit. Shared by the single and the batch print views.
 */
import { error } from '@sveltejs/kit';
import { rootFingerprint } from '$lib/crypto/directory';
import { m } from '$lib/paraglide/messages';
import { localizeHref } from '$lib/paraglide/runtime';
import { config, type Operator } from '$lib/server/config';
import { pinnedRootKey } from '$lib/server/keys/root-key';
import type { UnitHit } from '$lib/shared/wire/public';
import { posterUrl, qrMatrix } from './posters';

export type PosterSize = 'a4' | 'sticker';

export interface PosterSite {
	/** The report page's address as printed under the code (no fragment). */
	site: string;
	operator: Operator;
	/** The pinned root key's fingerprint (校验码), or null before the root ceremony. */
	fingerprint: string | null;
}

export interface PosterItem {
	unit: UnitHit;
	/** The URL in the QR code: the report page with the unit in the fragment only. */
	url: string;
	qr: boolean[][];
}

/** `?size=a4` (default) or `?size=sticker`; anything else is a 400 with a clear message. */
export function posterSize(url: URL): PosterSize {
	const all = url.searchParams.getAll('size');
	if (all.length === 0) return 'a4';
	if (all.length === 1 && (all[0] === 'a4' || all[0] === 'sticker')) return all[0];
	error(400, 'size must be a4 or sticker');
}

/** The site's public facts for the posters of a request at `url`. */
export function posterSite(url: URL): PosterSite & { origin: string; reportPath: string } {
	const c = config();
	const origin = (c.origin ?? url.origin).replace(/\/+$/, '');
	const reportPath = localizeHref('/report');
	const root = pinnedRootKey();
	return {
		origin,
		reportPath,
		site: `${origin}${reportPath}`,
		operator: c.operator,
		fingerprint: root ? rootFingerprint(root) : null
	};
}

export function posterItem(site: { origin: string; reportPath: string }, unit: UnitHit): PosterItem {
	const url = posterUrl(site.origin, site.reportPath, unit.id);
	return { unit, url, qr: qrMatrix(url) };
}

/** The refusal for an unknown unit and for one the user may not print (the same, so ids cannot be probed). */
export function posterNotFound(): never {
	error(404, m.poster_not_found());
}
