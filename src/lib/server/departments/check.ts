/**
 * The server's check of the organ's division of duties for one workflow action (issue 18): the action's
 * rule (./rules.ts) against the caller's duties, and 查审分离 (an investigator of the case never reviews it).
 */
import type { Db } from '$lib/server/db';
import type { ActionCode, RefusalReason } from '$lib/shared/vocabulary/workflow';
import type { Duty } from '$lib/shared/vocabulary/departments';
import { dutyAllows, REVIEW_ACTIONS } from './rules';
import { investigatorsOf } from './store';

export async function dutyRefusal(
	db: Db,
	staffId: string,
	reportId: string,
	action: ActionCode,
	duties: readonly Duty[]
): Promise<Extract<RefusalReason, 'forbidden_duty' | 'investigator_reviews'> | null> {
	if (!dutyAllows(duties, action)) return 'forbidden_duty';
	if (REVIEW_ACTIONS.has(action) && (await investigatorsOf(db, reportId)).has(staffId)) return 'investigator_reviews';
	return null;
}
