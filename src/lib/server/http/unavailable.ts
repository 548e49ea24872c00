/**
 * The answer when the database is down, restarting or out of space: 503 (507 when the storage is full) with
 * Retry-After and the API's error shape, in both languages. Shared by the SvelteKit hooks
 * (src/hooks.server.ts) and the lean submission handler (./submission.ts).
 */
export type Unavailable = 'unavailable' | 'storage_full';

export const UNAVAILABLE_MESSAGES = {
	unavailable: { zh: '服务暂时不可用，请稍后重试。', en: 'The service is temporarily unavailable. Try again shortly.' },
	storage_full: { zh: '服务器存储空间已满，请稍后重试。', en: 'The server is out of storage space. Try again later.' }
} as const;

/** The status and headers of such an answer (the content type is the caller's). */
export function unavailableHead(kind: Unavailable): { status: 503 | 507; headers: Record<string, string> } {
	return {
		status: kind === 'storage_full' ? 507 : 503,
		headers: { 'retry-after': kind === 'storage_full' ? '60' : '5', 'cache-control': 'no-store' }
	};
}

/** The JSON body of such an answer. */
export function unavailableJson(kind: Unavailable): string {
	return JSON.stringify({ error: { code: kind, message: UNAVAILABLE_MESSAGES[kind] } });
}
