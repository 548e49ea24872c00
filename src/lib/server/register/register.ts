/**
 * The interference register, server side (issue 19 item 3; docs/reporting.md "The interference register",
 * docs/backoffice.md "Interference register"). The server never sees a name: it checks that an enrolment
 * is sealed to exactly the organ's recipients, accepts entries from the holder of the register key (by the
 * SHA-256 of a handle and of an auth token derived from it), hands the organ's staff their wraps and
 * ciphertexts, and reminds them when a period passes without an entry.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import * as v from 'valibot';
import type { Db } from '$lib/server/db';
import { registerEnrolment, registerEntry, registerKeyWrap, disciplineOrgan } from '$lib/server/db/schema';
import { inList } from '$lib/server/db/schema/checks';
import { ok, refuse, type Result } from '$lib/server/http/result';
import { routeReport } from '$lib/server/org/routing';
import { rowsOf } from '$lib/server/org/sql';
import { appendAudit, type Queryable } from '$lib/server/audit/log';
import { isContentCiphertext } from '$lib/server/reports/intake/schemas';
import { dateIn } from '$lib/server/reports/dates';
import { spendPow, verifyPow, type PowRefusal } from '$lib/server/reports/pow';
import { routingAndRecipients } from '$lib/server/reports/intake/routing-cache';
import { HANDLER_ROLES } from '$lib/shared/vocabulary/org';
import {
	REGISTER_ENTRY_KINDS,
	REGISTER_PERIODS,
	isPeriod,
	periodOf,
	previousPeriod,
	type RegisterPeriod
} from '$lib/shared/vocabulary/register';
import type { StaffCtx } from '$lib/server/backoffice/context';
import { CHINA_TIME_ZONE } from '$lib/server/calendar';

/** The question routing is asked for an official's register: an official of the unit (routing follows the post only). */
export const REGISTER_ROUTING = { position: 'other_staff', escalate: false } as const;

const b64 = (max: number) =>
	v.pipe(
		v.string(),
		v.maxLength(Math.ceil(max / 3) * 4 + 4),
		v.transform((s) => {
			try {
				return new Uint8Array(Buffer.from(s, 'base64'));
			} catch {
				return new Uint8Array(0);
			}
		})
	);

const KEY32 = v.pipe(
	b64(32),
	v.check((b) => b.length === 32, 'expected 32 bytes')
);

export const EnrolBody = v.object({
	/** A solved 'intake' proof of work (docs/reporting.md §1): enrolling costs what a report costs. */
	pow: v.optional(v.unknown()),
	organ: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
	unit: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
	period: v.picklist(REGISTER_PERIODS),
	handle: KEY32,
	auth: KEY32,
	identity: b64(70_000),
	wraps: v.pipe(v.array(v.object({ entryId: b64(64), sealed: b64(200) })), v.minLength(1), v.maxLength(500))
});

export const EntryBody = v.object({
	handle: KEY32,
	auth: KEY32,
	kind: v.picklist(REGISTER_ENTRY_KINDS),
	/** A 零报告's period; a record counts for the period it is filed in (the server's today). */
	period: v.optional(v.pipe(v.string(), v.maxLength(10))),
	content: b64(70_000)
});

export const StatusBody = v.object({ handle: KEY32, auth: KEY32 });

const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());

/** Periods from `first` to `last` inclusive (same length), oldest first; at most 240. */
export function periodsBetween(first: string, last: string): string[] {
	const out: string[] = [];
	for (let p = last; p >= first && out.length < 240; p = previousPeriod(p)) out.unshift(p);
	return out;
}

/** Periods from the enrolment's first up to the one before today's that have no entry. */
export function missingPeriods(firstPeriod: string, length: RegisterPeriod, today: string, filed: Set<string>) {
	const last = previousPeriod(periodOf(today, length));
	return periodsBetween(firstPeriod, last).filter((p) => !filed.has(p));
}

export interface EnrolAnswer {
	enrolment: string;
	firstPeriod: string;
}

/** POST /api/v1/register: enrols an official (the register key's handle and auth hashes, the identity sealed). */
export async function enrol(
	db: Db,
	body: v.InferOutput<typeof EnrolBody>,
	opts: { now: Date; timezone: string }
): Promise<
	Result<
		EnrolAnswer,
		| PowRefusal
		| 'pow_replayed'
		| 'unknown_unit'
		| 'no_receiving_organ'
		| 'routing_changed'
		| 'no_recipients'
		| 'recipients_changed'
		| 'bad_content'
		| 'locator_taken'
	>
> {
	const pow = await verifyPow(db, body.pow, 'intake', opts.now);
	if (!pow.ok) return refuse(pow.code, { field: 'pow' });
	if (!isContentCiphertext(body.identity)) return refuse('bad_content', { field: 'identity' });
	const [snapshot, recipients] = await routingAndRecipients(db, body.unit, body.organ, opts.now, 0);
	const routed = routeReport(snapshot, { unitId: body.unit, ...REGISTER_ROUTING });
	if (routed.status === 'unknown_unit') return refuse('unknown_unit', { field: 'unit' });
	if (routed.status === 'no_organ') return refuse('no_receiving_organ', { field: 'unit' });
	if (routed.organ.id !== body.organ)
		return refuse('routing_changed', { field: 'organ', extra: { organ: routed.organ.id } });
	if (recipients.size === 0) return refuse('no_recipients', { field: 'organ' });
	const byEntry = new Map<string, string>();
	for (const x of recipients.values()) for (const hex of x.entries.keys()) byEntry.set(hex, x.staffId);
	const covered = new Set<string>();
	const wraps: { staffId: string; entryId: Uint8Array; sealed: Uint8Array }[] = [];
	for (const w of body.wraps) {
		const staffId = byEntry.get(Buffer.from(w.entryId).toString('hex'));
		if (!staffId || covered.has(staffId) || w.sealed.length < 40)
			return refuse('recipients_changed', { field: 'wraps' });
		covered.add(staffId);
		wraps.push({ staffId, entryId: w.entryId, sealed: w.sealed });
	}
	if (covered.size !== recipients.size) return refuse('recipients_changed', { field: 'wraps' });
	const today = dateIn(opts.timezone, opts.now);
	const firstPeriod = periodOf(today, body.period);
	const handleHash = sha256(body.handle);
	const id = await db.transaction(async (tx) => {
		if (!(await spendPow(tx as unknown as Db, pow))) return 'replayed' as const;
		const [row] = await tx
			.insert(registerEnrolment)
			.values({
				organId: body.organ,
				period: body.period,
				handleHash,
				authHash: sha256(body.auth),
				firstPeriod,
				identity: body.identity,
				createdOn: today
			})
			.onConflictDoNothing()
			.returning({ id: registerEnrolment.id });
		if (!row) return null;
		await tx.insert(registerKeyWrap).values(wraps.map((w) => ({ enrolmentId: row.id, ...w })));
		return row.id;
	});
	if (id === 'replayed') return refuse('pow_replayed', { field: 'pow' });
	if (!id) return refuse('locator_taken', { field: 'handle', status: 409 });
	return ok({ enrolment: id, firstPeriod }, { status: 201 });
}

/** The enrolment of a register key, or null when the handle or the auth does not match. */
async function enrolmentOf(db: Db, handle: Uint8Array, auth: Uint8Array) {
	const [row] = await db
		.select()
		.from(registerEnrolment)
		.where(eq(registerEnrolment.handleHash, sha256(handle)));
	const given = sha256(auth);
	const expected = row ? row.authHash : new Uint8Array(32);
	const same = given.length === expected.length && timingSafeEqual(given, expected);
	return row && same ? row : null;
}

export interface RegisterStatus {
	period: RegisterPeriod;
	firstPeriod: string;
	current: string;
	filed: { kind: string; period: string }[];
	missing: string[];
}

async function statusOf(db: Db, e: typeof registerEnrolment.$inferSelect, today: string): Promise<RegisterStatus> {
	const rows = await db
		.select({ kind: registerEntry.kind, period: registerEntry.period })
		.from(registerEntry)
		.where(eq(registerEntry.enrolmentId, e.id))
		.orderBy(asc(registerEntry.receivedAt));
	const length = e.period as RegisterPeriod;
	return {
		period: length,
		firstPeriod: e.firstPeriod,
		current: periodOf(today, length),
		filed: rows,
		missing: missingPeriods(e.firstPeriod, length, today, new Set(rows.map((r) => r.period)))
	};
}

/** POST /api/v1/register/status: what the holder of a register key filed and which periods lack an entry. */
export async function registerStatus(
	db: Db,
	body: v.InferOutput<typeof StatusBody>,
	opts: { now: Date; timezone: string }
): Promise<Result<RegisterStatus, 'receipt_not_recognised'>> {
	const e = await enrolmentOf(db, body.handle, body.auth);
	if (!e) return refuse('receipt_not_recognised', { status: 401 });
	return ok(await statusOf(db, e, dateIn(opts.timezone, opts.now)));
}

/** POST /api/v1/register/entries: a record (this period) or a 零报告 (this or an earlier unfiled period). */
export async function addEntry(
	db: Db,
	body: v.InferOutput<typeof EntryBody>,
	opts: { now: Date; timezone: string }
): Promise<Result<RegisterStatus, 'receipt_not_recognised' | 'invalid_field' | 'bad_content'>> {
	const e = await enrolmentOf(db, body.handle, body.auth);
	if (!e) return refuse('receipt_not_recognised', { status: 401 });
	if (!isContentCiphertext(body.content)) return refuse('bad_content', { field: 'content' });
	const today = dateIn(opts.timezone, opts.now);
	const length = e.period as RegisterPeriod;
	const current = periodOf(today, length);
	let period = current;
	if (body.kind === 'zero') {
		period = body.period ?? current;
		if (!isPeriod(period, length) || period > current || period < e.firstPeriod)
			return refuse('invalid_field', { field: 'period' });
	}
	await db
		.insert(registerEntry)
		.values({ enrolmentId: e.id, kind: body.kind, period, content: body.content, receivedAt: opts.now });
	return ok(await statusOf(db, e, today), { status: 201 });
}

/* ------------------------------------------------------------------ back office */

export interface RegisterItem {
	id: string;
	organ: { id: string; name: string };
	period: RegisterPeriod;
	firstPeriod: string;
	createdOn: string;
	/** base64: the caller's wrap of the register content key, and the sealed identity. */
	sealed: string;
	identity: string;
	entries: { id: string; kind: string; period: string; receivedAt: string; content: string }[];
	missing: string[];
}

export interface RegisterList {
	today: string;
	items: RegisterItem[];
}

const toB64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/**
 * GET /staff/register: the enrolments the caller can open (a wrap of their own, and a handler role in the
 * enrolment's organ now), with every entry's ciphertext and the periods without an entry. Audited as
 * `register.read` (ids only).
 */
export async function listRegister(ctx: StaffCtx, timezone: string): Promise<Result<RegisterList>> {
	const me = ctx.user.id;
	const rows = await ctx.db
		.select({
			id: registerEnrolment.id,
			organId: registerEnrolment.organId,
			organName: disciplineOrgan.name,
			period: registerEnrolment.period,
			firstPeriod: registerEnrolment.firstPeriod,
			createdOn: registerEnrolment.createdOn,
			identity: registerEnrolment.identity,
			sealed: registerKeyWrap.sealed
		})
		.from(registerEnrolment)
		.innerJoin(
			registerKeyWrap,
			and(eq(registerKeyWrap.enrolmentId, registerEnrolment.id), eq(registerKeyWrap.staffId, me))
		)
		.innerJoin(disciplineOrgan, eq(disciplineOrgan.id, registerEnrolment.organId))
		.where(
			sql`exists (select 1 from organ_staff m where m.staff_id = ${me} and m.organ_id = ${registerEnrolment.organId} and m.role in ${inList(HANDLER_ROLES)})`
		)
		.orderBy(asc(registerEnrolment.createdOn), asc(registerEnrolment.id));
	const ids = rows.map((r) => r.id);
	const entries = ids.length
		? await ctx.db
				.select()
				.from(registerEntry)
				.where(inArray(registerEntry.enrolmentId, ids))
				.orderBy(asc(registerEntry.receivedAt))
		: [];
	const today = dateIn(timezone, ctx.now);
	const items: RegisterItem[] = rows.map((r) => {
		const own = entries.filter((e) => e.enrolmentId === r.id);
		const length = r.period as RegisterPeriod;
		return {
			id: r.id,
			organ: { id: r.organId, name: r.organName },
			period: length,
			firstPeriod: r.firstPeriod,
			createdOn: r.createdOn,
			sealed: toB64(r.sealed),
			identity: toB64(r.identity),
			entries: own.map((e) => ({
				id: e.id,
				kind: e.kind,
				period: e.period,
				receivedAt: e.receivedAt.toISOString(),
				content: toB64(e.content)
			})),
			missing: missingPeriods(r.firstPeriod, length, today, new Set(own.map((e) => e.period)))
		};
	});
	const organs = [...new Set(rows.map((r) => r.organId))];
	await ctx.db.transaction((tx) =>
		appendAudit(tx as unknown as Queryable, {
			at: ctx.now,
			actor: me,
			action: 'register.read',
			reportId: null,
			organId: organs.length === 1 ? (organs[0] as string) : null,
			details: { enrolments: ids.length, entries: entries.length }
		})
	);
	return ok({ today, items });
}

/**
 * The 零报告 reminder (daily job): for every enrolment whose last finished period has no entry, a
 * `register_overdue` notice for each of the organ's handlers holding a wrap, once per enrolment and period.
 */
export async function raiseRegisterNotices(db: Db, now: Date, timezone = CHINA_TIME_ZONE): Promise<{ raised: number }> {
	const today = dateIn(timezone, now);
	let raised = 0;
	for (const length of REGISTER_PERIODS) {
		const last = previousPeriod(periodOf(today, length));
		const result = await db.execute(sql`
			insert into staff_notice (staff_id, report_id, kind, created_on, details)
			select w.staff_id, null, 'register_overdue', ${today}::date,
				jsonb_build_object('enrolment', e.id, 'period', ${last}::text, 'organ', e.organ_id)
			from register_enrolment e
			join register_key_wrap w on w.enrolment_id = e.id
			where e.period = ${length} and e.first_period <= ${last}
				and not exists (select 1 from register_entry x where x.enrolment_id = e.id and x.period = ${last})
				and exists (select 1 from organ_staff m where m.staff_id = w.staff_id and m.organ_id = e.organ_id and m.role in ${inList(HANDLER_ROLES)})
				and not exists (select 1 from staff_notice n where n.staff_id = w.staff_id and n.kind = 'register_overdue'
					and n.details->>'enrolment' = e.id::text and n.details->>'period' = ${last}::text)
			returning id`);
		raised += rowsOf(result).length;
	}
	return { raised };
}
