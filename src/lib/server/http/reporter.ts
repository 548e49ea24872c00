/**
 * The reporter's API over HTTP (docs/reporting.md), one function per endpoint of src/routes/api/v1: the
 * request read and checked (./body.ts), the rate limits asked, the domain called (src/lib/server/reports),
 * and its typed value or refusal turned into an answer with the status and message of ./messages.ts. The
 * one place where the reporter's domain meets HTTP. Nothing here reads or sets a cookie, stores or logs an
 * address, a locator, an auth key or a token.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import { REPORT_BODY_CAP, SMALL_BODY_CAP } from '$lib/shared/limits';
import type { ReportBody } from '$lib/shared/wire/reporter';
import { decodeReportBinary, REPORT_BINARY_CAP, REPORT_BINARY_TYPE } from '$lib/shared/wire/report-binary';
import { config, type Config } from '$lib/server/config';
import { db } from '$lib/server/db';
import { addressKey, FailureLimiter } from '$lib/server/ratelimit';
import { fileOfToken, openReceipt, receiptSpec, reportOfToken, authorise } from '$lib/server/reports/followup';
import {
	addReporterMessage,
	commitReport,
	createIntake,
	locatePart,
	putPart,
	type Admission,
	type IntakeSettings
} from '$lib/server/reports/intake';
import { WindowLimiter } from '$lib/server/reports/limits';
import { issueChallenge } from '$lib/server/reports/pow';
import { publicStats } from '$lib/server/reports/stats';
import type { Db } from '$lib/server/db';
import type { Answer } from './answer';
import { answerOf, refusalAnswer } from './answer';
import { toBase64 } from './base64';
import { bearer, parseJson, readBytes, validate, type BodySource, type RequestLike } from './body';
import { REPORTER_BODIES } from './bodies';
import { ok, refuse, type Refusal, type Result } from './result';
import { issueProof, proofKeysFromEnv } from '$lib/server/reports/proof';

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

/** The context of a request: the database, the settings and the caller's rate-limit key. */
export function context(event: RequestEvent): Ctx {
	return { db: db(), settings: config(), address: addressKey(event) };
}

/** The body source: the Web request plus adapter-node's raw request (see ./body.ts readBytes). */
export function source(event: RequestEvent): BodySource {
	const platform = event.platform as { req?: IncomingMessage } | undefined;
	return { request: event.request, nodeRequest: platform?.req ?? null };
}

const requestOf = (s: Request | BodySource): RequestLike => (s instanceof Request ? s : s.request);

/** The media type of a request's body, lower case, without parameters. */
const mediaType = (r: RequestLike): string => (r.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();

const intakeSettings = (s: ReportSettings): IntakeSettings => ({
	maxFiles: s.maxFiles,
	maxFileBytes: s.maxFileBytes,
	maxReportBytes: s.maxReportBytes,
	timezone: s.timezone,
	routingCacheMs: s.routingCacheMs ?? 0
});

/** The per-address submission limit, asked only once a submission's proof of work checked out. */
function intakeAdmission(ctx: Ctx): Admission {
	return () => {
		const wait = (ctx.limits ?? processLimits).intake.take(ctx.address, ctx.settings.intakePerHour);
		return wait > 0 ? refuse('rate_limited', { retryAfter: wait }) : null;
	};
}

/** The per-address receipt limit. */
function receiptLimit(ctx: Ctx): Refusal<'rate_limited'> | null {
	const wait = (ctx.limits ?? processLimits).receipt.take(ctx.address, ctx.settings.receiptPer10Min);
	return wait > 0 ? refuse('rate_limited', { retryAfter: wait }) : null;
}

/** A result as an answer, its value answered with `status` (201 for what was created). */
function answer<T>(r: Result<T>, status: 200 | 201 | 204 = 200): Answer {
	return r.ok ? answerOf(ok(r.value, { status })) : refusalAnswer(r);
}

/** POST /api/v1/pow */
export async function powApi(ctx: Ctx, source: Request | BodySource): Promise<Answer> {
	const body = await parseJson(source, REPORTER_BODIES.PowBody, SMALL_BODY_CAP);
	if (!body.ok) return refusalAnswer(body);
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
	return answer(ok(c));
}

/** POST /api/v1/intake (with a solved challenge, or with a follow-up token). */
export async function intakeApi(ctx: Ctx, source: Request | BodySource): Promise<Answer> {
	const request = requestOf(source);
	let reportId: string | null = null;
	if (request.headers.get('authorization') !== null) {
		const authorised = await authorise(ctx.db, bearer(request), ctx.now);
		if (!authorised.ok) return refusalAnswer(authorised);
		reportId = authorised.value;
	}
	const body = await parseJson(source, REPORTER_BODIES.IntakeBody, SMALL_BODY_CAP);
	if (!body.ok) return refusalAnswer(body);
	const settings = intakeSettings(ctx.settings);
	return answer(await createIntake(ctx.db, body.value, settings, reportId, ctx.now, intakeAdmission(ctx)), 201);
}

/** PUT /api/v1/intake/{intake}/files/{n}/parts/{i} */
export async function partApi(
	ctx: Ctx,
	source: Request | BodySource,
	params: { intake: string; n: string; i: string }
): Promise<Answer> {
	if (mediaType(requestOf(source)) !== 'application/octet-stream')
		return refusalAnswer(refuse('unsupported_media_type', { field: 'content-type' }));
	const target = await locatePart(ctx.db, params.intake, params.n, params.i, ctx.now);
	if (!target.ok) return refusalAnswer(target);
	const body = await readBytes(source, target.value.length);
	if (!body.ok)
		return refusalAnswer(
			body.code === 'body_too_large'
				? refuse('bad_part', { field: 'body', extra: { expected: target.value.length } })
				: body
		);
	return answer(await putPart(ctx.db, target.value, body.value, ctx.now), 204);
}

/** Checks a parsed JSON value against the report schema, the version first. */
export function parseReportBody(value: unknown) {
	if (typeof value !== 'object' || value === null || Array.isArray(value))
		return refuse('invalid_field', { field: 'body' });
	if ((value as { v?: unknown }).v !== 1) return refuse('unsupported_version', { field: 'v' });
	return validate(REPORTER_BODIES.ReportBody, value);
}

/**
 * Checks a binary commit (src/lib/shared/wire/report-binary.ts): the envelope, then its JSON head against
 * the head schema. The byte fields stay views of `bytes`: nothing is decoded or copied.
 */
export function parseReportBinary(
	bytes: Uint8Array
): Result<ReportBody, 'invalid_field' | 'invalid_json' | 'unsupported_version'> {
	const d = decodeReportBinary(bytes);
	if (!d.ok) return refuse(d.code, { field: d.field });
	if (typeof d.head !== 'object' || d.head === null || Array.isArray(d.head))
		return refuse('invalid_field', { field: 'head' });
	if ((d.head as { v?: unknown }).v !== 1) return refuse('unsupported_version', { field: 'v' });
	const head = validate(REPORTER_BODIES.ReportHead, d.head);
	if (!head.ok) return head;
	const b = d.bytes;
	const { kdfSpec, authHash, wrappedKey } = b;
	return ok({
		...head.value,
		content: b.content,
		...(b.summary ? { summary: b.summary } : {}),
		wraps: b.wraps,
		...(b.files ? { files: b.files } : {}),
		receipt: { locator: head.value.receipt.locator, kdfSpec, authHash, wrappedKey }
	});
}

/** A commit body, binary (`application/octet-stream`) or JSON. */
async function readReportBody(source: Request | BodySource): Promise<Result<ReportBody>> {
	if (mediaType(requestOf(source)) === REPORT_BINARY_TYPE) {
		const bytes = await readBytes(source, REPORT_BINARY_CAP);
		return bytes.ok ? parseReportBinary(bytes.value) : bytes;
	}
	const raw = await parseJson(source, v.unknown(), REPORT_BODY_CAP);
	return raw.ok ? parseReportBody(raw.value) : raw;
}

/** POST /api/v1/reports */
export async function reportsApi(ctx: Ctx, source: Request | BodySource): Promise<Answer> {
	const body = await readReportBody(source);
	if (!body.ok) return refusalAnswer(body);
	const settings = intakeSettings(ctx.settings);
	return answer(await commitReport(ctx.db, body.value, settings, { now: ctx.now, admit: intakeAdmission(ctx) }), 201);
}

/** POST /api/v1/receipt/spec */
export async function receiptSpecApi(ctx: Ctx, source: Request | BodySource): Promise<Answer> {
	const body = await parseJson(source, REPORTER_BODIES.ReceiptSpecBody, SMALL_BODY_CAP);
	if (!body.ok) return refusalAnswer(body);
	const limited = receiptLimit(ctx);
	if (limited) return refusalAnswer(limited);
	return answer(ok({ kdfSpec: toBase64(await receiptSpec(ctx.db, body.value.locator)) }));
}

/** POST /api/v1/receipt/open */
export async function receiptOpenApi(ctx: Ctx, source: Request | BodySource): Promise<Answer> {
	const body = await parseJson(source, REPORTER_BODIES.ReceiptOpenBody, SMALL_BODY_CAP);
	if (!body.ok) return refusalAnswer(body);
	const limited = receiptLimit(ctx);
	if (limited) return refusalAnswer(limited);
	return answer(await openReceipt(ctx.db, body.value, (ctx.limits ?? processLimits).locator, ctx.now));
}

/** GET /api/v1/receipt/report */
export async function receiptReportApi(ctx: Ctx, request: Request): Promise<Answer> {
	return answer(await reportOfToken(ctx.db, bearer(request), ctx.now));
}

/** GET /api/v1/receipt/proof: the proof of having reported, once staff acknowledged the report. */
export async function receiptProofApi(ctx: Ctx, request: Request): Promise<Answer> {
	const reportId = await authorise(ctx.db, bearer(request), ctx.now);
	if (!reportId.ok) return refusalAnswer(reportId);
	return answer(await issueProof(ctx.db, reportId.value, proofKeysFromEnv()));
}

/** GET /api/v1/receipt/files/{fileId}: the stored stream, or an error answer. */
export async function receiptFileApi(
	ctx: Ctx,
	request: Request,
	fileId: string
): Promise<Answer | { status: 200; bytes: number; stream: AsyncIterable<Uint8Array> }> {
	const file = await fileOfToken(ctx.db, bearer(request), fileId, ctx.now);
	return file.ok ? { status: 200, ...file.value } : refusalAnswer(file);
}

/** POST /api/v1/receipt/messages */
export async function receiptMessagesApi(ctx: Ctx, source: Request | BodySource): Promise<Answer> {
	const reportId = await authorise(ctx.db, bearer(requestOf(source)), ctx.now);
	if (!reportId.ok) return refusalAnswer(reportId);
	const raw = await parseJson(source, v.unknown(), REPORT_BODY_CAP);
	if (!raw.ok) return refusalAnswer(raw);
	const body = validate(REPORTER_BODIES.MessageBody, raw.value);
	if (!body.ok) return refusalAnswer(body);
	const settings = intakeSettings(ctx.settings);
	return answer(await addReporterMessage(ctx.db, reportId.value, body.value, settings, ctx.now), 201);
}

/** GET /api/v1/stats/public */
export async function statsApi(ctx: Ctx): Promise<Answer> {
	return answer(ok(await publicStats(ctx.db, ctx.settings, ctx.now)));
}
