import { json } from '@sveltejs/kit';
import { db } from '$lib/server/db';
import { statsPageData, statsRequest } from '$lib/server/backoffice/stats-request';
import type { RequestHandler } from './$types';

/**
 * GET /staff/api/stats?organ=&from=&to=: the statistics as JSON (docs/backoffice.md "Statistics").
 * 401 signed out, 403 without statistics access or outside the jurisdiction, 400 for bad dates.
 */
export const GET: RequestHandler = async ({ locals, url }) => {
	const headers = { 'cache-control': 'no-store' };
	if (!locals.user || !locals.session?.twoFactorVerified || locals.user.disabledAt) {
		return json(
			{ error: { code: 'unauthenticated', message: { zh: '请先登录', en: 'Sign in first' } } },
			{ status: 401, headers }
		);
	}
	const req = await statsRequest(db(), locals.user, url.searchParams);
	if (!req.ok) {
		const message =
			req.code === 'forbidden' ? { zh: '无权查看此统计', en: 'Not allowed' } : { zh: '参数无效', en: 'Invalid field' };
		return json({ error: { code: req.code, field: req.field, message } }, { status: req.status, headers });
	}
	const data = await statsPageData(db(), req);
	return json({ organ: data.organ, children: data.children, scope: data.access.kind, ...data.stats }, { headers });
};
