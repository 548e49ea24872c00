/**
 * Limits of the reporter's wire protocol that the browser and the server must agree on (docs/reporting.md).
 * No imports: the reporter's bundle, the server and the benchmarks all read it.
 */

/**
 * Reports whose encrypted files together are at most this many bytes go in one request: the proof of work
 * and the files inline in the commit (docs/reporting.md §3). Larger ones use the resumable intake: base64
 * in JSON costs a third more bytes than a PUT of raw parts, which matters on mobile data for big files.
 */
export const INLINE_MAX_BYTES = 256 * 1024;
