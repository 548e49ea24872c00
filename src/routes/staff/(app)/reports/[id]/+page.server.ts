import { casePage } from '$lib/server/backoffice/case-page';
import { pageValue, staffCtx } from '$lib/server/http/staff';
import { staffCryptoData } from '../shared.server';
import type { PageServerLoad } from './$types';

/**
 * The case (opening it is audited as report.open; 404 unless the caller may see it), where it can go and the
 * organ's time zone. The member's key bundle and the case are read side by side (issue 18: opening a report
 * within 300 ms).
 */
export const load: PageServerLoad = async ({ locals, params }) => {
	const ctx = staffCtx(locals);
	const [base, page] = await Promise.all([staffCryptoData(locals), casePage(ctx, params.id)]);
	return { ...base, ...pageValue(page) };
};
