import { error, fail } from '@sveltejs/kit';
import { asc, eq } from 'drizzle-orm';
import { rootFingerprint } from '$lib/crypto/directory';
import { db } from '$lib/server/db';
import { auditAdmin } from '$lib/server/audit/log';
import { directoryEntry, disciplineOrgan, staffKey, staffUser } from '$lib/server/db/schema';
import { storeDirectoryEntry } from '$lib/server/keys/directory';
import { getActiveRootKey } from '$lib/server/keys/root-key';
import { fromBase64, toBase64 } from '$lib/shared/encoding';
import type { Actions, PageServerLoad } from './$types';

/** How many organs the signing form lists (the directory may be large; ids can also be typed). */
const ORGAN_LIST_LIMIT = 2000;

function requireAdmin(locals: App.Locals) {
	if (!locals.user?.isAdmin || !locals.session?.twoFactorVerified) error(403, 'Administrators only');
	return locals.user;
}

export const load: PageServerLoad = async ({ locals }) => {
	requireAdmin(locals);
	const d = db();
	const root = await getActiveRootKey(d);
	const staff = await d
		.select({
			id: staffUser.id,
			username: staffUser.username,
			displayName: staffUser.displayName,
			publicKey: staffKey.publicKey
		})
		.from(staffKey)
		.innerJoin(staffUser, eq(staffUser.id, staffKey.staffId))
		.orderBy(asc(staffUser.username));
	const organs = await d
		.select({ id: disciplineOrgan.id, name: disciplineOrgan.name })
		.from(disciplineOrgan)
		.orderBy(asc(disciplineOrgan.id))
		.limit(ORGAN_LIST_LIMIT);
	const entries = await d
		.select({
			username: staffUser.username,
			organId: directoryEntry.organId,
			role: directoryEntry.role,
			notAfter: directoryEntry.notAfter
		})
		.from(directoryEntry)
		.innerJoin(staffUser, eq(staffUser.id, directoryEntry.staffId))
		.orderBy(asc(directoryEntry.createdAt));
	return {
		root: root ? { publicKey: toBase64(root.publicKey), fingerprint: rootFingerprint(root.publicKey) } : null,
		staff: staff.map((s) => ({
			id: s.id,
			username: s.username,
			displayName: s.displayName,
			publicKey: toBase64(s.publicKey)
		})),
		organs,
		entries: entries.map((e) => ({ ...e, notAfter: e.notAfter.toISOString().slice(0, 10) }))
	};
};

export const actions: Actions = {
	/** The root key is made in the offline ceremony and pinned by configuration, never created here. */
	createRoot: async ({ locals }) => {
		requireAdmin(locals);
		return fail(410, { reason: 'ceremony_only' });
	},
	sign: async ({ locals, request }) => {
		const admin = requireAdmin(locals);
		const form = await request.formData();
		const signed = fromBase64(form.get('signed'));
		if (!signed) return fail(400, { reason: 'malformed' });
		const r = await storeDirectoryEntry(db(), signed);
		if (r.ok) await auditAdmin(db(), admin, 'keys.entry_sign', { bytes: signed.length });
		return r.ok ? { signed: true } : fail(400, { reason: r.reason });
	}
};
