/**
 * Reading a receipt as the reporter typed or pasted it (docs/reporting.md §4): typed errors before any
 * request, so a typo costs no proof of work and no Argon2id.
 */
import { normalizeCrockford } from '../../crypto/encoding';
import { CryptoFormatError } from '../../crypto/errors';
import {
	parseLocator,
	parseReceiptSecret,
	LOCATOR_LENGTH,
	SECRET_LENGTH,
	receiptCheckChar,
	SECRET_RANDOM_CHARS
} from '../../crypto/receipt';
import { ReportError } from './errors';

export interface ReceiptInput {
	/** Canonical locator (10 characters). */
	locator: string;
	/** Canonical secret (12 characters, check character verified). */
	secret: string;
}

function receiptError(e: unknown, part: 'locator' | 'secret'): ReportError {
	if (e instanceof CryptoFormatError && e.code === 'BAD_CHECKSUM')
		return new ReportError('receipt_typo', 'the secret has a typo', { part, cause: e });
	return new ReportError('receipt_malformed', `the ${part} cannot be read`, { part, cause: e });
}

/** Canonical characters of a token, or null if it holds a character outside Crockford base32 (e.g. U). */
function canonicalToken(token: string): string | null {
	try {
		return normalizeCrockford(token);
	} catch {
		return null;
	}
}

/**
 * Reads a receipt. With two arguments, they are the locator and the secret fields. With one, it is a
 * paste holding both, in either order, with or without labels ("查询码：ABCDE-12345 查询密码：…"),
 * spaces or dashes anywhere, lower case, full-width characters and O/0, I/L/1 confusions. Throws
 * `ReportError` `receipt_malformed` or `receipt_typo` (the secret's check character), with `part`.
 */
export function parseReceiptInput(text: string, secretText?: string): ReceiptInput {
	if (secretText !== undefined) {
		let locator: string;
		try {
			locator = parseLocator(text);
		} catch (e) {
			throw receiptError(e, 'locator');
		}
		try {
			return { locator, secret: parseReceiptSecret(secretText) };
		} catch (e) {
			throw receiptError(e, 'secret');
		}
	}
	// Tokens: runs of letters and digits, dashes/dots/underscores inside a printed group kept together.
	const folded = text.normalize('NFKC').toUpperCase();
	const tokens = folded
		.split(/[^0-9A-Z\-_.]+/)
		.map((t) => t.replace(/^[-_.]+|[-_.]+$/g, ''))
		.filter((t) => t.length > 0);
	const canon = tokens.map(canonicalToken);
	// The secret: a run of consecutive tokens with 12 characters and a valid check character.
	const runs = (want: number): { from: number; to: number; text: string }[] => {
		const out: { from: number; to: number; text: string }[] = [];
		for (let i = 0; i < canon.length; i++) {
			let acc = '';
			for (let j = i; j < canon.length; j++) {
				const c = canon[j];
				if (c === null || c === undefined) break;
				acc += c;
				if (acc.length === want) out.push({ from: i, to: j + 1, text: acc });
				if (acc.length >= want) break;
			}
		}
		return out;
	};
	const whole = canon.every((c) => c !== null) ? canon.join('') : '';
	if (whole.length === LOCATOR_LENGTH + SECRET_LENGTH) {
		const a = { locator: whole.slice(0, LOCATOR_LENGTH), secret: whole.slice(LOCATOR_LENGTH) };
		const b = { locator: whole.slice(SECRET_LENGTH), secret: whole.slice(0, SECRET_LENGTH) };
		for (const cand of [a, b]) {
			if (receiptCheckChar(cand.secret.slice(0, SECRET_RANDOM_CHARS)) === cand.secret[SECRET_RANDOM_CHARS]) return cand;
		}
		throw new ReportError('receipt_typo', 'the secret has a typo', { part: 'secret' });
	}
	const secrets = runs(SECRET_LENGTH).filter(
		(r) => receiptCheckChar(r.text.slice(0, SECRET_RANDOM_CHARS)) === r.text[SECRET_RANDOM_CHARS]
	);
	const locators = runs(LOCATOR_LENGTH);
	for (const s of [...secrets].reverse()) {
		// Prefer a locator right before the secret, then right after, then any other, fewest tokens first.
		const free = locators.filter((l) => l.to <= s.from || l.from >= s.to);
		// Random locators almost always hold a real digit (97.6 %); words in labels and notes rarely do.
		const digit = (l: { from: number; to: number }) => tokens.slice(l.from, l.to).some((t) => /[0-9]/.test(t));
		const score = (l: { from: number; to: number }) =>
			(digit(l) ? 0 : 1000) + (l.to === s.from ? 0 : l.from === s.to ? 1 : 2) * 100 + (l.to - l.from);
		const best = free.sort((x, y) => score(x) - score(y))[0];
		if (best) return { locator: best.text, secret: s.text };
	}
	if (secrets.length === 0 && runs(SECRET_LENGTH).length > 0)
		throw new ReportError('receipt_typo', 'the secret has a typo', { part: 'secret' });
	if (secrets.length === 0) throw new ReportError('receipt_malformed', 'no receipt secret found', { part: 'secret' });
	throw new ReportError('receipt_malformed', 'no locator found', { part: 'locator' });
}
