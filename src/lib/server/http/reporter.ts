/**
 * Glue between the reporter's SvelteKit endpoints (src/routes/api/v1/**) and src/lib/server/reports/api.ts:
 * the context of a request (database, settings, the caller's rate-limit key) and the body source.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestEvent } from '@sveltejs/kit';
import { config } from '$lib/server/config';
import { db } from '$lib/server/db';
import { addressKey } from '$lib/server/ratelimit';
import type { Ctx } from '$lib/server/reports/api';
import type { BodySource } from './body';

export function context(event: RequestEvent): Ctx {
	return { db: db(), settings: config(), address: addressKey(event) };
}

/** The body source: the Web request plus adapter-node's raw request (see ./body.ts readBytes). */
export function source(event: RequestEvent): BodySource {
	const platform = event.platform as { req?: IncomingMessage } | undefined;
	return { request: event.request, nodeRequest: platform?.req ?? null };
}
