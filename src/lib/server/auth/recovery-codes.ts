/** One-time recovery codes for the second factor; only SHA-256 hashes are stored. */
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { staffRecoveryCode } from '$lib/server/db/schema';

const COUNT = 10;

function normalize(code: string): string {
	return code.toLowerCase().replace(/[\s-]/g, '');
}

function hash(code: string): Uint8Array {
	return sha256(new TextEncoder().encode(normalize(code)));
}

/** Replaces the user's codes with fresh ones and returns them for one-time display. */
export async function issueRecoveryCodes(db: Db, userId: string): Promise<string[]> {
	const codes = Array.from({ length: COUNT }, () => {
		const b = new Uint8Array(10);
		crypto.getRandomValues(b);
		const s = encodeBase32LowerCaseNoPadding(b).slice(0, 16);
		return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}`;
	});
	await db.transaction(async (tx) => {
		await tx.delete(staffRecoveryCode).where(eq(staffRecoveryCode.userId, userId));
		await tx.insert(staffRecoveryCode).values(codes.map((c) => ({ userId, codeHash: hash(c) })));
	});
	return codes;
}

/** Marks a matching unused code as used; true when one was found. */
export async function useRecoveryCode(db: Db, userId: string, code: string): Promise<boolean> {
	if (normalize(code).length !== 16) return false;
	const wanted = hash(code);
	const rows = await db
		.select()
		.from(staffRecoveryCode)
		.where(and(eq(staffRecoveryCode.userId, userId), isNull(staffRecoveryCode.usedAt)));
	let match: number | null = null;
	for (const r of rows) if (constantTimeEqual(r.codeHash, wanted)) match = r.id;
	if (match === null) return false;
	const updated = await db
		.update(staffRecoveryCode)
		.set({ usedAt: new Date() })
		.where(and(eq(staffRecoveryCode.id, match), isNull(staffRecoveryCode.usedAt)))
		.returning({ id: staffRecoveryCode.id });
	return updated.length === 1;
}
