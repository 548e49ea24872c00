/**
 * The reporter's submissions (docs/reporting.md §2–3): what a submission must look like (./schemas.ts),
 * staging its encrypted files (./staging.ts) and committing it in one transaction (./commit.ts). Every
 * operation returns a typed value or a typed refusal; src/lib/server/http/reporter.ts speaks HTTP.
 */
export {
	checkFileSizes,
	checkReportBody,
	isAttachmentStreamLength,
	isContentCiphertext,
	partCount,
	partLength,
	type FilesSource,
	type IntakeSettings
} from './schemas';
export { createIntake, locatePart, putPart, type Admission, type PartTarget } from './staging';
export { addReporterMessage, commitReport, type CommitOptions, type CommitRefusal } from './commit';
