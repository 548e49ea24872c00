import { config } from '$lib/server/config';
import { listRegister } from '$lib/server/register/register';
import { pageValue, staffCtx } from '$lib/server/http/staff';
import { staffCryptoData } from '../reports/shared.server';
import type { PageServerLoad } from './$types';

/**
 * The interference register of the caller's organs (docs/backoffice.md "Interference register"): wraps and
 * ciphertexts only; the page decrypts and groups in the browser. Reading it is audited (register.read).
 */
export const load: PageServerLoad = async ({ locals }) => {
	const ctx = staffCtx(locals);
	const base = await staffCryptoData(locals);
	return { bundle: base.bundle, register: pageValue(await listRegister(ctx, config().timezone)) };
};
