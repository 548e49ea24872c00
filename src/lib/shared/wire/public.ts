/**
 * Answers of the public query endpoints (docs/api.md): unit search, routing preview, the signed key
 * directory and the public figures. GET only, no cookies; errors are ../errors.ts `ErrorBody`. Types only,
 * so any page may import them (`import type`).
 */
import type { SuiteId } from '../../crypto/suite-id';
import type { Bilingual } from '../bilingual';
import type { AdminLevel } from '../vocabulary/org';
import type { Category, PositionKind, ReportKind } from '../vocabulary/report';

/** POST /api/v1/units { q, limit } answers a list of these. */
export interface UnitHit {
	id: string;
	name: string;
	level: AdminLevel;
	/** Names from the top, e.g. "示范省/青山市/高新区". */
	regionPath: string;
}

/** The query of GET /api/v1/routing (escalate: '1' to send a report about a leader one level up). */
export interface RoutingQuery {
	unit: string;
	position: PositionKind;
	/** Accepted from clients of before and ignored: routing depends on the target post, never on the kind. */
	kind?: ReportKind;
	escalate?: '0' | '1';
}

/** GET /api/v1/routing: the organ a report would go to, and why. Never names staff. */
export interface RoutingAnswer {
	unit: UnitHit | null;
	position: PositionKind;
	escalate: boolean;
	organ: { id: string; name: string; level: AdminLevel };
	/** False when nobody in the organ can receive encrypted reports now. */
	deliverable: boolean;
	explanation: Bilingual;
}

/**
 * POST /api/v1/directory { organ, unit? }: the root public key, its fingerprint, the organ's signed entries
 * (without those of staff conflicted for `unit`) and the newest signed revocation list, as base64 of the
 * exact signed bytes (the browser verifies them: src/lib/client/directory-verify.ts).
 */
export interface DirectoryResponse {
	organ: string;
	/**
	 * The deployment's cipher suite (QF_CRYPTO_SUITE, issue 21). The reporter's page compares it with the suite
	 * it was served with and refuses the other one; the entries carry it too (byte 0, under the root's signature).
	 */
	suite: SuiteId;
	root: { publicKey: string; fingerprint: string };
	entries: string[];
	revocations: string | null;
}

/** One month of the public figures; null: fewer than `minCount`. */
export interface MonthFigures {
	/** YYYY-MM */
	month: string;
	received: number | null;
	concluded: number | null;
	byCategory: Record<Category, number | null>;
}

/** GET /api/v1/stats/public: the last 12 months, the current one included (docs/reporting.md §5). */
export interface PublicStats {
	months: MonthFigures[];
	minCount: number;
}

/**
 * POST /api/v1/regions { parent? } answers a list of these: the regions (a province, city, county or
 * township: their own leadership units) directly below `parent`, or the top ones. The pinyin fields let
 * the browser filter the list as the reporter types, without sending what was typed.
 */
export interface RegionHit extends UnitHit {
	/** Toneless pinyin, one syllable per character, space-separated ("feng quan qu"). */
	pinyin: string;
	/** First letters, one per character ("fqq"). */
	initials: string;
	/** True when regions lie below this one (the picker offers to go on). */
	hasChildren: boolean;
}
