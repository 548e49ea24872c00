/**
 * Qingfeng's end-to-end encryption core (pure and isomorphic). See docs/crypto.md for the formats.
 */
export * from './errors';
export * from './format';
export * from './encoding';
export * from './random';
export * from './padding';
export * from './keys';
export * from './content';
export * from './attachment';
export * from './seal';
export * from './kdf';
export * from './kdf-spec';
export * from './receipt';
export * from './staff-keys';
export * from './directory';
export * from './organ-key';
