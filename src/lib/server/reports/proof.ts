/**
 * Issuing the proof of having reported (issue 19; the format: src/lib/crypto/proof.ts, docs/crypto.md).
 * The operator keeps, per organ, an attestation key in the deployment's suite (an Ed25519 seed; in a GM
 * deployment an SM2 private scalar, issue 21) and its directory entry signed by the root at the ceremony
 * (role `attest`). PROOF_KEYS_FILE names a JSON file of them:
 *   [{ "seed": "<64 hex>", "entry": "<base64 of the signed entry>" }, …]
 * A key of the other suite (byte 0 of its entry) stops the reading: the proof is signed in the pinned suite.
 * The entries are never served as recipients (they are not in the database directory).
 * A reporter with a receipt token asks GET /api/v1/receipt/proof: refused (`not_acknowledged`) while the
 * report is still `received`; then signed for the organ holding it, bound to its locator, received date
 * and the day staff first moved it on (its acknowledgement), and to nothing else.
 */
import { readFileSync } from 'node:fs';
import { and, asc, eq } from 'drizzle-orm';
import { parseDirectoryEntry, rootKeyFromSeed } from '$lib/crypto/directory';
import { gmKeyPairFromSecret } from '$lib/crypto/gm/directory';
import { ATTEST_ROLE, signProof, type ReportProof } from '$lib/crypto/proof';
import type { Suite, SuiteId } from '$lib/crypto/suite';
import { deploymentSuiteId, suiteOf } from '$lib/server/keys/suite';
import type { Db } from '$lib/server/db';
import { disciplineOrgan, report, reportEvent } from '$lib/server/db/schema';
import { ok, refuse, type Result } from '$lib/server/http/result';
import { todayOf } from '$lib/server/backoffice/case-state';

export interface ProofKey {
	secretKey: Uint8Array;
	entry: Uint8Array;
	/** The suite the key signs in (the deployment's). */
	suite: Suite;
}

/**
 * Parses the PROOF_KEYS_FILE text: organ id → key, in a suite (the deployment's by default). Throws on a seed
 * that does not match its entry, or an entry of the other suite.
 */
export function proofKeysFrom(text: string, suiteId: SuiteId = deploymentSuiteId()): Map<string, ProofKey> {
	const suite = suiteOf(suiteId);
	const list = JSON.parse(text) as { seed?: unknown; entry?: unknown }[];
	if (!Array.isArray(list)) throw new Error('PROOF_KEYS_FILE: expected a JSON list');
	const out = new Map<string, ProofKey>();
	for (const k of list) {
		if (typeof k.seed !== 'string' || !/^[0-9a-f]{64}$/i.test(k.seed) || typeof k.entry !== 'string')
			throw new Error('PROOF_KEYS_FILE: each key needs a 64-hex seed and a base64 entry');
		const seed = new Uint8Array(Buffer.from(k.seed, 'hex'));
		const pair = suiteId === 'gm' ? gmKeyPairFromSecret(seed) : rootKeyFromSeed(seed);
		const entry = new Uint8Array(Buffer.from(k.entry, 'base64'));
		if (entry[0] !== suite.entries.version)
			throw new Error(`PROOF_KEYS_FILE: a key is not of the deployment's ${suiteId} suite (npm run root -- attest)`);
		const parsed = parseDirectoryEntry(entry, suite.entries).entry;
		if (parsed.role !== ATTEST_ROLE || Buffer.compare(Buffer.from(parsed.publicKey), Buffer.from(pair.publicKey)) !== 0)
			throw new Error(`PROOF_KEYS_FILE: the entry for ${parsed.organId} is not this seed's attestation entry`);
		out.set(parsed.organId, { secretKey: pair.secretKey, entry, suite });
	}
	return out;
}

let cached: { path: string; suite: SuiteId; keys: Map<string, ProofKey> } | null = null;
/** The keys of PROOF_KEYS_FILE (read once per path); an empty map when it is not set. */
export function proofKeysFromEnv(env: Record<string, string | undefined> = process.env): Map<string, ProofKey> {
	const path = env.PROOF_KEYS_FILE?.trim();
	if (!path) return new Map();
	const suite = deploymentSuiteId();
	if (cached?.path !== path || cached.suite !== suite)
		cached = { path, suite, keys: proofKeysFrom(readFileSync(path, 'utf8'), suite) };
	return cached.keys;
}

/** The proof for a report, once acknowledged, signed by the holding organ's attestation key. */
export async function issueProof(
	db: Db,
	reportId: string,
	keys: Map<string, ProofKey>
): Promise<Result<ReportProof, 'not_found' | 'not_acknowledged' | 'proof_unavailable'>> {
	const [r] = await db
		.select({ locator: report.locator, receivedOn: report.receivedOn, organId: report.organId, state: report.state })
		.from(report)
		.where(eq(report.id, reportId));
	if (!r) return refuse('not_found');
	const [ack] = await db
		.select({ at: reportEvent.at })
		.from(reportEvent)
		.where(and(eq(reportEvent.reportId, reportId), eq(reportEvent.fromState, 'received')))
		.orderBy(asc(reportEvent.id))
		.limit(1);
	if (r.state === 'received' || !ack) return refuse('not_acknowledged');
	const key = keys.get(r.organId);
	if (!key) return refuse('proof_unavailable');
	const [organ] = await db
		.select({ name: disciplineOrgan.name })
		.from(disciplineOrgan)
		.where(eq(disciplineOrgan.id, r.organId));
	const acknowledgedOn = todayOf(ack.at);
	return ok(
		signProof(
			{ locator: r.locator, receivedOn: r.receivedOn, organId: r.organId, acknowledgedOn },
			organ?.name ?? r.organId,
			key.secretKey,
			key.entry,
			key.suite
		)
	);
}
