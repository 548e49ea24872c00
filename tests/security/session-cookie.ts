/**
 * `tsx tests/security/session-cookie.ts <username> [--admin]`: inserts a signed-in staff session (both factors
 * passed) for an existing account into the database of DATABASE_URL and prints the cookie value. For
 * throw-away test databases only (tests/security/sqlmap.sh): it stands for a completed sign-in.
 */
import { insertSession, withStorage } from './lib';

const [username, ...rest] = process.argv.slice(2);
if (!username || !process.env.DATABASE_URL) {
	console.error('Usage: DATABASE_URL=… tsx tests/security/session-cookie.ts <username> [--admin]');
	process.exit(2);
}
const cookie = await withStorage({ databaseUrl: process.env.DATABASE_URL, dataDir: null }, async (s) => {
	const [user] = await s.query<{ id: string }>('select id from staff_user where username = $1', [username]);
	if (!user) throw new Error(`no staff account ${username}`);
	if (rest.includes('--admin')) await s.query('update staff_user set is_admin = true where id = $1', [user.id]);
	return insertSession(s, user.id, true);
});
console.log(cookie);
