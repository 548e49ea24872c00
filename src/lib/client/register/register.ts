/**
 * The official's side of the interference register (issue 19 item 3) over the public API: the organ that
 * supervises the official's unit and its verified recipients (the report form's routing and directory
 * check, pinned root included), enrolment, records, 零报告 and the status. Everything is encrypted here;
 * the requests carry no cookie.
 */
import { decodeBase64 } from '@oslojs/encoding';
import { requestJson } from '../report/http';
import { solve } from '../report/pow';
import { prepareRecipients, type PreparedRecipients } from '../report/recipients';
import { CATEGORIES } from '../../shared/vocabulary/report';
import type { UnitHit } from '../../shared/wire/public';
import type { RegisterPeriod } from '../../shared/vocabulary/register';
import {
	newRegisterKey,
	registerKeys,
	sealJson,
	wrapsFor,
	type RegisterIdentity,
	type RegisterRecord
} from '../../crypto/register';
import { deploymentSuite } from '../deployment-suite';

/** What the server answers about a register key (src/lib/server/register/register.ts RegisterStatus). */
export interface RegisterStatusAnswer {
	period: RegisterPeriod;
	firstPeriod: string;
	current: string;
	filed: { kind: string; period: string }[];
	missing: string[];
}

/** The organ supervising `unit` and its recipients, verified against the pinned root (base64 or null). */
export function registerRecipients(unit: UnitHit, pinnedRoot: string | null): Promise<PreparedRecipients> {
	return prepareRecipients(
		{
			unit: unit.id,
			position: 'other_staff',
			category: CATEGORIES[CATEGORIES.length - 1] as (typeof CATEGORIES)[number],
			escalate: false,
			realName: true
		},
		{ pinnedRootPublicKey: pinnedRoot ? decodeBase64(pinnedRoot) : null }
	);
}

/**
 * Enrols: a proof of work (as for a report), a new register key, the identity sealed, the content key
 * sealed to every verified recipient.
 */
export async function enrolOfficial(
	prepared: PreparedRecipients,
	who: { name: string; post: string },
	period: RegisterPeriod
): Promise<{ key: string; firstPeriod: string }> {
	const key = newRegisterKey();
	const k = registerKeys(key, deploymentSuite());
	const identity: RegisterIdentity = {
		v: 1,
		name: who.name.trim(),
		post: who.post.trim(),
		unit: { id: prepared.routing.unit.id, name: prepared.routing.unit.name }
	};
	const pow = await solve('intake');
	const a = await requestJson<{ firstPeriod: string }>('/api/v1/register', {
		json: {
			pow,
			organ: prepared.organ.id,
			unit: prepared.routing.unit.id,
			period,
			handle: k.handle,
			auth: k.auth,
			identity: sealJson(k.content, identity, deploymentSuite()),
			wraps: wrapsFor(k.content, prepared.recipients, deploymentSuite())
		}
	});
	return { key, firstPeriod: a.firstPeriod };
}

/** The periods filed and missing for a register key. */
export function registerStatus(key: string): Promise<RegisterStatusAnswer> {
	const k = registerKeys(key, deploymentSuite());
	return requestJson<RegisterStatusAnswer>('/api/v1/register/status', { json: { handle: k.handle, auth: k.auth } });
}

/** Files a record of an approach. */
export function fileRecord(key: string, record: RegisterRecord): Promise<RegisterStatusAnswer> {
	const k = registerKeys(key, deploymentSuite());
	return requestJson<RegisterStatusAnswer>('/api/v1/register/entries', {
		json: { handle: k.handle, auth: k.auth, kind: 'record', content: sealJson(k.content, record, deploymentSuite()) }
	});
}

/** Files a 零报告 for `period`. */
export function fileZero(key: string, period: string): Promise<RegisterStatusAnswer> {
	const k = registerKeys(key, deploymentSuite());
	return requestJson<RegisterStatusAnswer>('/api/v1/register/entries', {
		json: {
			handle: k.handle,
			auth: k.auth,
			kind: 'zero',
			period,
			content: sealJson(k.content, { v: 1, type: 'zero', period }, deploymentSuite())
		}
	});
}
