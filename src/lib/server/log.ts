/**
 * Structured logs, one JSON object per line, without personal data: never an address, a user agent,
 * a user name or any report content. Pass only identifiers and counts.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
let threshold: Level = 'info';

export function setLogLevel(level: Level): void {
	threshold = level;
}

export function log(level: Level, event: string, fields: Record<string, string | number | boolean | null> = {}): void {
	if (order[level] < order[threshold]) return;
	const line = JSON.stringify({ t: new Date().toISOString(), level, event, ...fields });
	if (level === 'error' || level === 'warn') console.error(line);
	else console.log(line);
}
