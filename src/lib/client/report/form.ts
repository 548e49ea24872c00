/**
 * The report form as the /report page holds it (memory only), and what becomes of it: the routing choice,
 * the library's input, the submission with its progress bars, and the opt-in encrypted draft.
 */
import { attachedFiles, type PickedFile } from './attachments';
import { loadDraft, saveDraft } from './draft';
import { ReportError } from './errors';
import { submitStages, type SubmitStage } from './progress';
import type { PreparedRecipients } from './recipients';
import { sameRouting, type RoutingChoice } from './routing';
import { submitReport, type ReportInput } from './submit';
import type {
	Category,
	InterferenceHow,
	InterferenceMatter,
	FormKind,
	PositionKind,
	ReporterRole
} from '../../shared/vocabulary/report';
import { FORM_KINDS, REPORTER_ROLES, reportKindOf } from '../../shared/vocabulary/report';
import type { UnitHit } from '../../shared/wire/public';
import type { SuiteId } from '../../crypto/suite-id';

/** Everything the reporter fills in (memory only). */
export interface ReportForm {
	unit: UnitHit | null;
	/** True when `unit` is a region the reporter chose because the unit could not be found (issue 14). */
	byRegion: boolean;
	/** With `byRegion`: the unit as the reporter typed it (encrypted content only). */
	unitText: string;
	position: PositionKind | null;
	personName: string;
	personPost: string;
	/** What the report is (the content's kind follows from it and `role`: `reportKindOf`). */
	kind: FormKind;
	/** Who the reporter says they are (您的身份, optional; encrypted content only). */
	role: ReporterRole | null;
	interference: {
		matter: InterferenceMatter | null;
		when: string;
		how: InterferenceHow | null;
		howDetail: string;
		othersWhoKnew: string;
	};
	category: Category | null;
	description: string;
	files: PickedFile[];
	realName: boolean;
	identity: { name: string; contact: string; unitOrAddress: string };
	escalate: boolean;
}

export function emptyForm(): ReportForm {
	return {
		unit: null,
		byRegion: false,
		unitText: '',
		position: null,
		personName: '',
		personPost: '',
		kind: 'public_tip',
		role: null,
		interference: { matter: null, when: '', how: null, howDetail: '', othersWhoKnew: '' },
		category: null,
		description: '',
		files: [],
		realName: false,
		identity: { name: '', contact: '', unitOrAddress: '' },
		escalate: false
	};
}

/** The receipt as the page shows it once: locator and secret without their dashes (the card groups them). */
export interface ShownReceipt {
	locator: string;
	secret: string;
	receivedOn: string;
}

/** The clear routing fields of the form; `invalid_input` while unit or position is missing. */
export function routingChoiceOf(form: ReportForm): RoutingChoice {
	if (!form.unit || !form.position) throw new ReportError('invalid_input', 'unit and position are required');
	return {
		unit: form.unit.id,
		position: form.position,
		category: form.category ?? 'other',
		escalate: form.escalate,
		realName: form.realName,
		...(form.byRegion ? { byRegion: true } : {})
	};
}

function reportInputOf(form: ReportForm): ReportInput {
	const i = form.interference;
	return {
		routing: routingChoiceOf(form),
		details: {
			kind: reportKindOf(form.kind, form.role),
			reporterRole: form.role,
			person: {
				name: form.personName.trim(),
				post: form.personPost.trim(),
				...(form.byRegion ? { unit: form.unitText.trim() } : {})
			},
			description: form.description,
			interference:
				form.kind === 'interference_record' && i.matter && i.how
					? {
							matter: i.matter,
							when: i.when.trim(),
							how: i.how,
							howDetail: i.howDetail.trim(),
							othersWhoKnew: i.othersWhoKnew.trim()
						}
					: null,
			identity: form.realName
				? {
						name: form.identity.name.trim(),
						contact: form.identity.contact.trim(),
						unitOrAddress: form.identity.unitOrAddress.trim()
					}
				: null
		},
		files: attachedFiles(form.files)
	};
}

/**
 * Encrypts and submits the report to the recipients the reporter previewed (routing is not asked again:
 * the server refuses a commit whose routing changed, and the library re-checks then). Resolves with the
 * receipt once the server committed it; `onProgress` gets one of five stages and a fraction from 0 to 1.
 */
export async function sendReport(
	form: ReportForm,
	recipients: PreparedRecipients,
	opts: { signal?: AbortSignal; onProgress?: (stage: SubmitStage, fraction: number) => void }
): Promise<ShownReceipt> {
	const report = opts.onProgress ?? (() => {});
	const stages = submitStages(report);
	const input = reportInputOf(form);
	// The preview must match the current choice (category and real-name flag do not change routing).
	const prepared = sameRouting(recipients.choice, input.routing) ? { ...recipients, choice: input.routing } : undefined;
	try {
		// Re-fetched recipients (a changed choice, a refused commit) must be under the root the preview verified.
		const r = await submitReport(input, {
			prepared,
			pinnedRootPublicKey: recipients.rootPublicKey,
			pinnedSuite: recipients.suite,
			signal: opts.signal,
			onProgress: stages.onProgress
		});
		report('commit', 1);
		return { locator: r.locator.replace(/-/g, ''), secret: r.secret.replace(/-/g, ''), receivedOn: r.receivedOn };
	} finally {
		stages.stop();
	}
}

/** Encrypts the form (files left out) under the passphrase and stores it on this device. */
export async function saveFormDraft(passphrase: string, form: ReportForm, suite?: SuiteId): Promise<void> {
	await saveDraft(passphrase, { ...form, files: [] }, { suite });
}

/** Opens the stored draft as a form (without files); `draft_wrong_passphrase` / `draft_corrupt` on failure. */
export async function openFormDraft(passphrase: string): Promise<ReportForm> {
	const d = await loadDraft<Partial<ReportForm>>(passphrase);
	if (!d || typeof d !== 'object') throw new ReportError('draft_corrupt', 'no draft');
	const base = emptyForm();
	// Drafts of before issue 19 may hold a kind that now follows from the role.
	const kind = (FORM_KINDS as readonly unknown[]).includes(d.kind) ? (d.kind as FormKind) : 'public_tip';
	const role = (REPORTER_ROLES as readonly unknown[]).includes(d.role)
		? (d.role as ReporterRole)
		: (d.kind as unknown) === 'peer_report'
			? 'leadership_team'
			: (d.kind as unknown) === 'member_tip'
				? 'party_member'
				: null;
	return {
		...base,
		...d,
		kind,
		role,
		interference: { ...base.interference, ...(d.interference ?? {}) },
		identity: { ...base.identity, ...(d.identity ?? {}) },
		files: []
	};
}
