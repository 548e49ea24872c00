/**
 * Limits of the wire protocol that the browser and the server must agree on (docs/reporting.md,
 * docs/backoffice.md), and the defaults of the limits a deployment may change (src/lib/server/config.ts
 * reads the environment; the reporter's pages get the configured values as page data).
 */
import { CONTENT_OVERHEAD } from '../crypto/content';
import { MAX_CONTENT_BUCKET } from '../crypto/padding';

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * Reports whose encrypted files together are at most this many bytes go in one request: the proof of work
 * and the files inline in the commit (docs/reporting.md §3). Larger ones use the resumable intake: base64
 * in JSON costs a third more bytes than a PUT of raw parts, which matters on mobile data for big files.
 */
export const INLINE_MAX_BYTES = 256 * KIB;

/** Bytes per uploaded part (the last part of a file is shorter); the intake answer repeats it. */
export const PART_SIZE = MIB;

/** Seconds an intake stays open on the server. */
export const INTAKE_LIFETIME_SECONDS = 3600;

/**
 * How long a resumed submission keeps using its intake: ten minutes short of the server's hour, because
 * the browser measures on its own clock, which may disagree with the server's.
 */
export const INTAKE_REUSE_MS = (INTAKE_LIFETIME_SECONDS - 600) * 1000;

/** Intake ids are 16 random bytes (22 characters of base64url). */
export const INTAKE_ID_LENGTH = 16;

/** Largest content ciphertext: the largest content bucket plus the format's overhead (docs/crypto.md). */
export const MAX_CONTENT_BYTES = MAX_CONTENT_BUCKET + CONTENT_OVERHEAD;

/** Most wraps one report (or one transfer) may carry: far above any organ's staff. */
export const MAX_WRAPS = 1000;

/** Most inline files in one commit. */
export const MAX_INLINE_FILES = 100;

/** Largest byte field of a form or small JSON body (a directory entry is well under 1 KiB). */
export const MAX_FIELD_BYTES = 4096;

/**
 * Defaults of the configurable file limits (MAX_FILES, MAX_FILE_BYTES, MAX_REPORT_BYTES). The server
 * enforces the configured values; the reporter's pages are given them by their layout's load and check a
 * choice of files against them before encrypting anything.
 */
export const FILE_LIMIT_DEFAULTS = { maxFiles: 10, maxFileBytes: 25 * MIB, maxReportBytes: 60 * MIB } as const;

/** The file limits a reporter's page checks against. */
export interface FileLimits {
	maxFiles: number;
	maxFileBytes: number;
}

/* ------------------------------------------------------------------ request body caps (bytes) */

/** The base64 length of `n` bytes. */
const base64Length = (n: number) => Math.ceil(n / 3) * 4;

/** Small JSON bodies of the reporter's API (challenge, intake, receipt spec and open). */
export const SMALL_BODY_CAP = 16 * KIB;

/** A JSON body when the endpoint names no cap, and small bodies of the staff API. */
export const JSON_BODY_CAP = 64 * KIB;

/** A report commit: the largest content and inline files in base64, the wraps and the receipt, with room. */
export const REPORT_BODY_CAP = base64Length(MAX_CONTENT_BYTES) + base64Length(INLINE_MAX_BYTES) + 512 * KIB;

/** Staff bodies carrying a content ciphertext (1 MiB bucket) in base64 plus the rest (wraps, outcome). */
/** A reporter's follow-up messages per report: per day (the report's time zone) and in all (issue 16). */
export const REPORTER_MESSAGES_PER_DAY = 10;
export const REPORTER_MESSAGES_TOTAL = 200;

export const STAFF_BIG_BODY_CAP = Math.ceil((MAX_CONTENT_BYTES * 4) / 3) + 512 * KIB;
