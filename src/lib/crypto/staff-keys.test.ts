import { describe, expect, it } from 'vitest';
import { CryptoAuthError } from './errors';
import { STAFF_KDF, TEST_ONLY_CHEAP_KDF } from './kdf';
import { PASSWORD_WRAPPED_KEY_LENGTH, passwordUnwrapKey, passwordWrapKey, passwordWrappedSpec } from './kdf-spec';
import { generateReportKey } from './keys';
import { openSealedKey, sealKey } from './seal';
import {
	createStaffKeys,
	formatRecoveryKey,
	generateRecoveryKey,
	parseRecoveryKey,
	rewrapForNewRecoveryKey,
	rewrapForPassword,
	unlockWithPassword,
	unlockWithRecoveryKey
} from './staff-keys';
import { expectCryptoError, expectCryptoErrorAsync } from '$support/crypto';

const CHEAP = TEST_ONLY_CHEAP_KDF;

describe('staff keys', () => {
	it('enrol, unlock with password, open a sealed report key', async () => {
		const { bundle, keyPair, recoveryKey } = await createStaffKeys('s3cret 密码', CHEAP);
		expect(bundle.passwordWrapped.length).toBe(PASSWORD_WRAPPED_KEY_LENGTH);
		expect(recoveryKey).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){13}[0-9A-HJKMNP-TV-Z]{4}$/);
		const unlocked = await unlockWithPassword(bundle, 's3cret 密码');
		expect(unlocked.secretKey).toEqual(keyPair.secretKey);
		const reportKey = generateReportKey();
		expect(openSealedKey(sealKey(reportKey, bundle.publicKey), unlocked)).toEqual(reportKey);
	});

	it('wrong password and wrong recovery key are refused', async () => {
		const { bundle } = await createStaffKeys('right', CHEAP);
		const e = await expectCryptoErrorAsync(() => unlockWithPassword(bundle, 'wrong'), 'DECRYPT_FAILED');
		expect(e).toBeInstanceOf(CryptoAuthError);
		expectCryptoError(() => unlockWithRecoveryKey(bundle, generateRecoveryKey().text), 'DECRYPT_FAILED');
	});

	it('recovery after a forgotten password, then re-wrap; the old password stops working', async () => {
		const { bundle, keyPair, recoveryKey } = await createStaffKeys('old', CHEAP);
		const recovered = unlockWithRecoveryKey(bundle, recoveryKey.toLowerCase().replaceAll('-', ' '));
		expect(recovered.secretKey).toEqual(keyPair.secretKey);
		const next = await rewrapForPassword(bundle, recovered, 'new', CHEAP);
		expect((await unlockWithPassword(next, 'new')).publicKey).toEqual(bundle.publicKey);
		await expectCryptoErrorAsync(() => unlockWithPassword(next, 'old'), 'DECRYPT_FAILED');
		expect(passwordWrappedSpec(next.passwordWrapped).salt).not.toEqual(
			passwordWrappedSpec(bundle.passwordWrapped).salt
		);
		const fresh = rewrapForNewRecoveryKey(next, recovered);
		expectCryptoError(() => unlockWithRecoveryKey(fresh.bundle, recoveryKey), 'DECRYPT_FAILED');
		expect(unlockWithRecoveryKey(fresh.bundle, fresh.recoveryKey).secretKey).toEqual(keyPair.secretKey);
	});

	it('a bundle whose public key was swapped is refused', async () => {
		const a = await createStaffKeys('pw', CHEAP);
		const b = await createStaffKeys('pw', CHEAP);
		await expectCryptoErrorAsync(
			() => unlockWithPassword({ ...a.bundle, publicKey: b.bundle.publicKey }, 'pw'),
			'KEY_MISMATCH'
		);
	});

	it('recovery key text: checksum catches typos, forgives case and separators', () => {
		const { key, text } = generateRecoveryKey();
		expect(parseRecoveryKey(text.replaceAll('-', '').toLowerCase())).toEqual(key);
		expect(formatRecoveryKey(key)).toBe(text);
		const chars = text.replaceAll('-', '').split('');
		chars[10] = chars[10] === 'A' ? 'B' : 'A';
		expectCryptoError(() => parseRecoveryKey(chars.join('')), 'BAD_CHECKSUM', 'MALFORMED');
		const swapped = text.replaceAll('-', '').split('');
		[swapped[3], swapped[4]] = [swapped[4] as string, swapped[3] as string];
		if (swapped.join('') !== text.replaceAll('-', ''))
			expectCryptoError(() => parseRecoveryKey(swapped.join('')), 'BAD_CHECKSUM', 'MALFORMED');
		expectCryptoError(() => parseRecoveryKey(text.slice(0, -1)), 'BAD_LENGTH');
	});

	it('password-wrapped keys with the real STAFF_KDF (one derivation each way)', async () => {
		const secret = generateReportKey();
		const wrapped = await passwordWrapKey(secret, 'correct horse', STAFF_KDF);
		expect(passwordWrappedSpec(wrapped).m).toBe(65536);
		expect(await passwordUnwrapKey(wrapped, 'correct horse')).toEqual(secret);
	});

	it('password-wrapped keys refuse tampering, bad version and length (cheap)', async () => {
		const wrapped = await passwordWrapKey(generateReportKey(), 'pw', CHEAP);
		const bad = wrapped.slice();
		bad[60] = (bad[60] as number) ^ 1;
		await expectCryptoErrorAsync(() => passwordUnwrapKey(bad, 'pw'), 'DECRYPT_FAILED');
		const salt = wrapped.slice();
		salt[12] = (salt[12] as number) ^ 1;
		await expectCryptoErrorAsync(() => passwordUnwrapKey(salt, 'pw'), 'DECRYPT_FAILED');
		await expectCryptoErrorAsync(() => passwordUnwrapKey(wrapped.subarray(1), 'pw'), 'UNSUPPORTED_VERSION');
		await expectCryptoErrorAsync(() => passwordUnwrapKey(wrapped.subarray(0, 98), 'pw'), 'BAD_LENGTH');
	});
});
