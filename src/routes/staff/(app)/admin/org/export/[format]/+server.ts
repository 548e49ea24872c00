import { error } from '@sveltejs/kit';
import { db } from '$lib/server/db';
import { exportOrg } from '$lib/server/org/io';
import { requireAdmin } from '../../guard';
import type { RequestHandler } from './$types';

/** The whole directory as a file download, in the form the import reads back (docs/org.md). */
export const GET: RequestHandler = async ({ locals, params }) => {
	requireAdmin(locals);
	const format = params.format;
	if (format !== 'csv' && format !== 'json') error(404, 'Not found');
	const body = await exportOrg(db(), format);
	return new Response(body, {
		headers: {
			'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
			'content-disposition': `attachment; filename="qingfeng-org.${format}"`,
			'cache-control': 'no-store'
		}
	});
};
