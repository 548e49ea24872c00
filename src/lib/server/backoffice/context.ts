/**
 * The caller of a back-office operation: the signed-in, 2FA-verified staff member, the database and the
 * moment of the call. The HTTP edge (src/lib/server/http/staff.ts) builds it; tests build it directly.
 */
import type { StaffUser } from '$lib/server/auth/session';
import type { Db } from '$lib/server/db';

export interface StaffCtx {
	db: Db;
	user: StaffUser;
	now: Date;
}
