import { customType } from 'drizzle-orm/pg-core';

/** bytea as Uint8Array on both drivers (postgres.js hands back Buffers, PGlite Uint8Arrays). */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
	dataType() {
		return 'bytea';
	},
	toDriver(value) {
		return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
	},
	fromDriver(value) {
		return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
	}
});
