/**
 * Registers the deadline reminder job (and the interference register's 零报告 reminder) (docs/backoffice.md): hourly, on pg-boss (PostgreSQL) or the timer
 * runner (PGlite). Imported once by src/lib/server/jobs/index.ts.
 */
import { registerJob } from '$lib/server/jobs/registry';
import { raiseDeadlineNotices } from './notices';
import { raiseRegisterNotices } from '$lib/server/register/register';
import { raiseProtectionNotices } from './protection';
import { raiseHanddownNotices } from '$lib/server/leads/handdown-read';

export const DEADLINE_REMINDERS_JOB = 'deadline-reminders';

registerJob(DEADLINE_REMINDERS_JOB, '0 * * * *', async (db, now) => {
	const { raised } = await raiseDeadlineNotices(db, now);
	// The interference register's 零报告 reminder and the reporters' protection requests ride on the same hourly job.
	const register = await raiseRegisterNotices(db, now);
	const protection = await raiseProtectionNotices(db, now);
	// Issue 17: hand-downs whose result is overdue, on the higher organ's side.
	const handdown = await raiseHanddownNotices(db, now);
	return { raised: raised + protection.raised + handdown.raised, register: register.raised };
});
