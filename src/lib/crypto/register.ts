/**
 * The interference register's crypto (issue 19 item 3; docs/reporting.md "The interference register").
 * Pure functions used by the official's page, the back office and the tests.
 *
 * Register key (登记密钥): 15 random bytes (120 bits), printed as 24 Crockford base32 characters in six
 * groups of four, shown once when the official enrols (like the reporter's receipt, but long enough not
 * to need Argon2id). From it, in the browser:
 *   master  = SHA-512("qingfeng/v1/register-key" ‖ 15 bytes)[0..32]
 *   handle  = subkey(master, "register handle")   sent to find the enrolment (server keeps SHA-256 of it)
 *   auth    = subkey(master, "register auth")     sent to prove it (server keeps SHA-256 of it)
 *   content = subkey(master, "register content")  never leaves the browser: encrypts the identity and
 *             every entry (content format, padded), and is sealed to the organ's recipients at enrolment.
 * Staff open `content` from their wrap and decrypt in their browser; the leader who interfered is only
 * inside the ciphertext, so the per-leader view is grouped in the browser after decryption.
 *
 * GM suite (issue 21): master = SM3("qingfeng/v1/register-key" ‖ 15 bytes), the sub-keys subkey_gm, the content
 * format and the seals the GM ones; every function takes the deployment's `suite` (absent: NaCl, as before).
 */
import nacl from 'tweetnacl';
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';
import { decryptContent, encryptContent } from './content';
import { concatBytes, decodeCrockford, encodeCrockford, fromUtf8, group, normalizeCrockford, utf8 } from './encoding';
import { subkey } from './keys';
import { randomBytes } from './random';
import { sealKey } from './seal';
import type { DirectoryEntry } from './directory';
import type { Suite } from './suite';

const other = (suite?: Suite) => (suite && suite.id !== 'nacl' ? suite : undefined);

const KEY_BYTES = 15;
export const REGISTER_KEY_CHARS = 24;

/** A new register key, printed XXXX-XXXX-XXXX-XXXX-XXXX-XXXX. */
export function newRegisterKey(random: (n: number) => Uint8Array = randomBytes): string {
	return group(encodeCrockford(random(KEY_BYTES)));
}

/** The key's 15 bytes from what the official typed (case, dashes, spaces, O/0 and I/L/1 forgiven); null if not a key. */
export function parseRegisterKey(text: string): Uint8Array | null {
	try {
		const canonical = normalizeCrockford(text.replace(/[\s-]/g, ''));
		if (canonical.length !== REGISTER_KEY_CHARS) return null;
		return decodeCrockford(canonical, KEY_BYTES);
	} catch {
		return null;
	}
}

export interface RegisterKeys {
	/** base64, for the server's lookup. */
	handle: string;
	/** base64, the proof of holding the key. */
	auth: string;
	/** Encrypts the identity and the entries; never sent. */
	content: Uint8Array;
}

/** The keys of a register key (throws if `text` is not one). */
export function registerKeys(text: string, suite?: Suite): RegisterKeys {
	const raw = parseRegisterKey(text);
	if (!raw) throw new Error('not a register key');
	const gm = other(suite);
	const hash = gm ? gm.hash : nacl.hash;
	const sub = gm ? gm.subkey : subkey;
	const master = hash(concatBytes(utf8('qingfeng/v1/register-key'), raw)).slice(0, 32);
	return {
		handle: encodeBase64(sub(master, 'register handle')),
		auth: encodeBase64(sub(master, 'register auth')),
		content: sub(master, 'register content')
	};
}

/** Who enrols (inside the ciphertext only). */
export interface RegisterIdentity {
	v: 1;
	name: string;
	post: string;
	unit: { id: string; name: string };
}

/** A record of an approach (inside the ciphertext only). */
export interface RegisterRecord {
	v: 1;
	type: 'record';
	/** When it happened (as the official wrote it). */
	when: string;
	/** An INTERFERENCE_MATTERS code (src/lib/shared/vocabulary/report.ts). */
	matter: string;
	/** Case number or project name. */
	reference: string;
	leader: { name: string; post: string };
	/** An INTERFERENCE_HOWS code. */
	how: string;
	/** What was asked. */
	asked: string;
	/** A REGISTER_ANSWERS code (src/lib/shared/vocabulary/register.ts). */
	answer: string;
	answerDetail: string;
	witnesses: string;
}

/** A 零报告: nothing to report for a period. */
export interface RegisterZero {
	v: 1;
	type: 'zero';
	period: string;
}

export type RegisterContent = RegisterRecord | RegisterZero;

/** Encrypts a JSON value under the content key (content format, padded), base64. */
export function sealJson(key: Uint8Array, value: unknown, suite?: Suite): string {
	return encodeBase64((other(suite)?.encryptContent ?? encryptContent)(key, utf8(JSON.stringify(value))));
}

/** Decrypts base64 content-format JSON (throws on a wrong key or tampering). */
export function openJson<T>(key: Uint8Array, b64: string, suite?: Suite): T {
	return JSON.parse(fromUtf8((other(suite)?.decryptContent ?? decryptContent)(key, decodeBase64(b64)))) as T;
}

/** The content key sealed to each verified recipient (wire: base64). */
export function wrapsFor(key: Uint8Array, recipients: Pick<DirectoryEntry, 'entryId' | 'publicKey'>[], suite?: Suite) {
	const seal = other(suite)?.sealKey ?? sealKey;
	return recipients.map((r) => ({ entryId: encodeBase64(r.entryId), sealed: encodeBase64(seal(key, r.publicKey)) }));
}

/** How a leader's name is compared when grouping: NFKC, no spaces, lower case. */
export function leaderKey(name: string): string {
	return name.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

export interface LeaderGroup<T> {
	/** The name as first written. */
	name: string;
	posts: string[];
	records: T[];
}

/** Groups decrypted records by the leader who interfered, most records first. */
export function groupByLeader<T extends { record: RegisterRecord }>(items: T[]): LeaderGroup<T>[] {
	const groups = new Map<string, LeaderGroup<T>>();
	for (const item of items) {
		const k = leaderKey(item.record.leader.name);
		if (!k) continue;
		let g = groups.get(k);
		if (!g) groups.set(k, (g = { name: item.record.leader.name.trim(), posts: [], records: [] }));
		const post = item.record.leader.post.trim();
		if (post && !g.posts.includes(post)) g.posts.push(post);
		g.records.push(item);
	}
	return [...groups.values()].sort((a, b) => b.records.length - a.records.length || a.name.localeCompare(b.name));
}
