/** Shapes of the staff JSON API answers (docs/backoffice.md). */
export interface InboxItem {
	id: string;
	locator: string;
	receivedOn: string;
	unit: { id: string; name: string; regionPath: string } | null;
	position: string;
	kind: string;
	category: string;
	realName: boolean;
	state: string;
	publicStatus: string;
	handler: { id: string; displayName: string } | null;
	nextDue: { code: string; due: string } | null;
	overdue: boolean;
	content: string;
	sealed: string;
}

export interface InboxAnswer {
	items: InboxItem[];
	next: string | null;
	counts: {
		total: number;
		overdue: number;
		dueSoon: number;
		unassigned: number;
		mine: number;
		byState: Record<string, number>;
	};
}

export interface Person {
	id: string;
	displayName: string;
}

export interface FileRef {
	id: string;
	bytes: number;
}

export interface ReportView {
	report: {
		id: string;
		locator: string;
		receivedOn: string;
		unit: { id: string; name: string; regionPath: string } | null;
		position: string;
		kind: string;
		category: string;
		realName: boolean;
		escalate?: boolean;
		organ: { id: string; name: string };
		state: string;
		publicStatus: string;
		disposition: string | null;
		outcome: unknown;
		concludedOn: string | null;
		handler: Person | null;
		content: string;
		sealed: string;
		files: FileRef[];
		flags?: Record<string, boolean>;
		referredTo?: string | null;
	};
	messages: { id: number; author: 'reporter' | 'staff'; sentOn: string; body: string; files: FileRef[] }[];
	notes: { id: number; author: Person | null; at: string; body: string }[];
	events: {
		id: number;
		at: string;
		actor: Person | null;
		action: string;
		fromState: string | null;
		toState: string | null;
		organId: string | null;
		note: string | null;
		outcome: unknown;
	}[];
	deadlines: { code: string; startedOn: string; dueOn: string; metOn: string | null }[];
	pending: {
		action: string;
		requestedBy: Person;
		requestedAt: string;
		target: string | null;
		outcome: unknown;
		note: string | null;
		wraps: number;
	} | null;
	links: { id: string; locator: string; kind: string }[];
	allowedActions: {
		action: string;
		label: { zh: string; en: string };
		to: string | null;
		requires: string[];
		outcome: string | null;
	}[];
	organStaff: { id: string; displayName: string; role: string; canSee: boolean }[];
	grants: { staffId: string; displayName: string; grantedBy: Person | null }[];
	role: 'inspector' | 'head' | null;
}
