/** Where `npm run demo:keys` writes its secrets unless --out says otherwise: a git-ignored folder at the repository root. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_SECRETS_FILE = path.join(
	path.dirname(fileURLToPath(import.meta.url)),
	'..',
	'demo-secrets',
	'demo-keys.json'
);
