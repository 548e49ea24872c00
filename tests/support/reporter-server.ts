/**
 * The reporter's endpoints in process, for the client tests (src/lib/client/report/*.test.ts): a `fetch`
 * that hands each request to the same functions the SvelteKit endpoints of src/routes/api/v1 call
 * (src/lib/server/http/reporter.ts, org/api.ts, keys/api.ts), on a test database with the small directory
 * of ./reporter-world.ts. Requests are recorded for assertions; the clock can be moved; faults can be
 * injected (a request answered with an error or a network failure instead of reaching the handler);
 * garbage can be appended to the directory's entries. The world changes through the domain or the
 * database (a new keyed staff member with conflicts, a routing change), and the staff side (opening a
 * report's key, replying, tampering with stored ciphertext) works on the database directly.
 */
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import {
	decryptAttachment,
	decryptContent,
	encodeBase64,
	encryptContent,
	fromUtf8,
	generateRootKey,
	newEntryId,
	openSealedKey,
	rootFingerprint,
	signDirectoryEntry,
	utf8
} from '$lib/crypto';
import type { Db } from '$lib/server/db';

export { describeDb } from './db';
export type { Db };
import {
	attachment,
	attachmentPart,
	disciplineOrgan,
	report,
	reportKeyWrap,
	reportMessage,
	staffUser
} from '$lib/server/db/schema';
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
import { declareConflict, setMembership } from '$lib/server/org/admin';
import { gone, readQueryBody, routingPost } from '$lib/server/org/api';
import { TOKEN_SECONDS } from '$lib/server/reports/followup';
import { keyStaff, NOW, SETTINGS, type Staff, type World } from './reporter-world';
import { decodeReportBinary } from '$lib/shared/wire/report-binary';

/**
 * What a binary commit (src/lib/shared/wire/report-binary.ts) said, in the JSON body's shape for the
 * tests' checks: its head, the inline files (when it has some) and the receipt's locator.
 */
function binaryCommitView(body: Uint8Array): unknown {
	const d = decodeReportBinary(body);
	if (!d.ok) return { binary: d.code };
	return { ...(d.head as object), ...(d.bytes.files ? { files: d.bytes.files } : {}) };
}

export interface RecordedRequest {
	method: string;
	path: string;
	headers: Record<string, string>;
	credentials: RequestCredentials | undefined;
	/** The parsed body of a JSON request. */
	body?: unknown;
}

/** A fault to inject: when `match` says yes, answer `fail` (or reject like a failed fetch) instead of the handler. */
export interface Fault {
	match: (r: RecordedRequest) => boolean;
	/** A status to answer with (error `code`, Retry-After: 1 on 429 and 503), or 'network' to make fetch reject. */
	fail: number | 'network';
	code?: string;
	/** How many times (default 1). */
	times?: number;
}

/** A stored report as the database holds it (ciphertext only). */
export interface StoredReport {
	id: string;
	locator: string;
	receivedOn: string;
	routing: { unit: string; position: string; category: string; escalate: boolean; realName: boolean };
	organ: string;
	wraps: { staffId: string; entryId: Uint8Array; sealed: Uint8Array }[];
	kdfSpec: Uint8Array;
	authHash: Uint8Array;
	wrappedKey: Uint8Array;
	content: Uint8Array;
	files: { id: string; stream: Uint8Array }[];
	messages: { id: string; author: string; body: Uint8Array; files: { id: string; stream: Uint8Array }[] }[];
}

export class ReporterServer {
	readonly requests: RecordedRequest[] = [];
	readonly faults: Fault[] = [];
	/** Strings appended to the entries of every directory answer (the client must refuse them). */
	servedGarbage: string[] = [];
	private extraStaff = 0;
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
		const p = url.pathname;
		const method = (init.method ?? 'GET').toUpperCase();
		const headers = Object.fromEntries(new Headers(init.headers).entries());
		const body = typeof init.body === 'string' && headers['content-type'] === 'application/json' ? init.body : null;
		const recorded: RecordedRequest = { method, path: url.pathname, headers, credentials: init.credentials };
		if (body !== null) recorded.body = JSON.parse(body);
		else if (p === '/api/v1/reports' && init.body instanceof Uint8Array) recorded.body = binaryCommitView(init.body);
		this.requests.push(recorded);
		if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError');
		for (const f of this.faults) {
			if ((f.times ?? 1) > 0 && f.match(recorded)) {
				f.times = (f.times ?? 1) - 1;
				if (f.fail === 'network') throw new TypeError('fetch failed');
				const code = f.code ?? 'server_error';
				return new Response(JSON.stringify({ error: { code, message: { zh: code, en: code } } }), {
					status: f.fail,
					headers: {
						'content-type': 'application/json',
						...(f.fail === 429 || f.fail === 503 ? { 'retry-after': '1' } : {})
					}
				});
			}
		}
		const answer = await this.handle(url, method, headers, init);
		if (p === '/api/v1/directory' && this.servedGarbage.length > 0 && answer.status === 200) {
			const dir = (await answer.json()) as { entries: string[] };
			dir.entries = [...dir.entries, ...this.servedGarbage];
			return new Response(JSON.stringify(dir), { status: 200, headers: { 'content-type': 'application/json' } });
		}
		return answer;
	};

	private async handle(
		url: URL,
		method: string,
		headers: Record<string, string>,
		init: RequestInit
	): Promise<Response> {
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
	}

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
		const filesOf = (m: string | null) =>
			withData.filter((f) => f.messageId === m).map(({ id, stream }) => ({ id, stream }));
		const messages = await this.db
			.select()
			.from(reportMessage)
			.where(eq(reportMessage.reportId, r.id))
			.orderBy(asc(reportMessage.seq));
		const wraps = await this.db
			.select({ staffId: reportKeyWrap.staffId, entryId: reportKeyWrap.entryId, sealed: reportKeyWrap.sealed })
			.from(reportKeyWrap)
			.where(eq(reportKeyWrap.reportId, r.id));
		return {
			id: r.id,
			locator: r.locator,
			receivedOn: r.receivedOn,
			routing: {
				unit: r.unitId,
				position: r.position,
				category: r.category,
				escalate: r.escalate,
				realName: r.realName
			},
			organ: r.organId,
			wraps,
			kdfSpec: r.kdfSpec,
			authHash: r.authHash,
			wrappedKey: r.receiptWrapped,
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
	async tamper(messageId: string, fileId: string, at: { body: number; file: number }): Promise<void> {
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

	/**
	 * The reports this server was asked to commit that the database holds, in the order first asked (one
	 * database may serve several servers; each sees its own).
	 */
	async reports(): Promise<StoredReport[]> {
		const asked = [
			...new Set(
				this.requests
					.filter((r) => r.method === 'POST' && r.path === '/api/v1/reports')
					.map((r) => (r.body as { receipt?: { locator?: string } } | undefined)?.receipt?.locator)
					.filter((l): l is string => typeof l === 'string')
			)
		];
		if (asked.length === 0) return [];
		const held = await this.db.select({ locator: report.locator }).from(report).where(inArray(report.locator, asked));
		const there = new Set(held.map((h) => h.locator));
		return Promise.all(asked.filter((l) => there.has(l)).map((l) => this.stored(l)));
	}

	/** Opens a stored report as `staff` would: report key, content document, files (throws without a wrap). */
	openAs(
		r: StoredReport,
		staff: Pick<Staff, 'id' | 'keyPair'>
	): { reportKey: Uint8Array; content: unknown; files: { name: string; type: string; data: Uint8Array }[] } {
		const wrap = r.wraps.find((w) => w.staffId === staff.id);
		if (!wrap) throw new Error(`${staff.id} has no wrap`);
		const reportKey = openSealedKey(wrap.sealed, staff.keyPair);
		const content: unknown = JSON.parse(fromUtf8(decryptContent(reportKey, r.content)));
		return { reportKey, content, files: r.files.map((f) => decryptAttachment(reportKey, f.stream)) };
	}

	/** A new inspector of `organ` with a key and a directory entry, conflicted for `conflicts` (through the domain). */
	async addStaff(organ: string, conflicts: string[] = []): Promise<Staff> {
		const username = `extra${++this.extraStaff}${Math.random().toString(36).slice(2, 8)}`;
		const [user] = await this.db
			.insert(staffUser)
			.values({
				username,
				displayName: username,
				authSalt: new Uint8Array(16),
				authParams: { m: 64, t: 1, p: 1 },
				authHash: '!'
			})
			.returning({ id: staffUser.id });
		const id = user!.id;
		const member = await setMembership(this.db, { staffId: id, organId: organ, role: 'inspector', hasKey: false });
		if (!member.ok) throw new Error(member.error);
		for (const unitId of conflicts) {
			const c = await declareConflict(this.db, { staffId: id, unitId, reason: '亲属关系' });
			if (!c.ok) throw new Error(c.error);
		}
		return keyStaff(this.db, this.world.root, id, organ, 'inspector');
	}

	/**
	 * Changes routing: the county commission o-k1 moves under `organ`, so a report on the top leader of u-k1
	 * (one level up from o-k1) goes to `organ` (o-city in the world as built).
	 */
	async routeTopLeaderOfK1To(organ: string): Promise<void> {
		await this.db.update(disciplineOrgan).set({ parentOrganId: organ }).where(eq(disciplineOrgan.id, 'o-k1'));
	}

	/** A fetch like this one, but whose directory is signed by another root key (same staff keys, new entries). */
	foreignRootFetch(): typeof this.fetch {
		const root = generateRootKey();
		const s = Math.floor(NOW.getTime() / 1000);
		const staff = [this.world.alice, this.world.bob, this.world.carol];
		return async (input, init) => {
			const answer = await this.fetch(input, init);
			if (!input.startsWith('/api/v1/directory')) return answer;
			const dir = (await answer.json()) as Record<string, unknown> & { organ: string };
			dir.root = { publicKey: encodeBase64(root.publicKey), fingerprint: rootFingerprint(root.publicKey) };
			dir.entries = staff.map((x) =>
				encodeBase64(
					signDirectoryEntry(
						{
							entryId: newEntryId(),
							staffId: x.id,
							organId: dir.organ,
							role: 'inspector',
							publicKey: x.keyPair.publicKey,
							notBefore: s - 3600,
							notAfter: s + 86_400 * 365
						},
						root.secretKey
					)
				)
			);
			return new Response(JSON.stringify(dir), { status: 200, headers: { 'content-type': 'application/json' } });
		};
	}
}
