/** The lead register's body schemas (src/lib/shared/wire/leads.ts) with the server's Buffer base64. */
import { leadBodies } from '$lib/shared/wire/leads';
import { nodeBase64 } from '$lib/server/http/base64';

export const STAFF_BODIES_LEADS = leadBodies(nodeBase64.decode);
