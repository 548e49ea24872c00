/**
 * Who a report is encrypted to (docs/reporting.md §2): the organ routing chose and its signed key
 * directory, verified in the browser. The preview shows what this returns (organ, root fingerprint,
 * number of recipients); the submission seals the report key to exactly these entries.
 *
 *   const routing = await fetchRouting(choice);                 // routing.ts: shown at once
 *   const preview = await verifyRecipients(choice, routing);   // the same answer: routing is asked once
 */
import { DirectoryAnswerError, verifyServedDirectory } from '../directory-verify';
import { rootFingerprint, type DirectoryEntry } from '../../crypto/directory';
import { DEFAULT_SUITE, loadSuite, type SuiteId } from '../../crypto/suite';
import { ReportError } from './errors';
import { requestJson, type HttpOptions } from './http';
import { fetchRouting, type RoutingChoice } from './routing';
import type { RoutingAnswer, UnitHit } from '../../shared/wire/public';

/** A routing answer (docs/api.md) that names its unit: what a report can be written for. */
export type RoutedChoice = RoutingAnswer & { unit: UnitHit };

/** The recipients a report would be encrypted to, for the preview and the submission. */
export interface PreparedRecipients {
	choice: RoutingChoice;
	routing: RoutedChoice;
	organ: RoutedChoice['organ'];
	/** The organization root key's fingerprint (six groups of five digits) to show the reporter. */
	fingerprint: string;
	rootPublicKey: Uint8Array;
	/** The cipher suite the directory was verified under (the page's pinned suite, issue 21). */
	suite: SuiteId;
	/** Verified directory entries: the only keys the report key is sealed to. */
	recipients: DirectoryEntry[];
	recipientCount: number;
	/** Served entries that failed verification (expired, revoked, bad signature …); never used. */
	rejectedCount: number;
}

export interface PrepareOptions extends HttpOptions {
	/**
	 * A root key the page trusts (the reporter page: the deployment's pinned key, served with the page,
	 * never the database copy); the served one must equal it (else `root_changed`). `null`: the page was
	 * served without one, so no directory can be trusted (`no_recipients`).
	 */
	pinnedRootPublicKey?: Uint8Array | null;
	/**
	 * The deployment's cipher suite, served with the page beside the pinned root (default NaCl). A directory
	 * answer of the other suite is refused (`directory_untrusted`), in both directions (issue 21).
	 */
	pinnedSuite?: SuiteId;
	/** Clock in ms (tests). */
	now?: () => number;
}

/**
 * The organ's signed directory for a routing answer already fetched (`fetchRouting`), verified here.
 * Throws `server` (an answer without its unit), `not_deliverable`, `no_recipients` (no entry passed
 * verification), `directory_untrusted` or `root_changed`.
 */
export async function verifyRecipients(
	choice: RoutingChoice,
	answer: RoutingAnswer,
	options: PrepareOptions = {}
): Promise<PreparedRecipients> {
	if (typeof answer.unit?.id !== 'string') throw new ReportError('server', 'not a routing answer');
	const routing = answer as RoutedChoice;
	if (!routing.deliverable)
		throw new ReportError('not_deliverable', 'nobody can receive encrypted reports for this unit now');
	if (options.pinnedRootPublicKey === null)
		throw new ReportError('no_recipients', 'this page has no pinned root key to check the directory against');
	// POST: the organ and the unit never sit in a URL (issue 14).
	const served = await requestJson<unknown>('/api/v1/directory', {
		json: { organ: routing.organ.id, unit: choice.unit },
		fetch: options.fetch,
		signal: options.signal
	});
	const suiteId = options.pinnedSuite ?? DEFAULT_SUITE;
	// The GM suite's code is fetched only on a page pinned to it; NaCl's is already here.
	const suite = suiteId === DEFAULT_SUITE ? undefined : await loadSuite(suiteId);
	let verified;
	try {
		verified = verifyServedDirectory(served, {
			organId: routing.organ.id,
			now: options.now?.() ?? Date.now(),
			pinnedRootPublicKey: options.pinnedRootPublicKey ?? undefined,
			suite
		});
	} catch (e) {
		if (e instanceof DirectoryAnswerError) {
			throw new ReportError(e.code === 'ROOT_MISMATCH' ? 'root_changed' : 'directory_untrusted', e.message, {
				cause: e
			});
		}
		throw e;
	}
	if (verified.valid.length === 0) throw new ReportError('no_recipients', 'no directory entry passed verification');
	return {
		choice,
		routing,
		organ: routing.organ,
		fingerprint: verified.fingerprint,
		rootPublicKey: verified.rootPublicKey,
		suite: suiteId,
		recipients: verified.valid,
		recipientCount: verified.valid.length,
		rejectedCount: verified.rejected.length
	};
}

/** Routing check plus the verified directory in one go (a submission without a preview, or a re-check). */
export async function prepareRecipients(
	choice: RoutingChoice,
	options: PrepareOptions = {}
): Promise<PreparedRecipients> {
	const routing = await fetchRouting(choice, { fetch: options.fetch, signal: options.signal });
	return verifyRecipients(choice, routing, options);
}

/** The two 校验码 the reporter compares when the served directory is signed under another root than the pinned one. */
export interface RootMismatch {
	/** The pinned root's 校验码 (what /verify and the poster show). */
	expected: string;
	/** The 校验码 of the root key the server answered with. */
	served: string;
}

/**
 * The root mismatch behind an error of `verifyRecipients`, `prepareRecipients` or a submission
 * (`root_changed`), or null for any other error: the reporter page stops and shows both 校验码.
 */
export function rootMismatchOf(err: unknown): RootMismatch | null {
	if (!(err instanceof ReportError) || err.code !== 'root_changed') return null;
	let cause: unknown = err.cause;
	while (cause instanceof ReportError) cause = cause.cause;
	if (!(cause instanceof DirectoryAnswerError) || !cause.roots) return null;
	return { expected: rootFingerprint(cause.roots.pinned), served: rootFingerprint(cause.roots.served) };
}
