/**
 * The back office's JSON API client (docs/backoffice.md), on the fetch core (../http.ts): same-origin
 * fetches with the session cookie, errors turned into `StaffApiError` carrying the server's code and its
 * {zh, en} message.
 */
import type { Bilingual } from '../../shared/bilingual';
import { readErrorAnswer, sendRequest, type FetchLike } from '../http';

export class StaffApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		readonly label: Bilingual | null
	) {
		super(`${status} ${code}`);
		this.name = 'StaffApiError';
	}
}

async function failure(res: Response): Promise<StaffApiError> {
	const a = await readErrorAnswer(res);
	const msg = a.message;
	const label = msg && typeof msg.zh === 'string' && typeof msg.en === 'string' ? { zh: msg.zh, en: msg.en } : null;
	return new StaffApiError(res.status, a.code ?? `http_${res.status}`, label);
}

/** Sends with the session cookie; a network failure is `StaffApiError(0, 'network')`, an abort rethrown. */
async function send(
	path: string,
	options: { method?: string; json?: unknown; accept?: string; signal?: AbortSignal; fetch?: FetchLike }
): Promise<Response> {
	let res: Response;
	try {
		res = await sendRequest(path, { ...options, credentials: 'same-origin' });
	} catch (e) {
		if ((e as Error)?.name === 'AbortError') throw e;
		throw new StaffApiError(0, 'network', null);
	}
	if (!res.ok) throw await failure(res);
	return res;
}

/** GET or POST/DELETE JSON; resolves with the parsed body (or null for 204). */
export async function staffJson<T>(
	path: string,
	options: { method?: 'GET' | 'POST' | 'DELETE'; json?: unknown; signal?: AbortSignal; fetch?: FetchLike } = {}
): Promise<T> {
	const res = await send(path, { ...options, accept: 'application/json' });
	if (res.status === 204) return null as T;
	return (await res.json()) as T;
}

/** GET a stored (encrypted) file stream as a Blob. */
export async function staffBlob(
	path: string,
	options: { signal?: AbortSignal; fetch?: FetchLike } = {}
): Promise<Blob> {
	return (await send(path, options)).blob();
}

/** The message of an error for the current locale. */
export function errorText(e: unknown, locale: string, fallback: string): string {
	if (e instanceof StaffApiError && e.label) return locale === 'en' ? e.label.en : e.label.zh;
	return fallback;
}
