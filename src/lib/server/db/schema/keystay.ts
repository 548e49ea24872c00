/**
 * The key stay (issue 18): per staff session, the member's secret key wrapped by the browser under a
 * non-extractable AES-GCM key that only that browser holds (in IndexedDB). The server alone cannot open it;
 * the row dies with its session (cascade), on Lock, sign-out and password change, and at `expires_at`
 * (the key's idle time, pushed forward while the member is active). docs/security.md, "The key stays
 * unlocked across page loads".
 */
import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { bytea } from '../types';
import { staffSession } from './auth';

export const staffKeyStay = pgTable(
	'staff_key_stay',
	{
		sessionId: text('session_id')
			.primaryKey()
			.references(() => staffSession.id, { onDelete: 'cascade' }),
		/** Format byte, AES-GCM nonce, sealed X25519 secret key with its tag (docs/security.md). */
		wrapped: bytea('wrapped').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		/** After this the row is never served again and the sweep deletes it. */
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull()
	},
	(t) => [index('staff_key_stay_expires_idx').on(t.expiresAt)]
);
