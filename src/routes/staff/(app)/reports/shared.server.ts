/**
 * What every back-office page that decrypts needs from the server: the member's wrapped key bundle (to
 * unlock in the browser), today in China, the working-day calendar (to count "N working days left") and
 * the workflow's {zh, en} labels (src/lib/server/workflow: server-only modules, so the labels travel as
 * page data).
 */
import { db } from '$lib/server/db';
import { requireRole } from '$lib/server/http/staff';
import { getStaffKey } from '$lib/server/keys/staff-keys';
import { toBase64 } from '$lib/shared/encoding';
import { CHINA_TIME_ZONE, DEFAULT_CALENDAR, todayIn, type WorkingDayCalendar } from '$lib/server/calendar';
import {
	ACTION_LABELS,
	DEADLINE_INFO,
	FIRST_FORM_MEASURES,
	FOUR_FORMS,
	GOVERNMENT_SANCTIONS,
	ORGANIZATIONAL_HANDLING,
	ACCOUNTABILITY_MEASURES,
	OTHER_OUTCOME_LABELS,
	OUTCOME_KINDS,
	PARTY_SANCTIONS,
	PUBLIC_STATUS_LABELS,
	REASON_LABELS,
	STATE_INFO
} from '$lib/server/workflow';
import type { WorkflowLabels } from '$lib/shared/wire/staff';

function labels(): WorkflowLabels {
	const states: WorkflowLabels['states'] = {};
	for (const [code, s] of Object.entries(STATE_INFO))
		states[code] = { zh: s.zh, en: s.en, stage: s.stage, public: s.public };
	const deadlines: WorkflowLabels['deadlines'] = {};
	for (const [code, d] of Object.entries(DEADLINE_INFO)) deadlines[code] = { zh: d.zh, en: d.en };
	return {
		states,
		actions: { ...ACTION_LABELS },
		deadlines,
		reasons: { ...REASON_LABELS },
		publicStatuses: { ...PUBLIC_STATUS_LABELS },
		outcome: {
			kinds: { ...OUTCOME_KINDS },
			forms: { ...FOUR_FORMS },
			measures: { ...FIRST_FORM_MEASURES },
			party: { ...PARTY_SANCTIONS },
			government: { ...GOVERNMENT_SANCTIONS },
			organizational: { ...ORGANIZATIONAL_HANDLING },
			accountability: { ...ACCOUNTABILITY_MEASURES },
			other: { ...OTHER_OUTCOME_LABELS }
		}
	};
}

/** Holidays and make-up workdays within a year either side of today (the rest is plain Monday–Friday). */
function calendarLists(cal: WorkingDayCalendar, today: string): { holidays: string[]; workdays: string[] } {
	const y = Number(today.slice(0, 4));
	const near = (d: string) => Math.abs(Number(d.slice(0, 4)) - y) <= 1;
	return { holidays: [...cal.holidays].filter(near).sort(), workdays: [...cal.workdays].filter(near).sort() };
}

export async function staffCryptoData(locals: App.Locals) {
	const user = requireRole(locals, 'staff');
	const key = await getStaffKey(db(), user.id);
	const today = todayIn(CHINA_TIME_ZONE);
	return {
		bundle: key
			? {
					publicKey: toBase64(key.publicKey),
					passwordWrapped: toBase64(key.passwordWrapped),
					recoveryWrapped: toBase64(key.recoveryWrapped)
				}
			: null,
		today,
		calendar: calendarLists(DEFAULT_CALENDAR, today),
		labels: labels()
	};
}
