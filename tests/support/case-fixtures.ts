/**
 * What the case tests share: the back office's operations as the staff API answers them (status and body,
 * which is what the tests state), and an encrypted note. Test-only; nothing of the app imports it.
 */
import { encryptContent, utf8 } from '$lib/crypto';
import { answerOf } from '$lib/server/http/answer';
import { toBase64 as b64 } from '$lib/server/http/base64';
import type { Result } from '$lib/server/http/result';
import { created } from '$lib/server/http/staff';
import * as actions from '../../src/lib/server/backoffice/case-actions';
import * as conversation from '../../src/lib/server/backoffice/case-conversation';
import * as grants from '../../src/lib/server/backoffice/case-grants';
import * as view from '../../src/lib/server/backoffice/case-view';
import * as inboxes from '../../src/lib/server/backoffice/inbox';
import * as notices from '../../src/lib/server/backoffice/notices';

const answering =
	<A extends unknown[]>(fn: (...a: A) => Promise<Result<unknown>>, shape = (r: Result<unknown>) => r) =>
	async (...a: A) =>
		answerOf(shape(await fn(...a)));
export const applyAction = answering(actions.applyAction);
export const addNote = answering(conversation.addNote, created);
export const reply = answering(conversation.reply, created);
export const assign = answering(grants.assign);
export const grant = answering(grants.grant, created);
export const openCase = answering(view.openCase);
export const inbox = answering(inboxes.inbox);
export const listNotices = answering(notices.listNotices);

/** A rationale or note encrypted under the report key, as the browser sends it. */
export const note = (key: Uint8Array, text = 'rationale') => b64(encryptContent(key, utf8(JSON.stringify({ text }))));
