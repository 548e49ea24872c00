/**
 * The reporter's endpoints in process, for the client tests (src/lib/client/report/*.test.ts): a `fetch`
 * that hands each request to the same functions the SvelteKit endpoints of src/routes/api/v1 call
 * (src/lib/server/http/reporter.ts, org/api.ts, keys/api.ts), on a test database with the small directory
 * of ./reporter-world.ts. Requests are recorded for assertions; the clock can be moved; the staff side
 * (opening a report's key, replying, tampering with stored ciphertext) works on the database directly.
 */
import { and, asc, eq, isNull } from 'drizzle-orm';
import { encryptContent, openSealedKey, utf8 } from '$lib/crypto';
import type { Db } from '$lib/server/db';

export { describeDb } from '$lib/server/db/testing';
export type { Db };
import { attachment, attachmentPart, report, reportKeyWrap, reportMessage } from '$lib/server/db/schema';
import {
	intakeApi,
	newLimits,
	partApi,
	powApi,
	receiptFileApi,
	receiptMessagesApi,
	receiptOpenApi,
	receiptReportApi,
	receiptSpecApi,
	reportsApi,
	type Answer,
	type Ctx
} from '$lib/server/http/reporter';
import { download, respond } from '$lib/server/http/respond';
import { directoryApi } from '$lib/server/keys/api';
import { gone, readQueryBody, routingPost } from '$lib/server/org/api';
import { TOKEN_SECONDS } from '$lib/server/reports/followup';
import { NOW, SETTINGS, type World } from './reporter-world';

export interface RecordedRequest {
	method: string;
	path: string;
	headers: Record<string, string>;
	credentials: RequestCredentials | undefined;
}

/** A stored report as the database holds it (ciphertext only). */
export interface StoredReport {
	id: string;
	content: Uint8Array;
	files: { id: string; stream: Uint8Array }[];
	messages: { id: number; author: string; body: Uint8Array; files: { id: string; stream: Uint8Array }[] }[];
}

export class ReporterServer {
	readonly requests: RecordedRequest[] = [];
	private clock = NOW.getTime();
	private readonly limits = newLimits();

	constructor(
		readonly db: Db,
		readonly world: World
	) {}

	/** The request context every endpoint gets. */
	ctx(): Ctx {
		return {
			db: this.db,
			settings: SETTINGS,
			address: 'addr:192.0.2.7',
			now: new Date(this.clock),
			limits: this.limits
		};
	}

	/** Moves the clock past the lifetime of every receipt token issued so far. */
	expireTokens(): void {
		this.clock += (TOKEN_SECONDS + 1) * 1000;
	}

	readonly fetch = async (input: string, init: RequestInit = {}): Promise<Response> => {
		const url = new URL(input, 'http://localhost');
		const method = (init.method ?? 'GET').toUpperCase();
		const headers = Object.fromEntries(new Headers(init.headers).entries());
		this.requests.push({ method, path: url.pathname, headers, credentials: init.credentials });
		const request = new Request(url, { method, headers, body: init.body ?? null, signal: init.signal ?? null });
		const ctx = this.ctx();
		const p = url.pathname;
		const part = /^\/api\/v1\/intake\/([^/]+)\/files\/([^/]+)\/parts\/([^/]+)$/.exec(p);
		const file = /^\/api\/v1\/receipt\/files\/([^/]+)$/.exec(p);
		let a: Answer | { status: 200; bytes: number; stream: AsyncIterable<Uint8Array> };
		// The look-ups are POST bodies (issue 14); their GET forms answer 410, as the real endpoints do.
		if (method === 'POST' && p === '/api/v1/routing') a = await routingPost(this.db, request);
		else if (method === 'POST' && p === '/api/v1/directory') {
			const params = await readQueryBody(request);
			a = params instanceof URLSearchParams ? await directoryApi(this.db, params, ctx.now) : params;
		} else if (method === 'GET' && (p === '/api/v1/routing' || p === '/api/v1/directory')) a = gone(`POST ${p}`);
		else if (method === 'POST' && p === '/api/v1/pow') a = await powApi(ctx, request);
		else if (method === 'POST' && p === '/api/v1/intake') a = await intakeApi(ctx, request);
		else if (method === 'PUT' && part) a = await partApi(ctx, request, { intake: part[1]!, n: part[2]!, i: part[3]! });
		else if (method === 'POST' && p === '/api/v1/reports') a = await reportsApi(ctx, request);
		else if (method === 'POST' && p === '/api/v1/receipt/spec') a = await receiptSpecApi(ctx, request);
		else if (method === 'POST' && p === '/api/v1/receipt/open') a = await receiptOpenApi(ctx, request);
		else if (method === 'GET' && p === '/api/v1/receipt/report') a = await receiptReportApi(ctx, request);
		else if (method === 'GET' && file) a = await receiptFileApi(ctx, request, file[1]!);
		else if (method === 'POST' && p === '/api/v1/receipt/messages') a = await receiptMessagesApi(ctx, request);
		else a = { status: 404, body: { error: { code: 'not_found' } } };
		return 'stream' in a ? download(a) : respond(a);
	};

	private async readFile(id: string): Promise<Uint8Array> {
		const parts = await this.db
			.select({ data: attachmentPart.data })
			.from(attachmentPart)
			.where(eq(attachmentPart.attachmentId, id))
			.orderBy(asc(attachmentPart.idx));
		return new Uint8Array(Buffer.concat(parts.map((x) => x.data)));
	}

	/** The stored report of a locator (as printed on the receipt, dashes allowed). */
	async stored(locator: string): Promise<StoredReport> {
		const [r] = await this.db
			.select()
			.from(report)
			.where(eq(report.locator, locator.replace(/-/g, '')));
		if (!r) throw new Error(`no report ${locator}`);
		const files = await this.db
			.select({ id: attachment.id, messageId: attachment.messageId })
			.from(attachment)
			.where(and(eq(attachment.reportId, r.id), isNull(attachment.intakeId)))
			.orderBy(asc(attachment.fileNo));
		const withData = await Promise.all(files.map(async (f) => ({ ...f, stream: await this.readFile(f.id) })));
		const filesOf = (m: number | null) =>
			withData.filter((f) => f.messageId === m).map(({ id, stream }) => ({ id, stream }));
		const messages = await this.db
			.select()
			.from(reportMessage)
			.where(eq(reportMessage.reportId, r.id))
			.orderBy(asc(reportMessage.id));
		return {
			id: r.id,
			content: r.content,
			files: filesOf(null),
			messages: messages.map((m) => ({ id: m.id, author: m.author, body: m.body, files: filesOf(m.id) }))
		};
	}

	/** The report key as a staff member it was sealed for opens it (the first of the world's staff with a wrap). */
	async staffOpen(locator: string): Promise<Uint8Array> {
		const r = await this.stored(locator);
		const wraps = await this.db
			.select({ staffId: reportKeyWrap.staffId, sealed: reportKeyWrap.sealed })
			.from(reportKeyWrap)
			.where(eq(reportKeyWrap.reportId, r.id));
		for (const staff of [this.world.alice, this.world.bob, this.world.carol]) {
			const w = wraps.find((x) => x.staffId === staff.id);
			if (w) return openSealedKey(w.sealed, staff.keyPair);
		}
		throw new Error('no wrap for the staff of the test world');
	}

	/** A staff reply, encrypted under the report key. */
	async staffReply(locator: string, reportKey: Uint8Array, text: string): Promise<void> {
		const r = await this.stored(locator);
		const body = encryptContent(reportKey, utf8(JSON.stringify({ text })));
		await this.db
			.insert(reportMessage)
			.values({ reportId: r.id, author: 'staff', sentOn: '2026-11-27', body, staffId: this.world.alice.id });
	}

	/** Flips one byte of a stored message body and of a stored file (tampering with the database). */
	async tamper(messageId: number, fileId: string, at: { body: number; file: number }): Promise<void> {
		const [m] = await this.db
			.select({ body: reportMessage.body })
			.from(reportMessage)
			.where(eq(reportMessage.id, messageId));
		const body = new Uint8Array(m!.body);
		body[at.body]! ^= 1;
		await this.db.update(reportMessage).set({ body }).where(eq(reportMessage.id, messageId));
		const [p] = await this.db
			.select({ data: attachmentPart.data })
			.from(attachmentPart)
			.where(and(eq(attachmentPart.attachmentId, fileId), eq(attachmentPart.idx, 0)));
		const data = new Uint8Array(p!.data);
		data[at.file]! ^= 1;
		await this.db
			.update(attachmentPart)
			.set({ data })
			.where(and(eq(attachmentPart.attachmentId, fileId), eq(attachmentPart.idx, 0)));
	}
}
