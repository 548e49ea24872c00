/**
 * GET /api/v1/directory?organ=<id>[&unit=<id>] (docs/api.md): the root public key, its fingerprint, the
 * organ's signed entries (without those of staff conflicted for `unit`) and the newest signed revocation
 * list, all as base64 of the exact signed bytes.
 */
import { eq } from 'drizzle-orm';
import { isId, toBase64 } from '$lib/shared/encoding';
import type { DirectoryResponse } from '$lib/shared/wire/public';
import type { Db } from '$lib/server/db';
import { disciplineOrgan, orgUnit, staffConflict } from '$lib/server/db/schema';
import { answerOf, type Answer } from '$lib/server/http/answer';
import { PARAMETER_MESSAGES } from '$lib/server/http/messages';
import { ok, refuse, type Result } from '$lib/server/http/result';
import { signedEntriesForOrgan } from './directory';
import { latestRevocationList } from './revocations';
import { getActiveRootKey } from './root-key';
import { deploymentSuite } from './suite';

export type { DirectoryResponse };

/** The directory of an organ, or why not. */
export async function readDirectory(
	db: Db,
	params: URLSearchParams,
	now = new Date()
): Promise<Result<DirectoryResponse, 'invalid_parameter' | 'unknown_organ' | 'no_root_key' | 'unknown_unit'>> {
	const all = params.getAll('organ');
	const organId = all[0];
	if (all.length !== 1 || !isId(organId))
		return refuse('invalid_parameter', { field: 'organ', message: PARAMETER_MESSAGES['directory.organ'] });
	const units = params.getAll('unit');
	const unitId = units[0] ?? null;
	if (units.length > 1 || (unitId !== null && !isId(unitId)))
		return refuse('invalid_parameter', { field: 'unit', message: PARAMETER_MESSAGES['directory.unit'] });
	const [organ] = await db
		.select({ id: disciplineOrgan.id })
		.from(disciplineOrgan)
		.where(eq(disciplineOrgan.id, organId));
	if (!organ) return refuse('unknown_organ', { field: 'organ' });
	const root = await getActiveRootKey(db);
	if (!root) return refuse('no_root_key');
	let conflicted = new Set<string>();
	if (unitId !== null) {
		const [unit] = await db.select({ id: orgUnit.id }).from(orgUnit).where(eq(orgUnit.id, unitId));
		if (!unit) return refuse('unknown_unit', { field: 'unit' });
		const rows = await db
			.select({ staffId: staffConflict.staffId })
			.from(staffConflict)
			.where(eq(staffConflict.unitId, unitId));
		conflicted = new Set(rows.map((r) => r.staffId));
	}
	const [entries, revocations] = await Promise.all([
		signedEntriesForOrgan(db, organId, now, conflicted),
		latestRevocationList(db)
	]);
	const suite = deploymentSuite();
	return ok({
		organ: organId,
		suite: suite.id,
		root: { publicKey: toBase64(root.publicKey), fingerprint: suite.rootFingerprint(root.publicKey) },
		entries: entries.map((e) => toBase64(e)),
		revocations: revocations ? toBase64(revocations.signed) : null
	});
}

/** `readDirectory` as a `{ status, body }` answer. */
export async function directoryApi(db: Db, params: URLSearchParams, now = new Date()): Promise<Answer> {
	return answerOf(await readDirectory(db, params, now));
}
