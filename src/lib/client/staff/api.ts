/**
 * The back office's JSON API client (docs/backoffice.md): same-origin fetches with the session cookie,
 * errors turned into `StaffApiError` carrying the server's code and its {zh, en} message.
 */
import type { Bilingual } from '../../shared/bilingual';
import type { ErrorBody } from '../../shared/errors';

/** A message in both languages, as the server sends it. */
export type Label = Bilingual;

export class StaffApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		readonly label: Label | null
	) {
		super(`${status} ${code}`);
		this.name = 'StaffApiError';
	}
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

async function failure(res: Response): Promise<StaffApiError> {
	let code = `http_${res.status}`;
	let label: Label | null = null;
	try {
		const body = (await res.json()) as Partial<Record<keyof ErrorBody, { code?: unknown; message?: unknown }>>;
		if (typeof body?.error?.code === 'string') code = body.error.code;
		const msg = body?.error?.message as Partial<Label> | undefined;
		if (msg && typeof msg.zh === 'string' && typeof msg.en === 'string') label = { zh: msg.zh, en: msg.en };
	} catch {
		// not JSON: keep the status code
	}
	return new StaffApiError(res.status, code, label);
}

/** GET or POST/DELETE JSON; resolves with the parsed body (or null for 204). */
export async function staffJson<T>(
	path: string,
	options: { method?: 'GET' | 'POST' | 'DELETE'; json?: unknown; signal?: AbortSignal; fetch?: FetchLike } = {}
): Promise<T> {
	const f = options.fetch ?? fetch;
	const init: RequestInit = {
		method: options.method ?? (options.json === undefined ? 'GET' : 'POST'),
		credentials: 'same-origin',
		signal: options.signal,
		headers: { accept: 'application/json' }
	};
	if (options.json !== undefined) {
		init.headers = { accept: 'application/json', 'content-type': 'application/json' };
		init.body = JSON.stringify(options.json);
	}
	let res: Response;
	try {
		res = await f(path, init);
	} catch (e) {
		if ((e as Error)?.name === 'AbortError') throw e;
		throw new StaffApiError(0, 'network', null);
	}
	if (!res.ok) throw await failure(res);
	if (res.status === 204) return null as T;
	return (await res.json()) as T;
}

/** GET a stored (encrypted) file stream as a Blob. */
export async function staffBlob(
	path: string,
	options: { signal?: AbortSignal; fetch?: FetchLike } = {}
): Promise<Blob> {
	const f = options.fetch ?? fetch;
	let res: Response;
	try {
		res = await f(path, { credentials: 'same-origin', signal: options.signal });
	} catch (e) {
		if ((e as Error)?.name === 'AbortError') throw e;
		throw new StaffApiError(0, 'network', null);
	}
	if (!res.ok) throw await failure(res);
	return res.blob();
}

/** The message of an error for the current locale. */
export function errorText(e: unknown, locale: string, fallback: string): string {
	if (e instanceof StaffApiError && e.label) return locale === 'en' ? e.label.en : e.label.zh;
	return fallback;
}
