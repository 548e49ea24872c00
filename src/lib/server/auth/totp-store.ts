/**
 * The stored side of the second factor: a member's TOTP key, set once at enrolment, and the last time step
 * used (a code is accepted once). The codes themselves are checked by ./totp.ts.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { staffUser } from '$lib/server/db/schema';

/** Stores the key of a member who has none yet; false when one was set meanwhile. */
export async function enrolTotp(db: Db, userId: string, key: Uint8Array, step: number): Promise<boolean> {
	const updated = await db
		.update(staffUser)
		.set({ totpKey: key, totpLastStep: step })
		.where(and(eq(staffUser.id, userId), isNull(staffUser.totpKey)))
		.returning({ id: staffUser.id });
	return updated.length === 1;
}

/** Records the time step of an accepted code, so the same code is not accepted again. */
export async function recordTotpStep(db: Db, userId: string, step: number): Promise<void> {
	await db.update(staffUser).set({ totpLastStep: step }).where(eq(staffUser.id, userId));
}
