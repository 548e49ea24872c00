import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { ConfigError, loadConfig, setConfig } from '$lib/server/config';
import { databaseFailure, openDatabase, setDatabase, database } from '$lib/server/db';
import { DataDirInUse } from '$lib/server/db/pglite-owner';
import { postgresGuardProblem } from '$lib/server/db/postgres-guard';
import { log, setLogLevel } from '$lib/server/log';
import { formBodies, securityHeaders } from '$lib/server/security';
import { requestOrigin } from '$lib/server/origin';
import { sessionHandle } from '$lib/server/auth/handle';
import { announceFirstRun } from '$lib/server/auth/setup';
import { jobsEnabled, startJobs, type JobRunner } from '$lib/server/jobs';
import { checkPinnedRoot } from '$lib/server/keys/root-key';
import { TEST_BUILD, TEST_BUILD_BANNER } from '$lib/shared/build-kind';
import { UNAVAILABLE_MESSAGES, unavailableHead, unavailableJson, type Unavailable } from '$lib/server/http/unavailable';
import { registerSubmissionHandler } from '$lib/server/http/submission';

/** Start-up: validate configuration, open and migrate the database, announce first-run setup. */
export const init: ServerInit = async () => {
	let cfg;
	let jobsOn;
	try {
		cfg = loadConfig(process.env);
		jobsOn = jobsEnabled(process.env);
	} catch (e) {
		if (e instanceof ConfigError) {
			console.error(e.message);
			process.exit(1);
		}
		throw e;
	}
	setConfig(cfg);
	setLogLevel(cfg.logLevel);
	const guardProblem = cfg.databaseUrl ? postgresGuardProblem() : null;
	if (guardProblem) {
		console.error(guardProblem);
		process.exit(1);
	}
	let db;
	try {
		db = await openDatabase({
			databaseUrl: cfg.databaseUrl,
			dataDir: cfg.dataDir,
			poolMax: cfg.databasePoolMax,
			prepare: cfg.databasePrepare,
			migrationUrl: cfg.databaseDirectUrl
		});
	} catch (e) {
		if (e instanceof DataDirInUse) {
			console.error(`Start-up refused: ${e.message}`);
			process.exit(1);
		}
		throw e;
	}
	setDatabase(db);
	log('info', 'database_ready', { kind: db.kind });
	// The root key is pinned by configuration; a database holding another one is not trusted (docs/keys.md).
	const root = await checkPinnedRoot(db.db, cfg.rootPublicKey);
	if (!root.ok) {
		console.error(`Start-up refused: ${root.message}`);
		await db.close();
		process.exit(1);
	}
	log('info', 'root_key', { state: root.state, fingerprint: root.fingerprint });
	// After every start-up refusal (whose output stays exactly the refusal), on stdout.
	if (TEST_BUILD) console.log(TEST_BUILD_BANNER);
	await announceFirstRun(db.db, cfg);
	// The server entry (scripts/server-entry.js) answers POST /api/v1/pow and /api/v1/reports with this.
	registerSubmissionHandler();
	// Background jobs (pg-boss on PostgreSQL, an in-process timer on PGlite; JOBS=off disables them).
	const jobs: JobRunner = await startJobs({ config: cfg, database: db, log, enabled: jobsOn });

	let closing = false;
	process.on('sveltekit:shutdown' as never, async () => {
		if (closing) return;
		closing = true;
		// Jobs first: running ones finish (or time out) while the database is still open.
		await jobs
			.stop()
			.catch((e: unknown) =>
				log('error', 'shutdown', { phase: 'stopping_jobs', error: e instanceof Error ? e.name : 'unknown' })
			);
		log('info', 'shutdown', { phase: 'closing_database' });
		await database().close();
		setDatabase(null);
		log('info', 'shutdown', { phase: 'done' });
	});
};

const i18n: Handle = ({ event, resolve }) => {
	// The JSON API answers in both languages at once ({ zh, en }) and renders no page: it needs no locale, and
	// the middleware would clone every request (bodies of up to a few hundred kilobytes for a report).
	if (event.url.pathname.startsWith('/api/')) return resolve(event);
	return paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
		});
	});
};

/**
 * The database down, restarting or out of space is not a bug of the request: the answer is 503 (507 when
 * the storage is full) with Retry-After and the API's error shape, instead of a 500. handleError marks the
 * event (errors thrown by endpoints and loads are caught by SvelteKit before they reach this hook); errors
 * thrown by later hooks (the staff session lookup) arrive here directly. The postgres.js pool reconnects by
 * itself on the next query, so the app recovers once the database is back without a restart.
 */
const databaseDown = new WeakMap<object, Unavailable>();

function unavailableResponse(event: Parameters<Handle>[0]['event'], kind: Unavailable): Response {
	const { status, headers } = unavailableHead(kind);
	if (
		event.url.pathname.startsWith('/api/') ||
		(event.request.headers.get('accept') ?? '').includes('application/json')
	) {
		return new Response(unavailableJson(kind), {
			status,
			headers: { ...headers, 'content-type': 'application/json; charset=utf-8' }
		});
	}
	const m = UNAVAILABLE_MESSAGES[kind];
	return new Response(`${m.zh}\n${m.en}\n`, {
		status,
		headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' }
	});
}

const databaseUnavailable: Handle = async ({ event, resolve }) => {
	let response: Response;
	try {
		response = await resolve(event);
	} catch (e) {
		const kind = databaseFailure(e);
		if (!kind) throw e;
		log('warn', 'database_unavailable', { kind, route: event.route.id ?? 'unknown' });
		return unavailableResponse(event, kind);
	}
	const kind = databaseDown.get(event.locals);
	return kind && response.status >= 500 ? unavailableResponse(event, kind) : response;
};

/**
 * securityHeaders wraps everything (it only acts on the response, so refusals get the headers too);
 * requestOrigin is the first to act on a request: it fixes the URL's scheme and refuses cross-site form
 * posts before anything else reads the request (src/lib/server/origin.ts).
 */
const everyRequest: Handle = sequence(
	securityHeaders,
	requestOrigin,
	databaseUnavailable,
	i18n,
	formBodies,
	sessionHandle
);

/**
 * The reporter's submission API (proof of work, intake, parts, commit) skips what it never uses: the locale,
 * form actions and the staff session (issue 20: every hook is a layer of promises on the hottest path). Its
 * answers get the same security headers, origin check and database-down answers as everything else.
 */
const submissionApi: Handle = sequence(securityHeaders, requestOrigin, databaseUnavailable);
const SUBMISSION_API = /^\/api\/v1\/(?:pow|intake|reports)(?:\/|$)/;

export const handle: Handle = (input) => {
	if (!SUBMISSION_API.test(input.event.url.pathname)) return everyRequest(input);
	input.event.locals.user = null;
	input.event.locals.session = null;
	return submissionApi(input);
};

/** Unexpected errors: logged without personal data, answered generically. */
export const handleError: HandleServerError = ({ error, event, status }) => {
	const down = status >= 500 ? databaseFailure(error) : null;
	if (down) {
		// Answered as 503/507 by the databaseUnavailable hook; logged here once, without a stack.
		databaseDown.set(event.locals, down);
		log('warn', 'database_unavailable', { kind: down, route: event.route.id ?? 'unknown' });
		return { message: 'Service unavailable' };
	}
	if (status >= 500) {
		log('error', 'unhandled_error', {
			route: event.route.id ?? 'unknown',
			error: error instanceof Error ? error.name + ': ' + error.message : 'unknown'
		});
	}
	return { message: status === 404 ? 'Not found' : 'Internal error' };
};
