/**
 * The 'audit-anchor' job (issue 16): every hour, when AUDIT_ANCHOR_KEY_FILE (the operator's Ed25519 seed,
 * 64 hex digits) and AUDIT_ANCHOR_DIR (a folder outside the database, ideally synced off the host) are both
 * set, verifies the audit chain and writes a signed anchor of its head there (./anchor.ts). Without them the
 * job does nothing; `npm run audit:verify -- --export-anchor FILE --sign-key KEYFILE` exports one by hand.
 */
import { registerJob } from '$lib/server/jobs/registry';
import { readSeedFile, signCurrentHead, writeAnchorFile } from './anchor';

export const AUDIT_ANCHOR_JOB = 'audit-anchor';

/** One run: signs and writes the head if configured; counts for the job log. */
export async function runAuditAnchor(
	db: Parameters<typeof signCurrentHead>[0],
	now: Date,
	env: Record<string, string | undefined> = process.env
): Promise<{ written: boolean; count: number }> {
	const keyFile = env.AUDIT_ANCHOR_KEY_FILE?.trim();
	const dir = env.AUDIT_ANCHOR_DIR?.trim();
	if (!keyFile || !dir) return { written: false, count: 0 };
	const signed = await signCurrentHead(db, readSeedFile(keyFile), now);
	writeAnchorFile(dir, signed);
	return { written: true, count: Number(signed.count) };
}

registerJob(AUDIT_ANCHOR_JOB, '17 * * * *', (db, now) => runAuditAnchor(db, now));
