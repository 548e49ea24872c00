/**
 * The reporter's API (docs/reporting.md), one function per endpoint: request parsing, rate limits and
 * answers. The SvelteKit endpoints under src/routes/api/v1/ only call these. Nothing here reads or sets a
 * cookie, stores or logs an address, a locator, an auth key or a token.
 */
import * as v from 'valibot';
import { REPORT_BODY_CAP, SMALL_BODY_CAP } from '$lib/shared/limits';
import type { Config } from '$lib/server/config';
import type { Db } from '$lib/server/db';
import { fail, rateLimited, type Answer } from '$lib/server/http/answer';
import { toBase64 } from '$lib/server/http/base64';
import { bearer, check, handleJson, readBody, type BodySource } from '$lib/server/http/body';
import { REPORTER_BODIES } from '$lib/server/http/bodies';
import { FailureLimiter } from '$lib/server/ratelimit';
import {
	addReporterMessage,
	commitReport,
	createIntake,
	locatePart,
	parseReportBody,
	putPart,
	type IntakeSettings
} from './intake';
import { openReceipt, receiptSpec, reportFile, reportView, tokenInvalid, verifyToken } from './followup';
import { WindowLimiter } from './limits';
import { issueChallenge } from './pow';
import { publicStats } from './stats';

export type ReportSettings = Pick<
	Config,
	| 'powDifficulty'
	| 'powFreePerMinute'
	| 'maxFiles'
	| 'maxFileBytes'
	| 'maxReportBytes'
	| 'intakePerHour'
	| 'receiptPer10Min'
	| 'statsMinCount'
	| 'timezone'
> &
	Partial<Pick<Config, 'powWindowSeconds' | 'routingCacheMs'>>;

export interface Limits {
	intake: WindowLimiter;
	receipt: WindowLimiter;
	locator: FailureLimiter;
}

/** The process's limiters (tests make their own). */
export function newLimits(): Limits {
	return {
		intake: new WindowLimiter(3_600_000),
		receipt: new WindowLimiter(600_000),
		locator: new FailureLimiter({ free: 5, maxDelaySeconds: 3600, rotateMs: 24 * 3_600_000 })
	};
}
const processLimits = newLimits();

export interface Ctx {
	db: Db;
	settings: ReportSettings;
	/** The rate-limit key of the caller (`addressKey(event)`); hashed in memory, never stored. */
	address: string;
	now?: Date;
	limits?: Limits;
}

export type { Answer };

const intakeSettings = (s: ReportSettings): IntakeSettings => ({
	maxFiles: s.maxFiles,
	maxFileBytes: s.maxFileBytes,
	maxReportBytes: s.maxReportBytes,
	timezone: s.timezone,
	routingCacheMs: s.routingCacheMs ?? 0
});

/** The per-address submission limit, asked only once a submission's proof of work checked out. */
function intakeAdmission(ctx: Ctx): () => Answer | null {
	return () => {
		const wait = (ctx.limits ?? processLimits).intake.take(ctx.address, ctx.settings.intakePerHour);
		return wait > 0 ? rateLimited(wait) : null;
	};
}

/** POST /api/v1/pow */
export async function powApi(ctx: Ctx, source: Request | BodySource): Promise<Answer> {
	const body = await handleJson(source, REPORTER_BODIES.PowBody, SMALL_BODY_CAP);
	if (!body.ok) return body.result;
	const c = await issueChallenge(
		ctx.db,
		body.value.purpose,
		{
			difficulty: ctx.settings.powDifficulty,
			freePerMinute: ctx.settings.powFreePerMinute,
			windowMs: (ctx.settings.powWindowSeconds ?? 60) * 1000
		},
		ctx.now
	);
	return { status: 200, body: c };
}

/** POST /api/v1/intake (with a solved challenge, or with a follow-up token). */
export async function intakeApi(ctx: Ctx, source: Request | BodySource): Promise<Answer> {
	const request = source instanceof Request ? source : source.request;
	let reportId: string | null = null;
	if (request.headers.has('authorization')) {
		reportId = await verifyToken(ctx.db, bearer(request), ctx.now);
		if (reportId === null) return tokenInvalid();
	}
	const body = await handleJson(source, REPORTER_BODIES.IntakeBody, SMALL_BODY_CAP);
	if (!body.ok) return body.result;
	return createIntake(ctx.db, body.value, intakeSettings(ctx.settings), reportId, ctx.now, intakeAdmission(ctx));
}

/** PUT /api/v1/intake/{intake}/files/{n}/parts/{i} */
export async function partApi(
	ctx: Ctx,
	source: Request | BodySource,
	params: { intake: string; n: string; i: string }
): Promise<Answer> {
	const request = source instanceof Request ? source : source.request;
	const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
	if (type !== 'application/octet-stream') return fail(415, 'unsupported_media_type', 'content-type');
	const target = await locatePart(ctx.db, params.intake, params.n, params.i, ctx.now);
	if (!target.ok) return target.result;
	const body = await readBody(source, target.length);
	if (!body.ok)
		return body.result.status === 413 ? fail(400, 'bad_part', 'body', { expected: target.length }) : body.result;
	return putPart(ctx.db, target, body.bytes, ctx.now);
}

/** POST /api/v1/reports */
export async function reportsApi(ctx: Ctx, source: Request | BodySource): Promise<Answer> {
	const raw = await handleJson(source, v.unknown(), REPORT_BODY_CAP);
	if (!raw.ok) return raw.result;
	const body = parseReportBody(raw.value);
	if (!body.ok) return body.result;
	return commitReport(ctx.db, body.value, intakeSettings(ctx.settings), ctx.now, intakeAdmission(ctx));
}

function receiptLimit(ctx: Ctx): Answer | null {
	const wait = (ctx.limits ?? processLimits).receipt.take(ctx.address, ctx.settings.receiptPer10Min);
	return wait > 0 ? rateLimited(wait) : null;
}

/** POST /api/v1/receipt/spec */
export async function receiptSpecApi(ctx: Ctx, source: Request | BodySource): Promise<Answer> {
	const body = await handleJson(source, REPORTER_BODIES.ReceiptSpecBody, SMALL_BODY_CAP);
	if (!body.ok) return body.result;
	const limited = receiptLimit(ctx);
	if (limited) return limited;
	return { status: 200, body: { kdfSpec: toBase64(await receiptSpec(ctx.db, body.value.locator)) } };
}

/** POST /api/v1/receipt/open */
export async function receiptOpenApi(ctx: Ctx, source: Request | BodySource): Promise<Answer> {
	const body = await handleJson(source, REPORTER_BODIES.ReceiptOpenBody, SMALL_BODY_CAP);
	if (!body.ok) return body.result;
	const limited = receiptLimit(ctx);
	if (limited) return limited;
	return openReceipt(ctx.db, body.value, (ctx.limits ?? processLimits).locator, ctx.now);
}

/** GET /api/v1/receipt/report */
export async function receiptReportApi(ctx: Ctx, request: Request): Promise<Answer> {
	const reportId = await verifyToken(ctx.db, bearer(request), ctx.now);
	const view = reportId === null ? null : await reportView(ctx.db, reportId);
	return view ? { status: 200, body: view } : tokenInvalid();
}

/** GET /api/v1/receipt/files/{fileId}: the stored stream, or an error answer. */
export async function receiptFileApi(
	ctx: Ctx,
	request: Request,
	fileId: string
): Promise<Answer | { status: 200; bytes: number; stream: AsyncIterable<Uint8Array> }> {
	const reportId = await verifyToken(ctx.db, bearer(request), ctx.now);
	if (reportId === null) return tokenInvalid();
	const file = await reportFile(ctx.db, reportId, fileId);
	return file ? { status: 200, ...file } : fail(404, 'not_found', 'fileId');
}

/** POST /api/v1/receipt/messages */
export async function receiptMessagesApi(ctx: Ctx, source: Request | BodySource): Promise<Answer> {
	const request = source instanceof Request ? source : source.request;
	const reportId = await verifyToken(ctx.db, bearer(request), ctx.now);
	if (reportId === null) return tokenInvalid();
	const raw = await handleJson(source, v.unknown(), REPORT_BODY_CAP);
	if (!raw.ok) return raw.result;
	const body = check(REPORTER_BODIES.MessageBody, raw.value);
	if (!body.ok) return body.result;
	return addReporterMessage(ctx.db, reportId, body.value, intakeSettings(ctx.settings), ctx.now);
}

/** GET /api/v1/stats/public */
export async function statsApi(ctx: Ctx): Promise<Answer> {
	return { status: 200, body: await publicStats(ctx.db, ctx.settings, ctx.now) };
}
