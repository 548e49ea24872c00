/**
 * The running release's manifest (build/client/release.json, written by the build; docs/security.md,
 * "Checking the served code"), found beside the server's own files: adapter-node puts the server code
 * under build/server/ (chunks nest a few folders deep), so the nearest folder above that holds
 * client/release.json is the build.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: { sha256: string; version: string } | null | undefined;

/** SHA-256 (hex) and version of the release manifest this server serves, or null (a development server). */
export function runningRelease(): { sha256: string; version: string } | null {
	if (cached !== undefined) return cached;
	cached = null;
	let dir = path.dirname(fileURLToPath(import.meta.url));
	for (let i = 0; i < 10; i++) {
		const file = path.join(dir, 'client', 'release.json');
		if (existsSync(file)) {
			const bytes = readFileSync(file);
			const version = (JSON.parse(bytes.toString('utf8')) as { version?: unknown }).version;
			cached = {
				sha256: createHash('sha256').update(bytes).digest('hex'),
				version: typeof version === 'string' ? version : ''
			};
			break;
		}
		dir = path.dirname(dir);
	}
	return cached;
}
