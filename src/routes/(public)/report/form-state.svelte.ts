/**
 * The state of the report page (+page.svelte and its steps StepWho, StepWhat, StepYou, Done), in memory
 * only, with the page's rules: what each step checks, the routing preview, the submission and its
 * progress, and what a failure tells the reporter.
 */
import { DEFAULT_SUITE, type SuiteId } from '$lib/crypto/suite-id';
import { tick } from 'svelte';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { hasDraft } from '$lib/client/report/draft';
import { forgetKeptForm, takeKeptForm } from '$lib/client/report/kept';
import { isReportError } from '$lib/client/report/errors';
import { emptyForm, routingChoiceOf, sendReport, type ReportForm, type ShownReceipt } from '$lib/client/report/form';
import type { SubmitStage } from '$lib/client/report/progress';
import { decodeBase64 } from '@oslojs/encoding';
import {
	rootMismatchOf,
	verifyRecipients,
	type PreparedRecipients,
	type RootMismatch
} from '$lib/client/report/recipients';
import { fetchRouting } from '$lib/client/report/routing';
import { lookupUnit } from '$lib/client/report/poster';
import type { RoutingAnswer } from '$lib/shared/wire/public';

type Loading = 'idle' | 'loading' | 'failed';

/**
 * The report form: three steps, everything held in memory (Svelte state) only. No input has a `name` and
 * no form has an action, so nothing typed can ever be posted in clear; the only way out is `sendReport`,
 * which encrypts in the browser first. Routing is asked once per preview: the answer shown is the one
 * whose directory is verified and whose recipients the report is sealed to.
 */
export class ReportFormState {
	ready = $state(false);
	online = $state(true);
	step = $state(1);
	form = $state<ReportForm>(emptyForm());
	errors = $state<Record<string, string>>({});
	alertText = $state('');
	/** The heading of the step shown (each step binds its own): focus goes there. */
	heading = $state<HTMLElement | null>(null);

	// Step 3: routing preview and verified recipients.
	routing = $state<RoutingAnswer | null>(null);
	routingState = $state<Loading>('idle');
	recipients = $state<PreparedRecipients | null>(null);
	keysState = $state<Loading>('idle');
	/** Set when the server answered with a root key other than the pinned one: the form stops here. */
	rootWarning = $state<RootMismatch | null>(null);
	private routingSeq = 0;

	// Submission.
	busy = $state(false);
	progress = $state<Record<SubmitStage, number | null>>({
		files: null,
		receipt: null,
		pow: null,
		upload: null,
		commit: null
	});
	submitMessage = $state('');
	controller: AbortController | null = null;
	done = $state<ShownReceipt | null>(null);
	leftoverDraft = $state(false);
	draftNote = $state('');

	readonly locale = getLocale();

	/** Opened from a poster's QR code (issue 22): that unit's id while it stays chosen; `posterMissing` if unknown. */
	posterUnit = $state<string | null>(null);
	posterMissing = $state(false);

	/** Chooses the unit of a poster's QR code (its id came from the fragment, now cleared). */
	openFromPoster = async (id: string) => {
		try {
			const hit = await lookupUnit(id);
			if (!hit) this.posterMissing = true;
			else if (!this.form.unit) {
				this.form.unit = hit;
				this.form.byRegion = false;
				this.posterUnit = hit.id;
			}
		} catch {
			this.posterMissing = true;
		}
	};

	/** True when the form came back from memory (the reporter had left the page mid-form). */
	restored = $state(false);

	/**
	 * `pinnedRoot`: the deployment's pinned root public key (base64) served with the page, or null;
	 * `pinnedSuite`: its cipher suite, served with it (issue 21).
	 */
	constructor(
		private readonly pinnedRoot: () => string | null,
		private readonly pinnedSuite: () => SuiteId = () => DEFAULT_SUITE
	) {
		const kept = takeKeptForm();
		if (kept) {
			this.form = kept.form;
			this.step = kept.step;
			this.restored = true;
		}
	}

	/**
	 * True once anything was typed or chosen (the kind has a default). A unit that came from a poster's QR code
	 * and is still the one chosen does not count: the reporter has not done anything yet.
	 */
	readonly dirty = $derived(
		(!!this.form.unit && this.form.unit.id !== this.posterUnit) ||
			!!this.form.position ||
			this.form.description.trim() !== '' ||
			this.form.personName.trim() !== '' ||
			this.form.files.length > 0
	);

	readonly explanation = $derived(
		this.routing ? (this.locale === 'en' ? this.routing.explanation.en : this.routing.explanation.zh) : ''
	);

	readonly stages = $derived<SubmitStage[]>(
		this.form.files.length > 0
			? ['files', 'receipt', 'pow', 'upload', 'commit']
			: ['receipt', 'pow', 'upload', 'commit']
	);

	/** The error text of a field, or ''. */
	err = (id: string): string => this.errors[id] ?? '';

	async goTo(n: number) {
		this.step = n;
		this.errors = {};
		this.alertText = '';
		await tick();
		this.heading?.focus();
		if (n === 3) void this.loadRouting();
	}

	/** Shows the errors, announces how many, and puts focus on the first field that needs fixing. */
	private async showErrors(found: Record<string, string>): Promise<boolean> {
		this.errors = found;
		const ids = Object.keys(found);
		if (ids.length === 0) {
			this.alertText = '';
			return true;
		}
		this.alertText = m.report_fix_errors({ count: ids.length });
		await tick();
		const target = document.querySelector<HTMLElement>(`[data-field="${ids[0]}"]`);
		const control = target?.matches('input, textarea')
			? target
			: target?.querySelector<HTMLElement>('input:not([disabled]), textarea');
		(control ?? target)?.focus();
		return false;
	}

	submitStep1 = async (e: SubmitEvent) => {
		e.preventDefault();
		const form = this.form;
		const found: Record<string, string> = {};
		if (!form.unit) found.unit = m.report_unit_required();
		else if (form.byRegion && form.unitText.trim() === '') found.unitText = m.report_unit_text_required();
		if (!form.position) found.position = m.report_position_required();
		if (form.kind === 'interference_record') {
			if (!form.interference.matter) found.matter = m.report_matter_required();
			if (!form.interference.how) found.how = m.report_how_required();
		}
		if (await this.showErrors(found)) await this.goTo(2);
	};

	submitStep2 = async (e: SubmitEvent) => {
		e.preventDefault();
		const form = this.form;
		const found: Record<string, string> = {};
		if (!form.category) found.category = m.report_category_required();
		if (form.description.trim() === '') found.description = m.report_description_required();
		if (form.files.some((f) => f.state === 'processing')) found.files = m.report_files_wait();
		if (await this.showErrors(found)) await this.goTo(3);
	};

	/** The routing preview, then the organ's directory verified for that same answer. */
	loadRouting = async () => {
		if (!this.form.unit || !this.form.position) return;
		const seq = ++this.routingSeq;
		this.routing = null;
		this.recipients = null;
		this.routingState = 'loading';
		this.keysState = 'idle';
		try {
			const choice = routingChoiceOf(this.form);
			const r = await fetchRouting(choice);
			if (seq !== this.routingSeq) return;
			this.routing = r;
			this.routingState = 'idle';
			if (!r.deliverable) return;
			this.keysState = 'loading';
			const pinned = this.pinnedRoot();
			const rec = await verifyRecipients(choice, r, {
				pinnedRootPublicKey: pinned ? decodeBase64(pinned) : null,
				pinnedSuite: this.pinnedSuite()
			});
			if (seq !== this.routingSeq) return;
			this.recipients = rec;
			this.keysState = 'idle';
		} catch (err) {
			if (seq !== this.routingSeq) return;
			this.rootWarning = rootMismatchOf(err) ?? this.rootWarning;
			if (this.routing) this.keysState = 'failed';
			else this.routingState = 'failed';
		}
	};

	submitStep3 = async (e: SubmitEvent) => {
		e.preventDefault();
		if (this.busy) return;
		this.submitMessage = '';
		const found: Record<string, string> = {};
		if (this.form.realName) {
			if (this.form.identity.name.trim() === '') found.identityName = m.report_identity_name_required();
			if (this.form.identity.contact.trim() === '') found.identityContact = m.report_identity_contact_required();
		}
		if (!(await this.showErrors(found))) return;
		if (!navigator.onLine) {
			this.submitMessage = m.report_offline();
			return;
		}
		if (!this.routing || !this.recipients) {
			await this.loadRouting();
			if (!this.routing || !this.recipients) {
				this.submitMessage = this.routingState === 'failed' ? m.report_unreachable() : m.report_keys_failed();
				return;
			}
		}
		this.busy = true;
		this.progress = { files: null, receipt: null, pow: null, upload: null, commit: null };
		const c = new AbortController();
		this.controller = c;
		void tick().then(() => document.querySelector('.progress')?.scrollIntoView({ block: 'center' }));
		try {
			const result = await sendReport($state.snapshot(this.form) as ReportForm, this.recipients, {
				signal: c.signal,
				onProgress: (stage, fraction) => {
					this.progress[stage] = fraction;
				}
			});
			this.done = result;
			forgetKeptForm();
			this.busy = false;
			this.leftoverDraft = hasDraft();
			this.form = emptyForm(); // the receipt is all that is left
			await tick();
			this.heading?.focus();
		} catch (err) {
			this.busy = false;
			this.rootWarning = rootMismatchOf(err) ?? this.rootWarning;
			this.submitMessage = this.failureText(err);
			if (isReportError(err, 'recipients_changed', 'root_changed', 'not_deliverable', 'no_recipients'))
				void this.loadRouting();
		} finally {
			if (this.controller === c) this.controller = null;
		}
	};

	private failureText(err: unknown): string {
		if (isReportError(err, 'cancelled')) return m.report_cancelled();
		if (!navigator.onLine) return m.report_offline();
		if (isReportError(err, 'network')) return m.report_unreachable();
		if (isReportError(err, 'rate_limited'))
			return m.report_rate_limited({ minutes: Math.max(1, Math.ceil((err.retryAfter ?? 60) / 60)) });
		if (isReportError(err, 'recipients_changed', 'root_changed')) return m.report_routing_changed();
		if (isReportError(err, 'not_deliverable')) return m.report_routing_not_deliverable();
		if (isReportError(err, 'no_recipients', 'directory_untrusted')) return m.report_keys_failed();
		if (isReportError(err) && err.serverMessage) {
			const reason = this.locale === 'en' ? err.serverMessage.en : err.serverMessage.zh;
			if (reason) return m.report_failed_reason({ reason });
		}
		return m.report_failed();
	}

	cancel = () => {
		this.controller?.abort();
	};
}

/** The ids of the elements that describe a field (hint, error), or undefined when there are none. */
export function describedBy(...ids: (string | false)[]): string | undefined {
	return ids.filter(Boolean).join(' ') || undefined;
}
