// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Session, StaffUser } from '$lib/server/auth/session';

declare global {
	namespace App {
		interface Error {
			message: string;
		}
		interface Locals {
			user: StaffUser | null;
			session: Session | null;
			/** Set by sign-out: the response tells the browser to clear this origin's data. */
			clearSiteData?: boolean;
		}
	}
}

export {};
