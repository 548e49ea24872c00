/** Cross-checks against node:crypto (independent implementations) so our formats use standard primitives. */
import { describe, expect, it } from 'vitest';
import { createHmac, createPublicKey, verify } from 'node:crypto';
import nacl from 'tweetnacl';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import vectors from './vectors/v1.json';
import { fromHex, toHex } from './encoding';
import { parseDirectoryEntry } from './directory';

const ed25519 = (hex: string) =>
	createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: encodeBase64urlNoPadding(fromHex(hex)) }, format: 'jwk' });

describe('interoperability with node:crypto', () => {
	it('sub-keys are HMAC-SHA-512 truncated to 32 bytes', () => {
		const mac = createHmac('sha512', fromHex(vectors.subkey.key)).update('qingfeng/v1/content').digest('hex');
		expect(mac.slice(0, 64)).toBe(vectors.subkey.output);
	});

	it('directory signatures are plain Ed25519 over the body', () => {
		const { body, signature } = parseDirectoryEntry(fromHex(vectors.directoryEntry.output));
		const key = ed25519(vectors.rootKey.publicKey);
		expect(verify(null, body, key, signature as Uint8Array)).toBe(true);
	});

	it('X25519 public keys match', () => {
		expect(toHex(nacl.box.keyPair.fromSecretKey(fromHex(vectors.sealedKey.recipientSecretKey)).publicKey)).toBe(
			vectors.sealedKey.recipientPublicKey
		);
		// RFC 7748 §6.1 Alice
		const alice = nacl.scalarMult.base(fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'));
		expect(toHex(alice)).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
	});
});
