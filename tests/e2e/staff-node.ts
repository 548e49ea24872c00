/**
 * A keyed demo staff member's back office from Node, for process tests that need no browser (backup.e2e.ts,
 * two-servers.e2e.ts): the real sign-in (salt, the auth key derived as the browser derives it, the password
 * form, the TOTP form: plain form posts with the Origin header, like a browser without JavaScript), then the
 * staff JSON API with the session cookie through the pages' own client (src/lib/client/staff/api.ts), and
 * the pages' decryption (src/lib/client/staff/report-crypto.ts) with the secret key from the demo key file.
 */
import { decryptAttachment } from '../../src/lib/crypto/attachment';
import { deriveKey } from '../../src/lib/crypto/kdf';
import type { FetchLike } from '../../src/lib/client/http';
import { staffBlob, staffJson } from '../../src/lib/client/staff/api';
import {
	decryptReportContent,
	decryptText,
	encryptText,
	openReportKey,
	type StaffReportContent
} from '../../src/lib/client/staff/report-crypto';
import { totpCode, type KeyedDemoStaff } from './keyed-demo';

/**
 * fetch() as a browser behaves on a kept-alive connection: when the server has just closed the idle
 * connection the request went out on (Node's keepAliveTimeout, 5 s, racing the client's own idle timer,
 * which a busy test process runs late), a GET is sent again once on a new connection. Chromium does the
 * same for idempotent requests; Node's fetch does not, and reported "other side closed".
 */
async function browserLikeFetch(url: string, init?: RequestInit): Promise<Response> {
	try {
		return await fetch(url, init);
	} catch (e) {
		const code = ((e as Error)?.cause as { code?: string } | undefined)?.code;
		if ((init?.method ?? 'GET') !== 'GET' || code !== 'UND_ERR_SOCKET') throw e;
		return fetch(url, init);
	}
}

/** Last TOTP step used per account: a code cannot be replayed, so a second sign-in waits for the next step. */
const usedStep = new Map<string, number>();

async function nextCode(s: KeyedDemoStaff): Promise<string> {
	const step = () => Math.floor(Date.now() / 30_000);
	while (step() <= (usedStep.get(s.staffId) ?? -1)) await new Promise((r) => setTimeout(r, 250));
	usedStep.set(s.staffId, step());
	return totpCode(s.totpKey!, Date.now());
}

function cookieOf(res: Response): string | null {
	for (const c of res.headers.getSetCookie()) {
		const m = /^(qf_session=[^;]+)/.exec(c);
		if (m) return m[1]!;
	}
	return null;
}

export interface OpenedReport {
	id: string;
	locator: string;
	reportKey: Uint8Array;
	content: StaffReportContent;
	view: StaffReportView;
}

/** The parts of GET /staff/api/reports/{id} these tests read (docs/backoffice.md). */
export interface StaffReportView {
	report: {
		id: string;
		locator: string;
		state: string;
		content: string;
		sealed: string;
		files: { id: string; bytes: number }[];
	};
	messages: {
		id: string;
		seq: number;
		author: 'reporter' | 'staff';
		body: string;
		files: { id: string; bytes: number }[];
	}[];
}

export class StaffSession {
	private constructor(
		readonly base: string,
		readonly staff: KeyedDemoStaff,
		/** The session cookie (`qf_session=…`), for a browser context that should act as this staff member. */
		readonly cookie: string
	) {}

	/** Signs in with password and TOTP on the server at `base`; throws with the status when refused. */
	static async signIn(base: string, s: KeyedDemoStaff): Promise<StaffSession> {
		const saltRes = await fetch(`${base}/staff/login/salt`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ username: s.username })
		});
		if (saltRes.status !== 200) throw new Error(`salt: ${saltRes.status}`);
		const { salt, params } = (await saltRes.json()) as { salt: string; params: { m: number; t: number; p: number } };
		const authKey = Buffer.from(await deriveKey(s.password!, Buffer.from(salt, 'base64'), params, 32)).toString(
			'base64'
		);
		const form = (fields: Record<string, string>, cookie?: string) => ({
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				accept: 'text/html',
				origin: base,
				...(cookie ? { cookie } : {})
			},
			body: new URLSearchParams(fields),
			redirect: 'manual' as const
		});
		const pw = await fetch(`${base}/staff/login`, form({ username: s.username, authKey }));
		const partial = cookieOf(pw);
		if (pw.status !== 303 || !partial) throw new Error(`sign-in of ${s.username}: ${pw.status} ${await pw.text()}`);
		const totp = await fetch(`${base}/staff/login/totp`, form({ code: await nextCode(s) }, partial));
		const full = cookieOf(totp);
		if (totp.status !== 303 || !full) throw new Error(`TOTP of ${s.username}: ${totp.status}`);
		return new StaffSession(base, s, full);
	}

	/** The same session against another server of the same site (sessions live in the database). */
	on(base: string): StaffSession {
		return new StaffSession(base, this.staff, this.cookie);
	}

	/** fetch() on this server with the session cookie (and the Origin header, as a browser sends it). */
	readonly fetcher: FetchLike = (input, init) =>
		browserLikeFetch(`${this.base}${input}`, {
			...init,
			headers: { ...(init?.headers as Record<string, string>), cookie: this.cookie, origin: this.base }
		});

	json<T>(path: string, options: { method?: 'GET' | 'POST' | 'DELETE'; json?: unknown } = {}): Promise<T> {
		return staffJson<T>(path, { ...options, fetch: this.fetcher });
	}

	/** The id of the report with this receipt locator in the caller's inbox, or null. */
	async findReport(locator: string): Promise<string | null> {
		const canon = (l: string) => l.replace(/[^0-9A-Z]/gi, '').toUpperCase();
		const inbox = await this.json<{ items: { id: string; locator: string }[] }>('/staff/api/inbox?limit=100');
		return inbox.items.find((i) => canon(i.locator) === canon(locator))?.id ?? null;
	}

	/** Opens a report (audited `report.open`) and decrypts its content with the staff member's own key. */
	async open(id: string): Promise<OpenedReport> {
		const view = await this.json<StaffReportView>(`/staff/api/reports/${id}`);
		const reportKey = openReportKey(view.report.sealed, {
			publicKey: this.staff.publicKey,
			secretKey: this.staff.secretKey
		});
		return {
			id,
			locator: view.report.locator,
			reportKey,
			content: decryptReportContent(reportKey, view.report.content),
			view
		};
	}

	/** Downloads a stored file (audited `report.file`) and decrypts it. */
	async file(r: OpenedReport, fileId: string): Promise<{ name: string; type: string; data: Uint8Array }> {
		const blob = await staffBlob(`/staff/api/reports/${r.id}/files/${fileId}`, { fetch: this.fetcher });
		return decryptAttachment(r.reportKey, new Uint8Array(await blob.arrayBuffer()));
	}

	/** The decrypted texts of the report's messages, in order. */
	texts(r: OpenedReport): { author: string; text: string }[] {
		return r.view.messages.map((m) => ({ author: m.author, text: decryptText(r.reportKey, m.body) }));
	}

	/** Replies to the reporter (audited `report.reply`). */
	async reply(r: OpenedReport, text: string): Promise<void> {
		await this.json(`/staff/api/reports/${r.id}/messages`, { json: { body: encryptText(r.reportKey, text) } });
	}
}
