/**
 * The codes of a report: what the reporter chooses (category, position, kind, the details of an
 * interference record), what the image stripping reports, and what the reporter sees afterwards. Codes
 * travel and are stored; labels are display (src/lib/i18n/labels.ts, paraglide). The reference is
 * /work/shared/domain/taxonomy.json; the database CHECKs are built from these lists
 * (src/lib/server/db/schema/checks.ts). Pure data: the reporter's bundle imports it.
 */

/** The six disciplines (taxonomy.json `disciplines`). */
export const DISCIPLINES = ['political', 'organizational', 'integrity', 'mass', 'work', 'life'] as const;

/** The seven kinds of official misconduct (taxonomy.json `officialMisconduct`). */
export const MISCONDUCT = [
	'corruption_bribery',
	'abuse_of_power',
	'dereliction',
	'rent_seeking',
	'benefit_transfer',
	'favouritism',
	'waste_state_assets'
] as const;

/** The rest (taxonomy.json `otherCategories`, plus `other`), in the report form's order. */
export const OTHER_CATEGORIES = ['appointments', 'four_styles', 'other'] as const;

/** The lists one after the other (a pure call: bundlers drop it where the result is unused). */
function joined<L extends (readonly string[])[]>(...lists: L): Joined<L> {
	return lists.flat() as unknown as Joined<L>;
}
type Joined<L> = L extends [infer A extends readonly string[], ...infer R]
	? readonly [...A, ...Joined<R>]
	: readonly [];

/** Every report category, in the report form's (and the taxonomy's) order. */
export const CATEGORIES = /* @__PURE__ */ joined(DISCIPLINES, MISCONDUCT, OTHER_CATEGORIES);
export type Category = (typeof CATEGORIES)[number];

/** The groups the report form shows the categories in. */
export const CATEGORY_GROUPS = [
	{ code: 'discipline', categories: DISCIPLINES },
	{ code: 'misconduct', categories: MISCONDUCT },
	{ code: 'other', categories: OTHER_CATEGORIES }
] as const;
export type CategoryGroup = (typeof CATEGORY_GROUPS)[number]['code'];

/**
 * The order of the guide (/guide) and the public figures on the home page: `four_styles` before
 * `appointments`, unlike the report form. Both orders are what the pages show today; kept apart on purpose.
 */
export const GUIDE_CATEGORY_ORDER = /* @__PURE__ */ joined(DISCIPLINES, MISCONDUCT, [
	'four_styles',
	'appointments',
	'other'
] as const satisfies readonly Category[]);

/** Position of the person a report is about (taxonomy.json `positions`). */
export const POSITION_KINDS = ['top_leader', 'team_member', 'other_staff'] as const;
export type PositionKind = (typeof POSITION_KINDS)[number];

/** Report kinds (taxonomy.json `reportKinds`). Inside the ciphertext only: never a clear field on the wire. */
export const REPORT_KINDS = [
	'public_tip',
	'member_tip',
	'peer_report',
	'interference_record',
	'criticism_suggestion'
] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/**
 * The kinds the report form offers: what the report is, not who sends it (issue 19). The reporter's identity
 * is asked apart (REPORTER_ROLES); `member_tip` and `peer_report` follow from it (`reportKindOf`).
 */
export const FORM_KINDS = ['public_tip', 'interference_record', 'criticism_suggestion'] as const;
export type FormKind = (typeof FORM_KINDS)[number];

/**
 * Who the reporter says they are (您的身份, optional): 普通群众、党员、本单位领导班子成员、其他知情干部. Inside the
 * ciphertext only (content v2): a team member's role narrows them to a handful of people.
 */
export const REPORTER_ROLES = ['citizen', 'party_member', 'leadership_team', 'informed_official'] as const;
export type ReporterRole = (typeof REPORTER_ROLES)[number];

/** Why a reporter sends a message beyond adding to the report: to ask for protection (申请保护). */
export const MESSAGE_PURPOSES = ['protection'] as const;
export type MessagePurpose = (typeof MESSAGE_PURPOSES)[number];

/** The report kind the content records for a form kind and the reporter's role (a tip by a team member is a peer report). */
export function reportKindOf(kind: FormKind, role: ReporterRole | null): ReportKind {
	if (kind !== 'public_tip') return kind;
	if (role === 'leadership_team') return 'peer_report';
	if (role === 'party_member') return 'member_tip';
	return 'public_tip';
}

/** The matter a leader interfered in (an interference record; taxonomy.json `reportKinds` note). */
export const INTERFERENCE_MATTERS = [
	'cadre_selection',
	'project',
	'discipline_enforcement',
	'judicial',
	'other'
] as const;
export type InterferenceMatter = (typeof INTERFERENCE_MATTERS)[number];

/** How the leader interfered: 打招呼, 批条子, 授意, other. */
export const INTERFERENCE_HOWS = ['greeting', 'note', 'instruction', 'other'] as const;
export type InterferenceHow = (typeof INTERFERENCE_HOWS)[number];

/** What image stripping can report as removed (src/lib/client/report/exif.ts), in display order. */
export const METADATA_CODES = [
	/** GPS position (latitude/longitude in Exif). */
	'gps',
	/** Camera or phone make, model, serial numbers, lens, maker notes. */
	'camera',
	/** Date and time the picture was taken, digitized or changed. */
	'datetime',
	/** The program that made or edited the file. */
	'software',
	/** Author, artist, owner or copyright names. */
	'author',
	/** A comment (JPEG COM, Exif UserComment, PNG Comment/Description/Title). */
	'comment',
	/** A small preview image, which may show the uncropped original. */
	'thumbnail',
	/** XMP metadata (editing history, location, people, …). */
	'xmp',
	/** IPTC / Photoshop metadata (captions, keywords, creator, place). */
	'iptc',
	/** Text chunks (PNG tEXt/iTXt/zTXt). */
	'text',
	/** The Exif block itself (technical settings, and whatever the other codes did not name). */
	'exif',
	/** Extra images or data embedded in or appended to the file (MPF images, motion-photo video, trailers). */
	'embedded_data',
	/** Other application data segments or chunks. */
	'other'
] as const;
export type MetadataCode = (typeof METADATA_CODES)[number];

/**
 * What the reporter's status page shows, one status per way a report can stand (issue 19: a report returned
 * or kept as a duplicate no longer reads "concluded", a refusal no longer reads "transferred"). The first
 * four are ordered; the endings (`not_accepted`, `duplicate`, `returned`) and `objection` rank with
 * `concluded`; `transferred` (sent up) and `handed_down` (sent down) stand outside the order: the receiving
 * organ starts again from `received`. `handed_down_followed` (已交由下级办理，上级机关督办, issue 17) is never
 * stored: the follow-up page shows it while a report's lead is handed down to a lower organ under the higher
 * organ's follow-up and the report itself has not ended (src/lib/server/leads/handdown-status.ts).
 */
export const PUBLIC_STATUSES = [
	'received',
	'accepted',
	'handling',
	'concluded',
	'transferred',
	'handed_down',
	'handed_down_followed',
	'not_accepted',
	'duplicate',
	'returned',
	'objection'
] as const;
export type PublicStatus = (typeof PUBLIC_STATUSES)[number];

const PUBLIC_RANK: Record<PublicStatus, number | null> = {
	received: 0,
	accepted: 1,
	handling: 2,
	concluded: 3,
	not_accepted: 3,
	duplicate: 3,
	returned: 3,
	objection: 3,
	transferred: null,
	handed_down: null,
	handed_down_followed: null
};

/** Rank of an ordered public status (received < accepted < handling < the endings); null for a move. */
export function publicRank(status: PublicStatus): number | null {
	return PUBLIC_RANK[status];
}

/** Who wrote a message of the conversation between the reporter and the staff. */
export const MESSAGE_AUTHORS = ['reporter', 'staff'] as const;
export type MessageAuthor = (typeof MESSAGE_AUTHORS)[number];
