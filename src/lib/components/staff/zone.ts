/**
 * The organ's time zone of a staff page, as Svelte context: the back office's layout sets it from the page
 * data (`timeZone`: the zone of the report's organ on a case page, of the caller's first organ elsewhere), and
 * every component that shows a time formats it with `formatAt(at, zone())`.
 */
import { getContext, setContext } from 'svelte';
import { ORGAN_TIME_ZONE } from '$lib/shared/time-zone';

const KEY = Symbol('qingfeng.organZone');

export function setOrganZone(zone: () => string | undefined): void {
	setContext(KEY, () => zone() ?? ORGAN_TIME_ZONE);
}

/** The zone getter of the enclosing staff page (Asia/Shanghai outside one). Call during component set-up. */
export function organZone(): () => string {
	return getContext<(() => string) | undefined>(KEY) ?? (() => ORGAN_TIME_ZONE);
}
