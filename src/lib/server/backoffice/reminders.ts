/**
 * Registers the deadline reminder job (and the interference register's 零报告 reminder) (docs/backoffice.md): hourly, on pg-boss (PostgreSQL) or the timer
 * runner (PGlite). Imported once by src/lib/server/jobs/index.ts.
 */
import { registerJob } from '$lib/server/jobs/registry';
import { raiseDeadlineNotices } from './notices';
import { raiseRegisterNotices } from '$lib/server/register/register';

export const DEADLINE_REMINDERS_JOB = 'deadline-reminders';

registerJob(DEADLINE_REMINDERS_JOB, '0 * * * *', async (db, now) => {
	const { raised } = await raiseDeadlineNotices(db, now);
	// The interference register's 零报告 reminder rides on the same hourly job (once per enrolment and period).
	const register = await raiseRegisterNotices(db, now);
	return { raised, register: register.raised };
});
