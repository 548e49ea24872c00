/**
 * The keyed demo (tests/e2e/keyed-demo.ts): the production server serves, for each keyed organ, signed
 * directory entries that the reporter-side verifier accepts against the root key the tool created, one per
 * keyed demo inspector and head, with the public keys whose secret keys the test holds; the listed demo
 * units route to the keyed organs. It also checks the background-job wiring of the server it starts
 * (src/hooks.server.ts): jobs start with the server and stop before the database closes.
 */
import nacl from 'tweetnacl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyServedDirectory } from '../../src/lib/client/directory-verify';
import { openSealedKey, sealKey } from '../../src/lib/crypto/seal';
import { rootFingerprint, rootKeyFromSeed } from '../../src/lib/crypto/directory';
import { generateDemo } from '../../src/lib/server/demo/province';
import type { Server } from './harness';
import { postJson } from './post-json';
import { KEYED_DEMO_ORGANS, KEYED_UNIT_QUERY, KEYED_UNITS, startWithKeyedDemo, type KeyedDemoKeys } from './keyed-demo';

let server: Server;
let keys: KeyedDemoKeys;

beforeAll(async () => {
	({ server, keys } = await startWithKeyedDemo());
}, 180_000);

afterAll(async () => {
	await server?.stop();
});

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('keyed demo', () => {
	it('keys every demo inspector and head of the keyed organs under one root key', () => {
		const demo = generateDemo();
		const expected = demo.staff.filter(
			(s) => (KEYED_DEMO_ORGANS as readonly string[]).includes(s.organId) && s.role !== 'admin'
		);
		expect(keys.staff.map((s) => s.staffId).sort()).toEqual(expected.map((s) => s.id).sort());
		expect(keys.kdf).toBe('staff');
		expect(rootKeyFromSeed(keys.rootSeed).publicKey).toEqual(keys.rootPublicKey);
		expect(keys.fingerprint).toBe(rootFingerprint(keys.rootPublicKey));
		for (const s of keys.staff) expect(nacl.box.keyPair.fromSecretKey(s.secretKey).publicKey).toEqual(s.publicKey);
	});

	it('serves directory entries that verify against the root key, one per keyed staff member', async () => {
		for (const organId of KEYED_DEMO_ORGANS) {
			const res = await fetch(`${server.url}/api/v1/directory`, postJson({ organ: organId }));
			expect(res.status, organId).toBe(200);
			const verified = verifyServedDirectory(await res.json(), {
				organId,
				now: Date.now(),
				pinnedRootPublicKey: keys.rootPublicKey
			});
			expect(verified.rejected, organId).toEqual([]);
			expect(verified.fingerprint).toBe(keys.fingerprint);
			const mine = keys.staff.filter((s) => s.organId === organId);
			expect(mine.length, organId).toBeGreaterThanOrEqual(2);
			expect(verified.valid.map((e) => `${e.staffId} ${e.role} ${hex(e.publicKey)}`).sort()).toEqual(
				mine.map((s) => `${s.staffId} ${s.role} ${hex(s.publicKey)}`).sort()
			);
			// What a reporter's browser seals to a verified entry opens with the returned secret key.
			for (const e of verified.valid) {
				const reportKey = nacl.randomBytes(32);
				const s = mine.find((m) => m.staffId === e.staffId)!;
				expect(
					openSealedKey(sealKey(reportKey, e.publicKey), { publicKey: s.publicKey, secretKey: s.secretKey })
				).toEqual(reportKey);
			}
		}
	});

	it('leaves other organs without entries', async () => {
		const res = await fetch(`${server.url}/api/v1/directory`, postJson({ organ: 'o-sf-c02' }));
		expect(res.status).toBe(200);
		const verified = verifyServedDirectory(await res.json(), {
			organId: 'o-sf-c02',
			now: Date.now(),
			pinnedRootPublicKey: keys.rootPublicKey
		});
		expect(verified.valid).toEqual([]);
	});

	it('routes the listed demo units to the keyed organs', async () => {
		for (const u of Object.values(KEYED_UNITS)) {
			for (const [position, organId] of Object.entries(u.routes)) {
				const res = await fetch(
					`${server.url}/api/v1/routing`,
					postJson({ unit: u.unitId, position, kind: 'public_tip' })
				);
				expect(res.status, `${u.name} ${position}`).toBe(200);
				const body = (await res.json()) as { unit: { name: string }; organ: { id: string } };
				expect(body.unit.name).toBe(u.name);
				expect(body.organ.id, `${u.name} ${position}`).toBe(organId);
				expect(KEYED_DEMO_ORGANS as readonly string[]).toContain(organId);
			}
		}
		const res = await fetch(`${server.url}/api/v1/units`, postJson({ q: KEYED_UNIT_QUERY }));
		expect(res.status).toBe(200);
		expect(JSON.stringify(await res.json())).toContain(KEYED_UNITS.countyDepartment.unitId);
	});

	it('starts the background jobs with the server and stops them before the database closes', async () => {
		const runner = server.db === 'postgres' ? 'pg-boss' : 'timer';
		expect(server.output()).toContain(`"event":"jobs_started","runner":"${runner}"`);
		const status = await server.stop();
		expect(status.code).toBe(0);
		const out = server.output();
		const stopped = out.indexOf(`"event":"jobs_stopped","runner":"${runner}"`);
		expect(stopped).toBeGreaterThan(0);
		expect(out.indexOf('"phase":"closing_database"')).toBeGreaterThan(stopped);
		expect(out).toContain('"phase":"done"');
	});
});
