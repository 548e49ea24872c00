/**
 * Files as the reporter's pages hold them while the reporter picks them: each image stripped of its
 * metadata on this device as soon as it is picked (the page shows what was removed), other types marked
 * with the kind of warning to show. The stripping result is handed to the encryption as is (files.ts).
 */
import { canStrip, metadataWarning, stripFileMetadata, type StripResult } from './exif';
import type { AttachedFile } from './files';
import type { MetadataCode } from '../../shared/vocabulary/report';

/** Why to warn about metadata left in a file the page could not strip. */
export type MetadataWarning = 'pdf' | 'office' | 'unreadable' | 'other';

/** A file the reporter picked, after metadata stripping. */
export interface PickedFile {
	key: number;
	name: string;
	type: string;
	size: number;
	state: 'processing' | 'ready' | 'error';
	/** The bytes to encrypt (stripped for images). */
	data: Blob | null;
	/** What was removed (the shared METADATA_CODES). */
	removed: MetadataCode[];
	/** Why to warn about metadata left in the file, or null. */
	warning: MetadataWarning | null;
	/** The original file and, for images, the stripping result handed to the library as is. */
	original: File | null;
	strip: StripResult | null;
}

function warningKind(type: string, name: string): MetadataWarning | null {
	if (!metadataWarning(type)) return null;
	const t = type.toLowerCase();
	const ext = name.toLowerCase().split('.').pop() ?? '';
	if (t === 'application/pdf' || ext === 'pdf') return 'pdf';
	if (
		/word|excel|powerpoint|officedocument|opendocument|msword|ms-excel|rtf/.test(t) ||
		/^(docx?|xlsx?|pptx?|odt|ods|odp|rtf|wps|et)$/.test(ext)
	)
		return 'office';
	return 'other';
}

/** Strips an image's metadata on this device; other files pass unchanged with a warning kind. */
export async function prepareAttachment(file: File): Promise<{
	data: Blob;
	type: string;
	removed: MetadataCode[];
	warning: MetadataWarning | null;
	strip: StripResult | null;
}> {
	if (canStrip(file.type)) {
		const r = await stripFileMetadata(file);
		if (r.error) return { data: file, type: file.type, removed: [], warning: 'unreadable', strip: r };
		return {
			data: new Blob([r.data as BlobPart], { type: file.type }),
			type: file.type,
			removed: r.removed,
			warning: null,
			strip: r
		};
	}
	return {
		data: file,
		type: file.type || 'application/octet-stream',
		removed: [],
		warning: warningKind(file.type, file.name),
		strip: null
	};
}

/** The picked files that are ready, as the submission and a follow-up message take them. */
export function attachedFiles(files: PickedFile[]): AttachedFile[] {
	return files
		.filter((f) => f.state === 'ready' && f.original)
		.map((f) => ({ file: f.original as File, name: f.name, type: f.type, stripped: f.strip ?? undefined }));
}
