/**
 * The reporter's client library (issue 5): what the /report and /follow-up pages import. No UI here.
 * Heavy work runs in Web Workers (crypto.worker.ts for Argon2id and files, pow.worker.ts for proof of
 * work); this entry point only pulls in tweetnacl and small helpers. See docs/reporting.md,
 * "Reporter client".
 */
export { ReportError, isReportError, type ReportErrorCode } from './errors';
export {
	prepareRecipients,
	fetchRouting,
	submitReport,
	createSubmission,
	Submission,
	type RoutingChoice,
	type RoutedChoice,
	type PreparedRecipients,
	type ReportDetails,
	type ReportInput,
	type ReportContent,
	type SubmitProgress,
	type SubmitResult,
	type SubmitOptions,
	type Position
} from './submit';
export type { ReportKind } from '../../shared/vocabulary/report';
export {
	parseReceiptInput,
	openReceipt,
	type ReceiptInput,
	type FollowUpSession,
	type FollowUpReport,
	type FollowUpMessage,
	type OpenProgress,
	type MessageProgress,
	type FollowUpOptions,
	type ReportStatus
} from './followup';
export {
	saveDraft,
	loadDraft,
	hasDraft,
	deleteDraft,
	DRAFT_STORAGE_KEY,
	type DraftOptions,
	type DraftStorage
} from './draft';
export {
	stripImageMetadata,
	stripFileMetadata,
	findImageMetadata,
	metadataWarning,
	canStrip,
	detectImageFormat,
	METADATA_CODES,
	type MetadataCode,
	type StripResult,
	type ImageFormat
} from './exif';
export {
	solve,
	fetchChallenge,
	solveChallenge,
	workerSolver,
	syncSolver,
	type PowSolver,
	type PowProgress,
	type PowSolution
} from './pow';
export type { AttachedFile, FileManifest, ReporterCrypto } from './files';
