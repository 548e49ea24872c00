/** Audit chains for the tests of src/lib/server/audit: fields that vary by index, chains built and re-hashed. */
import { computeHash, nextEntry, ZERO_HASH, type AuditEntry, type AuditFields } from '$lib/server/audit/chain';

export const T0 = Date.parse('2026-02-13T01:00:00.000Z');

export function fields(i: number, over: Partial<AuditFields> = {}): AuditFields {
	return {
		at: new Date(T0 + i * 61_000).toISOString(),
		actor: i % 5 === 0 ? 'system' : `staff-${i % 3}`,
		action: ['report.open', 'workflow.accept', 'workflow.approve', 'report.export'][i % 4] as string,
		reportId: i % 4 === 3 ? null : `r-${i % 7}`,
		organId: i % 6 === 5 ? null : `organ-${i % 2}`,
		details: { step: i, codes: ['a', 'b'], nested: { z: 1, a: null } },
		...over
	};
}

export function chain(n: number, genesis?: string): AuditEntry[] {
	const out: AuditEntry[] = [];
	for (let i = 0; i < n; i++) out.push(nextEntry(out[i - 1] ?? null, fields(i), { genesis }));
	return out;
}

/** Recomputes hashes from `from` on, as someone with write access to the table could. */
export function rechain(entries: AuditEntry[], from: number): AuditEntry[] {
	const out = entries.slice(0, from);
	for (let i = from; i < entries.length; i++) {
		const e = entries[i] as AuditEntry;
		const prevHash = i === 0 ? ZERO_HASH : (out[i - 1] as AuditEntry).hash;
		const base = { ...e, prevHash };
		out.push({ ...base, hash: computeHash(base) });
	}
	return out;
}
