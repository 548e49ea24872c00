/**
 * Errors and request plumbing of the staff JSON API (docs/backoffice.md). Every client mistake is a 4xx
 * `{ error: { code, field?, message: { zh, en } } }`; bodies are read with a cap and validated.
 */
import type { RequestEvent } from '@sveltejs/kit';
import type { Session, StaffUser } from '$lib/server/auth/session';
import type { Db } from '$lib/server/db';
import { MESSAGES as REPORT_MESSAGES, type ApiResult } from '$lib/server/reports/http';
import { REASON_LABELS } from '$lib/server/workflow';

export type { ApiResult };

export const MESSAGES = {
	...REPORT_MESSAGES,
	...REASON_LABELS,
	unauthenticated: { zh: '请先登录并完成双重验证。', en: 'Sign in with both factors first.' },
	forbidden: { zh: '您无权执行此操作。', en: 'You may not do this.' },
	bad_origin: { zh: '请求来源不对。', en: 'The request comes from another origin.' },
	bad_staff: { zh: '这位工作人员不能承办或查看这份举报。', en: 'This staff member cannot handle or see this report.' },
	bad_grant: {
		zh: '授权无效：密钥目录条目不属于这位工作人员、已失效，或此人须回避。',
		en: 'Invalid grant: the directory entry is not this member’s, no longer valid, or the member has a conflict.'
	},
	already_granted: { zh: '这位工作人员已经可以查看这份举报。', en: 'This staff member can already see this report.' },
	bad_link: { zh: '找不到可关联的举报。', en: 'No report to link was found.' },
	needs_wraps: {
		zh: '须附上为接收机关加密的报告密钥。',
		en: 'The report key sealed for the receiving organ is required.'
	},
	bad_wraps: {
		zh: '报告密钥没有为接收机关的有效接收人加密。',
		en: 'The report key is not sealed for valid recipients of the receiving organ.'
	},
	wraps_stale: {
		zh: '接收机关的接收人已变化，请撤回申请后重新提交。',
		en: 'The receiving organ’s recipients have changed. Withdraw the request and ask again.'
	},
	bad_target_organ: {
		zh: '接收机关必须是本机关的上级或下级机关。',
		en: 'The receiving organ must be above or below the current organ.'
	}
} as const;

export type ErrorCode = keyof typeof MESSAGES;

export type Answer = ApiResult & { headers?: Record<string, string> };

export function fail(status: number, code: ErrorCode, field?: string): Answer {
	return { status, body: { error: { code, ...(field === undefined ? {} : { field }), message: MESSAGES[code] } } };
}

export const notFound = (): Answer => fail(404, 'not_found');
export const forbidden = (): Answer => fail(403, 'forbidden');

/** The signed-in, 2FA-verified staff member a call acts for. */
export interface StaffCtx {
	db: Db;
	user: StaffUser;
	now: Date;
}

/** The staff member of a request, or the 401 answer. */
export function staffOf(locals: { user: StaffUser | null; session: Session | null }): StaffUser | null {
	if (!locals.user || !locals.session || !locals.session.twoFactorVerified) return null;
	if (locals.user.disabledAt) return null;
	return locals.user;
}

/** A cross-origin state-changing request (the browser sends Origin on POST/DELETE) is refused. */
export function originOk(event: Pick<RequestEvent, 'request' | 'url'>): boolean {
	const origin = event.request.headers.get('origin');
	return origin === null || origin === event.url.origin;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(s: unknown): s is string {
	return typeof s === 'string' && UUID.test(s);
}

export function b64(bytes: Uint8Array): string {
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
