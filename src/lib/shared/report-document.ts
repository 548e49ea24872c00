/**
 * The report document: the JSON the reporter's browser encrypts into a report's `content` (docs/reporting.md
 * §6), and the manifest of its files. The server never sees it; the reporter (/follow-up) and the staff
 * (the back office) decrypt and read it. Written once here; readers take it as `ReportContentAsRead`,
 * because a document may come from an older or a foreign client.
 */
import type {
	Category,
	InterferenceHow,
	InterferenceMatter,
	MetadataCode,
	PositionKind,
	ReportKind,
	ReporterRole
} from './vocabulary/report';

/** What the content says about one attached file. */
export interface FileManifest {
	/** Position of the file among the report's files (and of its stored stream). */
	index: number;
	name: string;
	type: string;
	/** Size of the file as encrypted (after metadata stripping), before padding. */
	bytes: number;
	metadataRemoved: MetadataCode[];
}

/** The structured part of an interference record (插手干预重大事项记录). */
export interface Interference {
	matter: InterferenceMatter;
	when: string;
	how: InterferenceHow;
	howDetail: string;
	othersWhoKnew: string;
}

/** A real-name reporter's identity (only in real-name reports). */
export interface ReporterIdentity {
	name: string;
	contact: string;
	unitOrAddress: string;
}

/**
 * The plaintext JSON inside `content`, as the reporter's browser writes it. Version 2 (issue 19) adds
 * `reporterRole`; the kind is only here since then (no clear column). Version 1 documents (no
 * `reporterRole`) stay readable: readers treat the role as not given.
 */
export interface ReportContent {
	v: 2;
	unit: { id: string; name: string; regionPath: string };
	position: PositionKind;
	kind: ReportKind;
	/** Who the reporter said they are (您的身份); null when not chosen. */
	reporterRole: ReporterRole | null;
	category: Category;
	/**
	 * The person the report is about. `unit`: in a report by region (the reporter could not find the unit
	 * and chose a region, which `unit` above then is), the unit as the reporter typed it.
	 */
	person: { name: string; post: string; unit?: string };
	description: string;
	interference: Interference | null;
	identity: ReporterIdentity | null;
	files: FileManifest[];
	submittedFrom: 'web';
}

/** A message, note or rationale: the plaintext JSON inside its ciphertext (docs/reporting.md §4). */
export interface MessageContent {
	text: string;
}

/**
 * What a reader may find after decrypting: every field may be missing or null, and codes may be ones
 * this version does not know. Readers show what is there and fall back to the code itself.
 */
export type Lenient<T> = T extends string
	? string
	: T extends number
		? number
		: T extends boolean
			? boolean
			: T extends readonly (infer U)[]
				? Lenient<U>[]
				: T extends object
					? { [K in keyof T]?: Lenient<T[K]> | null }
					: T;

/** The report document as decrypted by a reader (the follow-up page, the back office). */
export type ReportContentAsRead = Lenient<ReportContent>;
