/**
 * FOR TESTS ONLY: an in-memory server that follows docs/reporting.md (PoW, intake, parts, commit,
 * receipt spec/open, follow-up) and docs/api.md (routing, directory), driven through a `fetch` function.
 * It checks what the real server checks (signed single-use challenges, wraps = current recipients,
 * bucketed content, production KDF unless told otherwise, part lengths, locators), so the reporter's
 * client is exercised end to end without the real server. It also plays the staff side (opening sealed
 * keys with the staff secret keys) so tests can check what was encrypted.
 */
import { decodeBase64, decodeBase64urlIgnorePadding, encodeBase64, encodeBase64urlNoPadding } from '@oslojs/encoding';
import { hmac } from '@oslojs/crypto/hmac';
import { SHA256 } from '@oslojs/crypto/sha2';
import nacl from 'tweetnacl';
import { decryptAttachment } from '../../../crypto/attachment';
import { decryptContent, encryptContent, CONTENT_OVERHEAD } from '../../../crypto/content';
import { bytesEqual, fromUtf8, utf8 } from '../../../crypto/encoding';
import {
	generateRootKey,
	newEntryId,
	rootFingerprint,
	signDirectoryEntry,
	type RootKeyPair
} from '../../../crypto/directory';
import { decodeKdfSpec, encodeKdfSpec } from '../../../crypto/kdf-spec';
import { isProductionParams, RECEIPT_KDF } from '../../../crypto/kdf';
import { WRAPPED_KEY_LENGTH } from '../../../crypto/keys';
import { isContentBucket } from '../../../crypto/padding';
import { receiptAuthHash } from '../../../crypto/receipt';
import { generateBoxKeyPair, openSealedKey, SEALED_KEY_LENGTH, type BoxKeyPair } from '../../../crypto/seal';
import { checkPow } from '../pow-core';
import { isLocator } from '../../../shared/encoding';
import type { MessageAuthor } from '../../../shared/vocabulary/report';
import {
	CHALLENGE_ID_LENGTH,
	CHALLENGE_LENGTH,
	CHALLENGE_OFFSETS,
	challengeFields,
	POW_LIFETIME_SECONDS,
	POW_PURPOSES,
	POW_VERSION,
	SIGNED_LENGTH,
	type PowPurpose
} from '../../../shared/pow';

export interface Staff {
	staffId: string;
	organ: string;
	keys: BoxKeyPair;
	entryId: Uint8Array;
	entry: Uint8Array;
	/** Units this person declared a conflict for. */
	conflicts: Set<string>;
	active: boolean;
}

export interface StoredReport {
	id: number;
	locator: string;
	receivedOn: string;
	routing: Record<string, unknown>;
	organ: string;
	content: Uint8Array;
	wraps: { entryId: string; sealed: Uint8Array }[];
	kdfSpec: Uint8Array;
	authHash: Uint8Array;
	wrappedKey: Uint8Array;
	status: string;
	files: { id: string; stream: Uint8Array }[];
	messages: {
		id: number;
		author: MessageAuthor;
		sentOn: string;
		body: Uint8Array;
		files: { id: string; stream: Uint8Array }[];
	}[];
}

interface IntakeState {
	id: string;
	sizes: number[];
	parts: Map<string, Uint8Array>;
	expiresAt: number;
	reportId: number | null;
	committed: boolean;
}

export interface Request {
	method: string;
	path: string;
	headers: Record<string, string>;
	credentials?: RequestCredentials;
}

/** A fault to inject: when `match` says yes, answer `status` (or throw a network error) instead. */
export interface Fault {
	match: (r: Request) => boolean;
	/** A status to answer with, or 'network' to make fetch reject. */
	fail: number | 'network';
	code?: string;
	/** How many times (default 1). */
	times?: number;
}

const TODAY = '2026-11-27';

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }
	});
}

function err(status: number, code: string, field?: string, extra: Record<string, unknown> = {}): Response {
	return json(
		status,
		{ error: { code, ...(field ? { field } : {}), message: { zh: code, en: code }, ...extra } },
		status === 429 || status === 503 ? { 'retry-after': '1' } : {}
	);
}

function b64(v: unknown): Uint8Array | null {
	if (typeof v !== 'string') return null;
	try {
		return decodeBase64(v);
	} catch {
		return null;
	}
}

export class FakeServer {
	readonly root: RootKeyPair = generateRootKey();
	readonly staff: Staff[] = [];
	readonly reports: StoredReport[] = [];
	readonly requests: Request[] = [];
	readonly intakes = new Map<string, IntakeState>();
	readonly faults: Fault[] = [];
	/** unit id → organ id (routing). */
	readonly routes = new Map<string, string>([['sf-c01-k01', 'o-sf-c01']]);
	private readonly secret = nacl.randomBytes(32);
	private readonly spent = new Set<string>();
	private readonly tokens = new Map<string, { reportId: number; expires: number }>();
	difficulty = 6;
	partSize = 4096;
	/** Accept cheap Argon2id parameters (tests); the real server refuses them (`weak_kdf`). */
	allowWeakKdf = true;
	/** Server clock, Unix seconds. */
	now = Math.floor(Date.now() / 1000);
	/** Locators reported as taken on the next commits. */
	readonly takenLocators = new Set<string>();
	/** Commits that carried their files inline (no intake). */
	inlineCommits = 0;
	/** Extra entries served but not signed correctly (must be refused by the client). */
	servedGarbage: string[] = [];
	private nextMessage = 1;

	constructor(staffPerOrgan = 2) {
		for (let i = 0; i < staffPerOrgan; i++) this.addStaff('o-sf-c01');
		this.addStaff('o-sf-p01');
	}

	addStaff(organ: string, conflicts: string[] = []): Staff {
		const keys = generateBoxKeyPair();
		const entryId = newEntryId();
		const staffId = `staff-${this.staff.length + 1}`;
		const entry = signDirectoryEntry(
			{
				entryId,
				staffId,
				organId: organ,
				role: 'inspector',
				publicKey: keys.publicKey,
				notBefore: this.now - 3600,
				notAfter: this.now + 86400 * 365
			},
			this.root.secretKey
		);
		const s: Staff = { staffId, organ, keys, entryId, entry, conflicts: new Set(conflicts), active: true };
		this.staff.push(s);
		return s;
	}

	/** The recipients the server computes for a commit (docs/reporting.md §3). */
	recipients(organ: string, unit: string): Staff[] {
		return this.staff.filter((s) => s.organ === organ && s.active && !s.conflicts.has(unit));
	}

	/** The fetch function to hand to the client. */
	readonly fetch = async (input: string, init: RequestInit = {}): Promise<Response> => {
		const url = new URL(input, 'https://qingfeng.test');
		const headers: Record<string, string> = {};
		new Headers(init.headers).forEach((v, k) => (headers[k] = v));
		const req: Request = { method: init.method ?? 'GET', path: url.pathname, headers, credentials: init.credentials };
		this.requests.push(req);
		if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError');
		for (const f of this.faults) {
			if ((f.times ?? 1) > 0 && f.match(req)) {
				f.times = (f.times ?? 1) - 1;
				if (f.fail === 'network') throw new TypeError('fetch failed');
				return err(f.fail, f.code ?? 'server_error');
			}
		}
		let body: unknown = undefined;
		let raw: Uint8Array | undefined;
		if (init.body !== undefined && init.body !== null) {
			raw = new Uint8Array(await new Response(init.body).arrayBuffer());
			if (headers['content-type'] === 'application/json') {
				try {
					body = JSON.parse(fromUtf8(raw));
				} catch {
					return err(400, 'invalid_field', 'body');
				}
			}
		}
		return this.route(req, url, body, raw);
	};

	private route(req: Request, url: URL, body: unknown, raw: Uint8Array | undefined): Response {
		const p = req.path;
		const m = req.method;
		const o = (body ?? {}) as Record<string, unknown>;
		// Issue 14: the look-ups are POST bodies; the GET forms are gone, as on the real server.
		if (m === 'POST' && p === '/api/v1/routing') return this.routing(o);
		if (m === 'POST' && p === '/api/v1/directory') return this.directory(o);
		if (m === 'GET' && (p === '/api/v1/routing' || p === '/api/v1/directory' || p === '/api/v1/units'))
			return err(410, 'not_found');
		if (m === 'POST' && p === '/api/v1/pow') return this.pow(o);
		if (m === 'POST' && p === '/api/v1/intake') return this.openIntake(req, o);
		const part = /^\/api\/v1\/intake\/([^/]+)\/files\/(\d+)\/parts\/(\d+)$/.exec(p);
		if (m === 'PUT' && part)
			return this.putPart(part[1] as string, Number(part[2]), Number(part[3]), raw ?? new Uint8Array(0));
		if (m === 'POST' && p === '/api/v1/reports') return this.commit(o);
		if (m === 'POST' && p === '/api/v1/receipt/spec') return this.spec(o);
		if (m === 'POST' && p === '/api/v1/receipt/open') return this.open(o);
		if (m === 'GET' && p === '/api/v1/receipt/report') return this.withToken(req, (r) => json(200, this.view(r)));
		const file = /^\/api\/v1\/receipt\/files\/([^/]+)$/.exec(p);
		if (m === 'GET' && file) return this.withToken(req, (r) => this.file(r, decodeURIComponent(file[1] as string)));
		if (m === 'POST' && p === '/api/v1/receipt/messages') return this.withToken(req, (r) => this.message(r, o));
		return err(404, 'not_found');
	}

	/* ---------------------------------------------------------------- routing and directory */

	private routing(o: Record<string, unknown>): Response {
		const unit = typeof o.unit === 'string' ? o.unit : '';
		const organ = this.routes.get(unit);
		if (!organ) return err(400, 'unknown_unit', 'unit');
		return json(200, {
			unit: { id: unit, name: '高新区', level: 'county', regionPath: '示范省/北泉市/高新区' },
			position: o.position,
			kind: o.kind,
			escalate: o.escalate === true,
			organ: { id: organ, name: organ === 'o-sf-c01' ? '北泉市纪委监委' : '示范省纪委监委', level: 'city' },
			deliverable: true,
			explanation: { zh: '…', en: '…' }
		});
	}

	private directory(o: Record<string, unknown>): Response {
		const organ = typeof o.organ === 'string' ? o.organ : '';
		const unit = typeof o.unit === 'string' ? o.unit : null;
		const entries = this.staff
			.filter((s) => s.organ === organ && s.active && !(unit && s.conflicts.has(unit)))
			.map((s) => encodeBase64(s.entry));
		return json(200, {
			organ,
			root: { publicKey: encodeBase64(this.root.publicKey), fingerprint: rootFingerprint(this.root.publicKey) },
			entries: [...entries, ...this.servedGarbage],
			revocations: null
		});
	}

	/* ---------------------------------------------------------------- proof of work */

	private tag(bytes: Uint8Array): Uint8Array {
		return hmac(SHA256, this.secret, bytes).subarray(0, 16);
	}

	private pow(o: Record<string, unknown>): Response {
		if (o.purpose !== 'intake' && o.purpose !== 'receipt') return err(400, 'invalid_field', 'purpose');
		const purpose: PowPurpose = o.purpose;
		const expiresAt = this.now + POW_LIFETIME_SECONDS;
		const c = challengeFields({
			purpose,
			difficulty: this.difficulty,
			expiresAt,
			id: nacl.randomBytes(CHALLENGE_ID_LENGTH)
		});
		c.set(this.tag(c.subarray(0, SIGNED_LENGTH)), SIGNED_LENGTH);
		return json(200, { challenge: encodeBase64urlNoPadding(c), difficulty: this.difficulty, expiresAt });
	}

	/** Null if the solution is good (and spends it), else the error answer. */
	private checkPow(v: unknown, purpose: PowPurpose): Response | null {
		const s = v as { challenge?: unknown; nonce?: unknown } | undefined;
		if (!s || typeof s !== 'object') return err(400, 'pow_required', 'pow');
		let c: Uint8Array;
		try {
			c = decodeBase64urlIgnorePadding(String(s.challenge));
		} catch {
			return err(400, 'pow_invalid', 'pow');
		}
		if (
			c.length !== CHALLENGE_LENGTH ||
			c[CHALLENGE_OFFSETS.version] !== POW_VERSION ||
			c[CHALLENGE_OFFSETS.purpose] !== POW_PURPOSES[purpose] ||
			!bytesEqual(this.tag(c.subarray(0, SIGNED_LENGTH)), c.subarray(SIGNED_LENGTH))
		)
			return err(400, 'pow_invalid', 'pow');
		if (new DataView(c.buffer, c.byteOffset).getUint32(CHALLENGE_OFFSETS.expiresAt) < this.now)
			return err(400, 'pow_expired', 'pow');
		if (typeof s.nonce !== 'number' || !checkPow(c, s.nonce, c[CHALLENGE_OFFSETS.difficulty] as number))
			return err(400, 'pow_invalid', 'pow');
		const id = encodeBase64(c.subarray(CHALLENGE_OFFSETS.id, SIGNED_LENGTH));
		if (this.spent.has(id)) return err(400, 'pow_replayed', 'pow');
		this.spent.add(id);
		return null;
	}

	/* ---------------------------------------------------------------- intake */

	private tokenReport(req: Request): StoredReport | null {
		const h = req.headers['authorization'];
		if (!h?.startsWith('Bearer ')) return null;
		const t = this.tokens.get(h.slice(7));
		if (!t || t.expires < this.now) return null;
		return this.reports.find((r) => r.id === t.reportId) ?? null;
	}

	private openIntake(req: Request, o: Record<string, unknown>): Response {
		let reportId: number | null = null;
		if (req.headers['authorization']) {
			const r = this.tokenReport(req);
			if (!r) return err(401, 'token_invalid');
			reportId = r.id;
		} else {
			const bad = this.checkPow(o.pow, 'intake');
			if (bad) return bad;
		}
		if (!Array.isArray(o.files)) return err(400, 'invalid_field', 'files');
		const sizes: number[] = [];
		for (const [i, f] of (o.files as unknown[]).entries()) {
			const bytes = (f as { bytes?: unknown }).bytes;
			if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 1)
				return err(400, 'invalid_field', `files[${i}].bytes`);
			sizes.push(bytes);
		}
		if (sizes.length > 10) return err(400, 'too_many_files', 'files');
		const id = encodeBase64urlNoPadding(nacl.randomBytes(16));
		this.intakes.set(id, { id, sizes, parts: new Map(), expiresAt: this.now + 3600, reportId, committed: false });
		return json(201, { intake: id, partSize: this.partSize, expiresAt: this.now + 3600 });
	}

	private liveIntake(id: string): IntakeState | null {
		const i = this.intakes.get(id);
		return i && !i.committed && i.expiresAt > this.now ? i : null;
	}

	private putPart(id: string, n: number, i: number, data: Uint8Array): Response {
		const intake = this.liveIntake(decodeURIComponent(id));
		if (!intake) return err(404, 'unknown_intake');
		const size = intake.sizes[n];
		if (size === undefined) return err(400, 'bad_part');
		const parts = Math.ceil(size / this.partSize);
		if (i >= parts) return err(400, 'bad_part');
		const expected = i === parts - 1 ? size - i * this.partSize : this.partSize;
		if (data.length !== expected) return err(400, 'bad_part');
		intake.parts.set(`${n}/${i}`, data);
		return new Response(null, { status: 204 });
	}

	/** Assembles the files of an intake; null + the missing parts if incomplete. */
	private assemble(intake: IntakeState): { files: Uint8Array[] } | { missing: { file: number; part: number }[] } {
		const missing: { file: number; part: number }[] = [];
		const files = intake.sizes.map((size, n) => {
			const out = new Uint8Array(size);
			for (let i = 0; i < Math.ceil(size / this.partSize); i++) {
				const p = intake.parts.get(`${n}/${i}`);
				if (!p) missing.push({ file: n, part: i });
				else out.set(p, i * this.partSize);
			}
			return out;
		});
		return missing.length ? { missing } : { files };
	}

	/* ---------------------------------------------------------------- commit */

	private commit(o: Record<string, unknown>): Response {
		if (o.v !== 1) return err(400, 'unsupported_version', 'v');
		const routing = o.routing as Record<string, unknown> | undefined;
		if (!routing || typeof routing.unit !== 'string') return err(400, 'invalid_field', 'routing');
		for (const k of ['position', 'kind', 'category'])
			if (typeof routing[k] !== 'string') return err(400, 'invalid_field', `routing.${k}`);
		for (const k of ['escalate', 'realName'])
			if (typeof routing[k] !== 'boolean') return err(400, 'invalid_field', `routing.${k}`);
		const content = b64(o.content);
		if (!content || !isContentBucket(content.length - CONTENT_OVERHEAD) || content[0] !== 1 || content[1] !== 0x43)
			return err(400, 'bad_content', 'content');
		const receipt = o.receipt as Record<string, unknown> | undefined;
		const kdfSpec = b64(receipt?.kdfSpec);
		const authHash = b64(receipt?.authHash);
		const wrappedKey = b64(receipt?.wrappedKey);
		const locator = receipt?.locator;
		if (!kdfSpec) return err(400, 'invalid_field', 'receipt.kdfSpec');
		let spec;
		try {
			spec = decodeKdfSpec(kdfSpec);
		} catch {
			return err(400, 'invalid_field', 'receipt.kdfSpec');
		}
		if (!this.allowWeakKdf && !isProductionParams(spec)) return err(400, 'weak_kdf', 'receipt.kdfSpec');
		if (!authHash || authHash.length !== 32) return err(400, 'invalid_field', 'receipt.authHash');
		if (!wrappedKey || wrappedKey.length !== WRAPPED_KEY_LENGTH || wrappedKey[1] !== 0x57)
			return err(400, 'invalid_field', 'receipt.wrappedKey');
		if (!isLocator(locator)) return err(400, 'invalid_field', 'receipt.locator');
		const organ = this.routes.get(routing.unit);
		if (!organ) return err(400, 'unknown_unit', 'routing.unit');
		if (organ !== o.organ) return err(409, 'routing_changed', 'organ');
		const expected = this.recipients(organ, routing.unit)
			.map((s) => encodeBase64(s.entryId))
			.sort();
		const wraps = Array.isArray(o.wraps) ? (o.wraps as { entryId?: unknown; sealed?: unknown }[]) : null;
		if (!wraps) return err(400, 'invalid_field', 'wraps');
		const got = wraps.map((w) => String(w.entryId)).sort();
		if (got.length !== expected.length || got.some((g, i) => g !== expected[i]))
			return err(409, 'recipients_changed', 'wraps');
		const sealed = wraps.map((w) => b64(w.sealed));
		if (sealed.some((s) => !s || s.length !== SEALED_KEY_LENGTH)) return err(400, 'invalid_field', 'wraps');
		// The same report again (a retry after a lost answer) is answered as the first time.
		const same = this.reports.find((r) => r.locator === locator);
		if (same && bytesEqual(same.authHash, authHash) && !this.takenLocators.has(locator))
			return json(201, { locator, receivedOn: same.receivedOn });
		let streams: Uint8Array[];
		if (o.intake === undefined) {
			// Inline: the proof of work and the files come with the commit.
			if (!Array.isArray(o.files)) return err(400, 'invalid_field', 'intake');
			const inline = (o.files as unknown[]).map((f) => b64(f));
			if (inline.some((f) => !f || f[1] !== 0x41)) return err(400, 'invalid_field', 'files');
			this.inlineCommits++;
			if (this.takenLocators.has(locator) || same) {
				this.takenLocators.delete(locator);
				this.checkPow(o.pow, 'intake'); // spent, as the real server's one statement does
				return err(409, 'locator_taken', 'receipt.locator');
			}
			const bad = this.checkPow(o.pow, 'intake');
			if (bad) return bad;
			streams = inline as Uint8Array[];
		} else {
			if (this.takenLocators.has(locator) || same) {
				this.takenLocators.delete(locator);
				return err(409, 'locator_taken', 'receipt.locator');
			}
			const intake = typeof o.intake === 'string' ? this.liveIntake(o.intake) : null;
			if (!intake || intake.reportId !== null) return err(404, 'unknown_intake', 'intake');
			const assembled = this.assemble(intake);
			if ('missing' in assembled) return err(409, 'incomplete_upload', 'intake', { missing: assembled.missing });
			intake.committed = true;
			streams = assembled.files;
		}
		const report: StoredReport = {
			id: this.reports.length + 1,
			locator,
			receivedOn: TODAY,
			routing,
			organ,
			content,
			wraps: wraps.map((w, i) => ({ entryId: String(w.entryId), sealed: sealed[i] as Uint8Array })),
			kdfSpec,
			authHash,
			wrappedKey,
			status: 'received',
			files: streams.map((stream) => ({ id: crypto.randomUUID(), stream })),
			messages: []
		};
		this.reports.push(report);
		return json(201, { locator, receivedOn: TODAY });
	}

	/* ---------------------------------------------------------------- receipts */

	private spec(o: Record<string, unknown>): Response {
		const locator = o.locator;
		if (typeof locator !== 'string') return err(400, 'invalid_field', 'locator');
		const r = this.reports.find((x) => x.locator === locator);
		if (r) return json(200, { kdfSpec: encodeBase64(r.kdfSpec) });
		const salt = hmac(SHA256, this.secret, utf8(`spec/${locator}`)).subarray(0, 16);
		return json(200, { kdfSpec: encodeBase64(encodeKdfSpec({ ...RECEIPT_KDF, salt })) });
	}

	private open(o: Record<string, unknown>): Response {
		const bad = this.checkPow(o.pow, 'receipt');
		if (bad) return bad;
		const authKey = b64(o.authKey);
		const r = this.reports.find((x) => x.locator === o.locator);
		if (!r || !authKey || authKey.length !== 32 || !bytesEqual(receiptAuthHash(authKey), r.authHash))
			return err(403, 'receipt_not_recognised');
		const token = encodeBase64urlNoPadding(nacl.randomBytes(24));
		this.tokens.set(token, { reportId: r.id, expires: this.now + 1800 });
		return json(200, { token, report: this.view(r) });
	}

	/** Makes every token expire (as 30 minutes passing would). */
	expireTokens(): void {
		this.tokens.clear();
	}

	private withToken(req: Request, fn: (r: StoredReport) => Response): Response {
		const r = this.tokenReport(req);
		if (!r) return err(401, 'token_invalid');
		return fn(r);
	}

	view(r: StoredReport): unknown {
		return {
			locator: r.locator,
			receivedOn: r.receivedOn,
			realName: r.routing.realName,
			status: r.status,
			deadlines: [{ what: 'acceptance_notice', due: '2026-12-18' }],
			content: encodeBase64(r.content),
			wrappedKey: encodeBase64(r.wrappedKey),
			files: r.files.map((f) => ({ id: f.id, bytes: f.stream.length })),
			messages: r.messages.map((m) => ({
				id: m.id,
				author: m.author,
				sentOn: m.sentOn,
				body: encodeBase64(m.body),
				files: m.files.map((f) => ({ id: f.id, bytes: f.stream.length }))
			}))
		};
	}

	private file(r: StoredReport, id: string): Response {
		const f = [...r.files, ...r.messages.flatMap((m) => m.files)].find((x) => x.id === id);
		if (!f) return err(404, 'not_found');
		return new Response(f.stream as BodyInit, { status: 200, headers: { 'content-type': 'application/octet-stream' } });
	}

	private message(r: StoredReport, o: Record<string, unknown>): Response {
		const body = b64(o.body);
		if (!body || !isContentBucket(body.length - CONTENT_OVERHEAD)) return err(400, 'bad_content', 'body');
		let files: { id: string; stream: Uint8Array }[] = [];
		if (o.intake !== null) {
			const intake = typeof o.intake === 'string' ? this.liveIntake(o.intake) : null;
			if (!intake || intake.reportId !== r.id) return err(404, 'unknown_intake', 'intake');
			const assembled = this.assemble(intake);
			if ('missing' in assembled) return err(409, 'incomplete_upload', 'intake', { missing: assembled.missing });
			intake.committed = true;
			files = assembled.files.map((stream) => ({ id: crypto.randomUUID(), stream }));
		}
		const id = this.nextMessage++;
		r.messages.push({ id, author: 'reporter', sentOn: TODAY, body, files });
		return json(201, { id, sentOn: TODAY });
	}

	/* ---------------------------------------------------------------- the staff side, for assertions */

	/** Opens a stored report as a staff member would: report key, content JSON, files. */
	staffOpen(
		report: StoredReport,
		staff: Staff
	): { reportKey: Uint8Array; content: unknown; files: { name: string; type: string; data: Uint8Array }[] } {
		const wrap = report.wraps.find((w) => w.entryId === encodeBase64(staff.entryId));
		if (!wrap) throw new Error(`${staff.staffId} has no wrap`);
		const reportKey = openSealedKey(wrap.sealed, staff.keys);
		const content = JSON.parse(fromUtf8(decryptContent(reportKey, report.content)));
		const files = report.files.map((f) => decryptAttachment(reportKey, f.stream));
		return { reportKey, content, files };
	}

	/** A staff reply (encrypted with the report key, as the staff browser would). */
	staffReply(report: StoredReport, reportKey: Uint8Array, text: string): void {
		report.messages.push({
			id: this.nextMessage++,
			author: 'staff',
			sentOn: TODAY,
			body: encryptContent(reportKey, utf8(JSON.stringify({ text }))),
			files: []
		});
	}
}
