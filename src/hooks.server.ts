import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { ConfigError, loadConfig, setConfig } from '$lib/server/config';
import { openDatabase, setDatabase, database } from '$lib/server/db';
import { log, setLogLevel } from '$lib/server/log';
import { securityHeaders } from '$lib/server/security';
import { sessionHandle } from '$lib/server/auth/handle';
import { announceFirstRun } from '$lib/server/auth/setup';
import { jobsEnabled, startJobs, type JobRunner } from '$lib/server/jobs';

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
	const db = await openDatabase({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir, poolMax: cfg.databasePoolMax });
	setDatabase(db);
	log('info', 'database_ready', { kind: db.kind });
	await announceFirstRun(db.db, cfg);
	// Background jobs (pg-boss on PostgreSQL, an in-process timer on PGlite; JOBS=off disables them).
	const jobs: JobRunner = await startJobs({ config: cfg, database: db, log, enabled: jobsOn });

	let closing = false;
	process.on('sveltekit:shutdown' as never, async () => {
		if (closing) return;
		closing = true;
		// Jobs first: running ones finish (or time out) while the database is still open.
		await jobs.stop().catch((e: unknown) => log('error', 'shutdown', { phase: 'stopping_jobs', error: e instanceof Error ? e.name : 'unknown' }));
		log('info', 'shutdown', { phase: 'closing_database' });
		await database().close();
		setDatabase(null);
		log('info', 'shutdown', { phase: 'done' });
	});
};

const i18n: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
		});
	});

export const handle: Handle = sequence(securityHeaders, i18n, sessionHandle);

/** Unexpected errors: logged without personal data, answered generically. */
export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status >= 500) {
		log('error', 'unhandled_error', {
			route: event.route.id ?? 'unknown',
			error: error instanceof Error ? error.name + ': ' + error.message : 'unknown'
		});
	}
	return { message: status === 404 ? 'Not found' : 'Internal error' };
};
