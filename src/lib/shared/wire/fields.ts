/**
 * Valibot building blocks of the request-body schemas (./reporter.ts, ./staff.ts): byte fields in strict
 * base64 and the identifier grammars. Only the server validates bodies; browsers import the wire modules'
 * types (`import type`), which pulls in no code.
 */
import * as v from 'valibot';
import { ID_PATTERN, INTAKE_ID_PATTERN, isBase64, LOCATOR_PATTERN, portableBase64 } from '../encoding';

/** Decodes a text `isBase64` accepted (the server passes its Buffer codec, see ../encoding.ts). */
export type Decode = (text: string) => Uint8Array;

/** Strict base64 of exactly `exact` bytes, or of 1 to about `max`, decoded to bytes. */
export function base64Bytes(opts: { exact?: number; max: number }, decode: Decode = portableBase64.decode) {
	return v.pipe(
		v.string(),
		v.maxLength(Math.ceil(opts.max / 3) * 4),
		v.check(isBase64),
		v.transform((s) => decode(s)),
		v.check((b) => (opts.exact === undefined ? b.length > 0 : b.length === opts.exact))
	);
}

/** Base64 of bytes of one of these lengths (a field of either cipher suite; the server holds the deployment's). */
export function base64BytesOneOf(lengths: readonly number[], decode: Decode = portableBase64.decode) {
	return v.pipe(
		base64Bytes({ max: Math.max(...lengths) }, decode),
		v.check((b) => lengths.includes(b.length))
	);
}

/** A receipt locator in canonical form. */
export const Locator = v.pipe(v.string(), v.regex(LOCATOR_PATTERN));

/** A unit or organ id. */
export const DirectoryId = v.pipe(v.string(), v.regex(ID_PATTERN));

/** An intake id (base64url of 16 bytes). */
export const IntakeId = v.pipe(v.string(), v.regex(INTAKE_ID_PATTERN));
