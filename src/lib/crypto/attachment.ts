/**
 * Streaming attachment encryption: 64 KiB chunks, each a nacl.secretbox under a per-file key, with
 * the file id, the chunk index and a final-chunk flag bound into the nonce.
 *
 * Stream (what the server stores): 01 41 | fileId (16, random) | C_0 | C_1 | … | C_{n−1}
 *   S        = H | file bytes | zero bytes, |S| = attachmentBucket(|H| + size)
 *   H        = size (u64 BE) | nameLength (u16 BE) | name (UTF-8) | typeLength (u8) | type (UTF-8)
 *   S_i      = S[i·65536 … min((i+1)·65536, |S|)), n = ceil(|S| / 65536)
 *   C_i      = secretbox(S_i, N_i, K_f)                        (|S_i| + 16 bytes)
 *   N_i      = fileId (16) | i (u32 BE) | final (1 byte: 1 for i = n−1, else 0) | 00 00 00
 *   K_f      = subkey(reportKey, "attachment", fileId)
 * File name and type are inside C_0, never in clear. The server learns only |S| (a bucket).
 */
export {
	ATTACHMENT_HEADER_LENGTH,
	CHUNK_CIPHERTEXT_SIZE,
	CHUNK_SIZE,
	FILE_ID_LENGTH,
	MAX_ATTACHMENT_SIZE,
	MAX_NAME_BYTES,
	MAX_TYPE_BYTES,
	attachmentLayout,
	chunkNonce,
	type AttachmentInfo,
	type AttachmentLayout,
	type AttachmentMeta,
	type ChunkCipher,
	type Progress
} from './attachment-format';
export {
	AttachmentEncryptor,
	createAttachmentEncryptor,
	encryptAttachment,
	encryptAttachmentStream,
	encryptAttachmentWithFileId
} from './attachment-encrypt';
export {
	AttachmentDecryptor,
	createAttachmentDecryptor,
	decryptAttachment,
	decryptAttachmentStream
} from './attachment-decrypt';
