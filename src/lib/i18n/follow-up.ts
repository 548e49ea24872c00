/** The reporter's status and promised dates on /follow-up (see ./lookup.ts). */
import { m } from '$lib/paraglide/messages';
import type { PublicStatus } from '$lib/shared/vocabulary/report';
import type { ReporterDeadline } from '$lib/shared/vocabulary/workflow';
import type { Described } from './lookup';

/** The reporter's status on /follow-up (name and what it means). */
export const statusLabels = {
	received: { label: m.followup_status_received, hint: m.followup_status_received_hint },
	accepted: { label: m.followup_status_accepted, hint: m.followup_status_accepted_hint },
	handling: { label: m.followup_status_handling, hint: m.followup_status_handling_hint },
	concluded: { label: m.followup_status_concluded, hint: m.followup_status_concluded_hint },
	transferred: { label: m.followup_status_transferred, hint: m.followup_status_transferred_hint },
	handed_down: { label: m.followup_status_handed_down, hint: m.followup_status_handed_down_hint },
	handed_down_followed: { label: m.handdown_followup_status, hint: m.handdown_followup_status_hint },
	not_accepted: { label: m.followup_status_not_accepted, hint: m.followup_status_not_accepted_hint },
	duplicate: { label: m.followup_status_duplicate, hint: m.followup_status_duplicate_hint },
	returned: { label: m.followup_status_returned, hint: m.followup_status_returned_hint },
	objection: { label: m.followup_status_objection, hint: m.followup_status_objection_hint }
} satisfies Record<PublicStatus, Described>;

/** What a real-name reporter is promised by a date, on /follow-up. */
export const reporterDeadlineTexts = {
	acceptance_notice: m.followup_deadline_acceptance_notice,
	result_feedback: m.followup_deadline_result_feedback
} satisfies Record<ReporterDeadline, (inputs: { date: string }) => string>;
