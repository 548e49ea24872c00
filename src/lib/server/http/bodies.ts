/**
 * The request-body schemas of src/lib/shared/wire as the server checks them: base64 fields decoded with
 * Buffer (./base64.ts). Kept in two constants so the staff schemas are built apart from the reporter's.
 */
import { reporterBodies } from '$lib/shared/wire/reporter';
import { staffBodies } from '$lib/shared/wire/staff';
import { nodeBase64 } from './base64';

export const REPORTER_BODIES = reporterBodies(nodeBase64.decode);
export const STAFF_BODIES = staffBodies(nodeBase64.decode);
