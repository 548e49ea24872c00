/**
 * The interference register's public API over HTTP (docs/reporting.md "The interference register"): POST
 * /api/v1/register (enrol), /api/v1/register/entries (a record or a 零报告), /api/v1/register/status. No
 * cookies; nothing of the body is logged; the register key itself never arrives (only values derived
 * from it). One per-address window limit for the three.
 */
import { SMALL_BODY_CAP } from '$lib/shared/limits';
import { WindowLimiter } from '$lib/server/reports/limits';
import { addEntry, enrol, EnrolBody, EntryBody, registerStatus, StatusBody } from '$lib/server/register/register';
import { answerOf, refusalAnswer, type Answer } from './answer';
import { parseJson, type BodySource } from './body';
import { refuse } from './result';
import type { Ctx } from './reporter';

/** Register calls per address per 10 minutes. */
export const REGISTER_PER_10_MIN = 60;
const limiter = new WindowLimiter(600_000);

/** Enrolment and entry bodies: a sealed identity or entry (≤ 64 KiB of content) plus the wraps. */
const REGISTER_BODY_CAP = 256 * 1024;

function limited(ctx: Ctx): Answer | null {
	const wait = limiter.take(ctx.address, REGISTER_PER_10_MIN);
	return wait > 0 ? refusalAnswer(refuse('rate_limited', { retryAfter: wait })) : null;
}

const opts = (ctx: Ctx) => ({ now: ctx.now ?? new Date(), timezone: ctx.settings.timezone });

/** POST /api/v1/register */
export async function registerEnrolApi(ctx: Ctx, source: Request | BodySource): Promise<Answer> {
	const body = await parseJson(source, EnrolBody, REGISTER_BODY_CAP);
	if (!body.ok) return refusalAnswer(body);
	return limited(ctx) ?? answerOf(await enrol(ctx.db, body.value, opts(ctx)));
}

/** POST /api/v1/register/entries */
export async function registerEntryApi(ctx: Ctx, source: Request | BodySource): Promise<Answer> {
	const body = await parseJson(source, EntryBody, REGISTER_BODY_CAP);
	if (!body.ok) return refusalAnswer(body);
	return limited(ctx) ?? answerOf(await addEntry(ctx.db, body.value, opts(ctx)));
}

/** POST /api/v1/register/status */
export async function registerStatusApi(ctx: Ctx, source: Request | BodySource): Promise<Answer> {
	const body = await parseJson(source, StatusBody, SMALL_BODY_CAP);
	if (!body.ok) return refusalAnswer(body);
	return limited(ctx) ?? answerOf(await registerStatus(ctx.db, body.value, opts(ctx)));
}
