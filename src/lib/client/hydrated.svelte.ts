import { onMount } from 'svelte';

/**
 * Whether the component's page has hydrated, for buttons whose click only works from script (register the
 * service worker, print) and for forms that must go through their script (native posts are refused): a page
 * the server rendered shows them before its script has run, and on a slow phone a tap made then does nothing
 * and is lost. Render such a button `disabled={!ready.now}` so the tap waits.
 * Call during component initialisation (it registers an onMount).
 */
export function hydration(): { readonly now: boolean } {
	let now = $state(false);
	onMount(() => {
		now = true;
	});
	return {
		get now() {
			return now;
		}
	};
}
