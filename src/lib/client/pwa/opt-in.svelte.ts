/**
 * When the public pages register the service worker (issue 16): never on a plain visit. A registered worker
 * and its Cache Storage are a trace on the reporter's device (anyone looking through the phone's site data
 * sees that it came here), so the worker is registered only when the reporter wants the app on the device:
 * - the page runs as the installed app (display-mode standalone, fullscreen or minimal-ui), or
 * - the reporter asked for offline use on the guide (`pwaOptIn.request()`), or
 * - a worker is already registered for the origin (an earlier opt-in or install): it is kept up to date
 *   and the update prompt keeps working.
 * Browsers that install from the manifest alone (Chromium) still offer to install: the manifest and its
 * icons are linked from every public page whatever the worker does.
 */

/** The display modes of an installed web app (the manifest asks for standalone). */
const INSTALLED_MODES = ['standalone', 'fullscreen', 'minimal-ui', 'window-controls-overlay'];

export function runsInstalled(win: Pick<Window, 'matchMedia'> = window): boolean {
	return INSTALLED_MODES.some((mode) => win.matchMedia?.(`(display-mode: ${mode})`).matches === true);
}

/** True when a worker is already registered for this origin (no registration is made to find out). */
export async function alreadyRegistered(nav: Navigator = navigator): Promise<boolean> {
	if (!('serviceWorker' in nav)) return false;
	try {
		return (await nav.serviceWorker.getRegistrations()).length > 0;
	} catch {
		return false;
	}
}

/** Whether this visit should register the worker at all. */
export async function serviceWorkerWanted(): Promise<boolean> {
	return runsInstalled() || (await alreadyRegistered());
}

/** The reporter's explicit choice on this page (guide: "keep the guide for offline use"). */
class PwaOptIn {
	requested = $state(false);
	registered = $state(false);
	request(): void {
		this.requested = true;
	}
}
export const pwaOptIn = new PwaOptIn();
