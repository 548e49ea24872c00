/**
 * GET /api/v1/directory?organ=<id>[&unit=<id>] (docs/api.md): the root public key, its fingerprint, the
 * organ's signed entries (without those of staff conflicted for `unit`) and the newest signed revocation
 * list, all as base64 of the exact signed bytes.
 */
import { eq } from 'drizzle-orm';
import { rootFingerprint } from '$lib/crypto/directory';
import type { Db } from '$lib/server/db';
import { disciplineOrgan, orgUnit, staffConflict } from '$lib/server/db/schema';
import { signedEntriesForOrgan } from './directory';
import { latestRevocationList } from './revocations';
import { getActiveRootKey } from './root-key';
import { toBase64 } from './wire';

export interface DirectoryResponse {
	organ: string;
	root: { publicKey: string; fingerprint: string };
	entries: string[];
	revocations: string | null;
}

const ORGAN_ID = /^[A-Za-z0-9_.:-]{1,100}$/;
const UNIT_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

const fail = (status: number, code: string, zh: string, en: string, field?: string) => ({
	status,
	body: { error: field === undefined ? { code, message: { zh, en } } : { code, field, message: { zh, en } } }
});

export async function directoryApi(
	db: Db,
	params: URLSearchParams,
	now = new Date()
): Promise<{ status: number; body: unknown }> {
	const all = params.getAll('organ');
	if (all.length !== 1 || !ORGAN_ID.test(all[0]!)) {
		return fail(
			400,
			'invalid_parameter',
			'请用参数 organ 提供纪检监察机关编号（路由结果中的 id）。',
			'Give the organ id (the id from a routing answer) in parameter organ.',
			'organ'
		);
	}
	const organId = all[0]!;
	const units = params.getAll('unit');
	if (units.length > 1 || (units.length === 1 && !UNIT_ID.test(units[0]!))) {
		return fail(
			400,
			'invalid_parameter',
			'参数 unit 必须是单位编号（单位搜索结果中的 id），且只能给一次。',
			'Parameter unit must be a unit id (the id from a unit search result), given once.',
			'unit'
		);
	}
	const unitId = units[0] ?? null;
	const [organ] = await db
		.select({ id: disciplineOrgan.id })
		.from(disciplineOrgan)
		.where(eq(disciplineOrgan.id, organId));
	if (!organ) return fail(400, 'unknown_organ', '没有这个纪检监察机关。', 'There is no organ with this id.', 'organ');
	const root = await getActiveRootKey(db);
	if (!root)
		return fail(
			409,
			'no_root_key',
			'本系统尚未生成根签名密钥，暂时无法加密举报。',
			'This system has no root signing key yet, so reports cannot be encrypted.'
		);
	let conflicted = new Set<string>();
	if (unitId !== null) {
		const [unit] = await db.select({ id: orgUnit.id }).from(orgUnit).where(eq(orgUnit.id, unitId));
		if (!unit) return fail(400, 'unknown_unit', '目录中找不到这个单位。', 'This unit is not in the directory.', 'unit');
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
	const body: DirectoryResponse = {
		organ: organId,
		root: { publicKey: toBase64(root.publicKey), fingerprint: rootFingerprint(root.publicKey) },
		entries: entries.map(toBase64),
		revocations: revocations ? toBase64(revocations.signed) : null
	};
	return { status: 200, body };
}
