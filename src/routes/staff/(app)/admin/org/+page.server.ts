import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { db } from '$lib/server/db';
import { auditAdmin } from '$lib/server/audit/log';
import { listChildUnits } from '$lib/server/org/admin';
import { formatOf, importOrg } from '$lib/server/org/io';
import { searchUnits } from '$lib/server/org/search';
import { requireAdmin } from './guard';
import type { Actions, PageServerLoad } from './$types';

/** Largest import file accepted through the browser (the CLI takes any size). */
const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

export const load: PageServerLoad = async ({ locals, url }) => {
	requireAdmin(locals);
	const raw = url.searchParams.get('q') ?? '';
	// Same bounds as the public search API; control characters never occur in names.
	const q = raw.replace(CONTROL_CHARACTERS, '').trim().slice(0, 50);
	return {
		q,
		hits: q ? await searchUnits(db(), q, 50) : null,
		top: await listChildUnits(db(), null)
	};
};

export const actions: Actions = {
	import: async ({ locals, request }) => {
		const admin = requireAdmin(locals);
		const form = await request.formData();
		const file = form.get('file');
		if (!(file instanceof File) || file.size === 0) return fail(400, { importError: m.org_import_no_file() });
		const format = formatOf(file.name);
		if (!format) return fail(400, { importError: m.org_import_bad_format() });
		if (file.size > MAX_IMPORT_BYTES) return fail(400, { importError: m.org_import_too_large() });
		const result = await importOrg(db(), await file.text(), format, admin.id);
		if (!result.ok) return fail(400, { importErrors: result.errors, fileName: file.name });
		await auditAdmin(db(), admin, 'org.import', { format, counts: result.counts as unknown as Record<string, number> });
		return { imported: result.counts };
	}
};
