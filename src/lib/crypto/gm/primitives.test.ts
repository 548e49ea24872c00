/**
 * The GM suite's primitives against the standards' published vectors (SM3: GB/T 32905-2016 Appendix A;
 * SM4: GB/T 32907-2016 Appendix A; SM4-GCM: RFC 8998 Appendix A.1) and, for SM2 and PBKDF2-HMAC-SM3, against
 * a second implementation, OpenSSL (Node's for SM3 and PBKDF2, the command line for SM2, whose distinguishing
 * id Node's API cannot set), so a bug in either shows as a mismatch.
 * The published SM2 examples of GB/T 32918 use the standard's example curve, not the recommended curve that
 * deployments (and these libraries) use, so they cannot be replayed here; docs/crypto.md says so.
 */
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	hmacSm3,
	pbkdf2HmacSm3,
	sm2Decrypt,
	sm2Encrypt,
	sm2KeyPair,
	sm2PublicOf,
	sm2Sign,
	sm2Verify,
	SM2_DEFAULT_ID,
	sm3,
	sm4GcmOpen,
	sm4GcmSeal
} from './primitives';

const h = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const hx = (b: Uint8Array) => Buffer.from(b).toString('hex');
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('SM3 (GB/T 32905-2016, Appendix A)', () => {
	it('example 1: "abc"', () => {
		expect(hx(sm3(utf8('abc')))).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
	});
	it('example 2: "abcd" × 16 (512 bits)', () => {
		expect(hx(sm3(utf8('abcd'.repeat(16))))).toBe('debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
	});
	it('agrees with OpenSSL on random inputs, and HMAC-SM3 too', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ minLength: 1, maxLength: 100 }), (data, key) => {
				expect(hx(sm3(data))).toBe(crypto.createHash('sm3').update(data).digest('hex'));
				expect(hx(hmacSm3(key, data))).toBe(crypto.createHmac('sm3', key).update(data).digest('hex'));
			}),
			{ numRuns: 50 }
		);
	});
});

describe('PBKDF2-HMAC-SM3', () => {
	it('agrees with OpenSSL for several lengths and iteration counts', () => {
		for (const [iters, len] of [
			[1, 32],
			[2, 16],
			[1000, 32],
			[37, 70]
		] as const) {
			const pw = utf8('口令 password');
			const salt = h('000102030405060708090a0b0c0d0e0f');
			expect(hx(pbkdf2HmacSm3(pw, salt, iters, len))).toBe(
				crypto.pbkdf2Sync(pw, salt, iters, len, 'sm3').toString('hex')
			);
		}
	});
});

describe('SM4 (GB/T 32907-2016, Appendix A) and SM4-GCM (RFC 8998, A.1)', () => {
	it('the block cipher example (through OpenSSL’s SM4; the suite uses SM4 only in GCM, checked next)', () => {
		const key = h('0123456789abcdeffedcba9876543210');
		const c = crypto.createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
		expect(hx(c.update(key))).toBe('681edf34d206965e86b3e94f536e4246');
	});
	it('RFC 8998 SM4-GCM test vector', () => {
		const key = h('0123456789abcdeffedcba9876543210');
		const iv = h('00001234567800000000abcd');
		const aad = h('feedfacedeadbeeffeedfacedeadbeefabaddad2');
		const pt = h(
			'aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd eeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa'
		);
		const sealed = sm4GcmSeal(key, iv, pt, aad);
		expect(hx(sealed)).toBe(
			'17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d' +
				'83de3541e4c2b58177e065a9bf7b62ec'
		);
		expect(hx(sm4GcmOpen(key, iv, sealed, aad)!)).toBe(hx(pt));
	});
	it('refuses any change to the ciphertext, tag, nonce, key or associated data', () => {
		fc.assert(
			fc.property(
				fc.uint8Array({ minLength: 16, maxLength: 16 }),
				fc.uint8Array({ minLength: 12, maxLength: 12 }),
				fc.uint8Array({ maxLength: 200 }),
				fc.uint8Array({ maxLength: 40 }),
				fc.nat(),
				(key, nonce, pt, aad, at) => {
					const sealed = sm4GcmSeal(key, nonce, pt, aad);
					expect(hx(sm4GcmOpen(key, nonce, sealed, aad)!)).toBe(hx(pt));
					const flipped = sealed.slice();
					flipped[at % flipped.length]! ^= 1;
					expect(sm4GcmOpen(key, nonce, flipped, aad)).toBeNull();
					expect(sm4GcmOpen(key, nonce, sealed.subarray(0, sealed.length - 1), aad)).toBeNull();
					const n2 = nonce.slice();
					n2[0]! ^= 0x80;
					expect(sm4GcmOpen(key, n2, sealed, aad)).toBeNull();
					const k2 = key.slice();
					k2[15]! ^= 1;
					expect(sm4GcmOpen(k2, nonce, sealed, aad)).toBeNull();
					expect(sm4GcmOpen(key, nonce, sealed, new Uint8Array([...aad, 0]))).toBeNull();
				}
			),
			{ numRuns: 40 }
		);
	});
});

/** An SM2 public key as OpenSSL reads it: SubjectPublicKeyInfo, id-ecPublicKey with the SM2 curve (1.2.156.10197.1.301). */
function spkiPem(pub: Uint8Array): string {
	const der = Buffer.concat([h('3059301306072a8648ce3d020106082a811ccf5501822d034200'), pub]);
	return `-----BEGIN PUBLIC KEY-----\n${der.toString('base64')}\n-----END PUBLIC KEY-----\n`;
}

/** Runs the openssl command line (Node's crypto API cannot set SM2's distinguishing id; the CLI can). */
function openssl(dir: string, ...args: string[]): { ok: boolean; out: string } {
	const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
	return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

/** DER of a sequence of TLV parts (lengths below 65,536). */
function der(tag: number, body: Buffer): Buffer {
	const n = body.length;
	const len = n < 128 ? Buffer.from([n]) : n < 256 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 255]);
	return Buffer.concat([Buffer.from([tag]), len, body]);
}
const derInt = (b: Uint8Array) => {
	let i = 0;
	while (i < b.length - 1 && b[i] === 0 && !(b[i + 1]! & 0x80)) i++;
	let v = Buffer.from(b.subarray(i));
	if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
	return der(2, v);
};
/** Reads the TLVs inside a DER SEQUENCE. */
function derParts(seq: Buffer): Buffer[] {
	const parts: Buffer[] = [];
	let i = seq[1]! < 128 ? 2 : 2 + (seq[1]! & 0x7f);
	while (i < seq.length) {
		let len = seq[i + 1]!;
		let at = i + 2;
		if (len & 0x80) {
			const k = len & 0x7f;
			len = 0;
			for (let j = 0; j < k; j++) len = (len << 8) | seq[at + j]!;
			at += k;
		}
		parts.push(seq.subarray(at, at + len));
		i = at + len;
	}
	return parts;
}
const fixed32 = (v: Buffer) => {
	const t = v.subarray(Math.max(0, v.length - 32));
	return Buffer.concat([Buffer.alloc(32 - t.length), t]);
};

describe('SM2 (GB/T 32918) on the recommended curve, checked against OpenSSL', () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'qf-sm2-'));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));
	const msg = utf8('清风 directory entry');
	writeFileSync(path.join(dir, 'm'), msg);

	it('a key pair is a point of the curve; the public key follows from the private one', () => {
		const k = sm2KeyPair();
		expect(k.privateKey).toHaveLength(32);
		expect(k.publicKey).toHaveLength(65);
		expect(hx(sm2PublicOf(k.privateKey))).toBe(hx(k.publicKey));
	});

	it('our signature verifies in OpenSSL (SM3, id 1234567812345678), and not under another id', () => {
		const k = sm2KeyPair();
		const sig = sm2Sign(msg, k.privateKey);
		expect(sm2Verify(msg, sig, k.publicKey)).toBe(true);
		writeFileSync(path.join(dir, 'ours.pub'), spkiPem(k.publicKey));
		writeFileSync(
			path.join(dir, 'ours.sig'),
			der(0x30, Buffer.concat([derInt(sig.subarray(0, 32)), derInt(sig.subarray(32))]))
		);
		const verify = (id: string) =>
			openssl(dir, 'dgst', '-sm3', '-verify', 'ours.pub', '-signature', 'ours.sig', '-sigopt', `distid:${id}`, 'm');
		expect(verify(SM2_DEFAULT_ID).out).toContain('Verified OK');
		expect(verify('1234567812345679').ok).toBe(false);
	});

	it("OpenSSL's signature verifies here, and fails on any change", () => {
		expect(openssl(dir, 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', 'k.pem').ok).toBe(
			true
		);
		expect(openssl(dir, 'pkey', '-in', 'k.pem', '-pubout', '-out', 'k.pub').ok).toBe(true);
		expect(
			openssl(dir, 'dgst', '-sm3', '-sign', 'k.pem', '-sigopt', `distid:${SM2_DEFAULT_ID}`, '-out', 'k.sig', 'm').ok
		).toBe(true);
		const spki = crypto.createPublicKey(readFileSync(path.join(dir, 'k.pub'))).export({ format: 'der', type: 'spki' });
		const pub = new Uint8Array(spki.subarray(spki.length - 65));
		const [r, s] = derParts(readFileSync(path.join(dir, 'k.sig')));
		const sig = new Uint8Array(Buffer.concat([fixed32(r!), fixed32(s!)]));
		expect(sm2Verify(msg, sig, pub)).toBe(true);
		expect(sm2Verify(utf8('清风 directory entrY'), sig, pub)).toBe(false);
		expect(sm2Verify(msg, sig, pub, 'another id')).toBe(false);
		const bad = sig.slice();
		bad[10]! ^= 1;
		expect(sm2Verify(msg, bad, pub)).toBe(false);
		expect(sm2Verify(msg, sig, sm2KeyPair().publicKey)).toBe(false);
	});

	it('encryption (C1 || C3 || C2) interoperates with OpenSSL in both directions', () => {
		expect(openssl(dir, 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', 'e.pem').ok).toBe(
			true
		);
		expect(openssl(dir, 'pkey', '-in', 'e.pem', '-pubout', '-out', 'e.pub').ok).toBe(true);
		const pkcs8 = crypto
			.createPrivateKey(readFileSync(path.join(dir, 'e.pem')))
			.export({ format: 'der', type: 'pkcs8' });
		const at = pkcs8.indexOf(Buffer.from([0x04, 0x20]), 20);
		const priv = new Uint8Array(pkcs8.subarray(at + 2, at + 34));
		const spki = crypto.createPublicKey(readFileSync(path.join(dir, 'e.pub'))).export({ format: 'der', type: 'spki' });
		const pub = new Uint8Array(spki.subarray(spki.length - 65));
		expect(hx(sm2PublicOf(priv))).toBe(hx(pub));
		// OpenSSL encrypts (SM2Cipher: x, y, C3, C2 in DER); we decrypt.
		expect(openssl(dir, 'pkeyutl', '-encrypt', '-pubin', '-inkey', 'e.pub', '-in', 'm', '-out', 'c.der').ok).toBe(true);
		const [x, y, c3, c2] = derParts(readFileSync(path.join(dir, 'c.der')));
		const raw = new Uint8Array(Buffer.concat([Buffer.from([4]), fixed32(x!), fixed32(y!), c3!, c2!]));
		expect(hx(sm2Decrypt(priv, raw)!)).toBe(hx(msg));
		// We encrypt; OpenSSL decrypts.
		const ours = sm2Encrypt(pub, msg);
		const cipher = der(
			0x30,
			Buffer.concat([
				derInt(ours.subarray(1, 33)),
				derInt(ours.subarray(33, 65)),
				der(4, Buffer.from(ours.subarray(65, 97))),
				der(4, Buffer.from(ours.subarray(97)))
			])
		);
		writeFileSync(path.join(dir, 'o.der'), cipher);
		expect(openssl(dir, 'pkeyutl', '-decrypt', '-inkey', 'e.pem', '-in', 'o.der', '-out', 'o.txt').ok).toBe(true);
		expect(hx(readFileSync(path.join(dir, 'o.txt')))).toBe(hx(msg));
	});

	it('encryption round-trips and refuses tampering and the wrong key', () => {
		fc.assert(
			fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), (pt, at) => {
				const k = sm2KeyPair();
				const c = sm2Encrypt(k.publicKey, pt);
				expect(c).toHaveLength(1 + 64 + 32 + pt.length);
				expect(hx(sm2Decrypt(k.privateKey, c)!)).toBe(hx(pt));
				const flipped = c.slice();
				flipped[65 + (at % (c.length - 65))]! ^= 1;
				expect(sm2Decrypt(k.privateKey, flipped)).toBeNull();
				expect(sm2Decrypt(sm2KeyPair().privateKey, c)).toBeNull();
			}),
			{ numRuns: 10 }
		);
	});
});
