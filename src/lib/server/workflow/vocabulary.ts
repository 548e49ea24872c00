/**
 * The {zh, en} labels of the report workflow's codes (the codes: src/lib/shared/vocabulary): states with
 * their stage and reporter-visible status, deadlines with their lengths and sources, refusal reasons. Each
 * table is typed `satisfies Record<Code, …>`, so a code without its row fails the type check. Pure data
 * (mirrors taxonomy.json and supervision.md); the transitions between the states are in ./transitions.ts.
 *
 * Source of the procedure: 纪检监察机关处理检举控告工作规则 (2020, "the 2020 rules"), Art. 14–18 and the
 * real-name provisions; see docs/workflow.md.
 */

import type { Bilingual } from '../../shared/bilingual';
import { PUBLIC_STATUSES, publicRank, type PublicStatus } from '../../shared/vocabulary/report';
import {
	DEADLINE_CODES,
	REFUSAL_REASONS,
	STAGES,
	WORKFLOW_STATES,
	type DeadlineCode,
	type RefusalReason,
	type Stage,
	type WorkflowState
} from '../../shared/vocabulary/workflow';

export { PUBLIC_STATUSES, publicRank, type PublicStatus };
export { DEADLINE_CODES, REFUSAL_REASONS, STAGES, WORKFLOW_STATES };
export type { DeadlineCode, RefusalReason, Stage, WorkflowState };

/** A {zh, en} label. */
export type Label = Bilingual;

export const PUBLIC_STATUS_LABELS = {
	received: { zh: '已收到', en: 'Received' },
	accepted: { zh: '已受理', en: 'Accepted' },
	handling: { zh: '办理中', en: 'Being handled' },
	concluded: { zh: '已办结', en: 'Concluded' },
	transferred: { zh: '已转上级', en: 'Sent up' },
	handed_down: { zh: '已交下级', en: 'Handed down' },
	handed_down_followed: { zh: '已交下级办理，上级督办', en: 'Handed down, followed by the higher organ' },
	not_accepted: { zh: '不予受理', en: 'Not accepted' },
	duplicate: { zh: '重复反映', en: 'Duplicate' },
	returned: { zh: '内容不具体', en: 'Returned' },
	objection: { zh: '异议答复中', en: 'Objection' }
} as const satisfies Record<PublicStatus, Label>;

export interface StateInfo extends Label {
	/** What the reporter sees while the report is in this state. */
	readonly public: PublicStatus;
	readonly stage: Stage;
}

/**
 * Every state a report can be in, for the organ that holds it (caseState.organId). The declaration order is
 * the order of the procedure and of docs/workflow.md.
 */
export const STATE_INFO = {
	received: { zh: '已接收', en: 'Received', public: 'received', stage: 'intake' },
	registered: { zh: '已登记', en: 'Registered', public: 'received', stage: 'intake' },
	up_requested: {
		zh: '拟上报上级机关（待审批）',
		en: 'To be sent to the higher organ (awaiting approval)',
		public: 'received',
		stage: 'approval'
	},
	down_requested: {
		zh: '拟转下级机关（待审批）',
		en: 'To be transferred to a lower organ (awaiting approval)',
		public: 'received',
		stage: 'approval'
	},
	out_requested: {
		zh: '拟转有关部门（待审批）',
		en: 'To be referred to the competent agency (awaiting approval)',
		public: 'received',
		stage: 'approval'
	},
	reported_up: {
		zh: '已上报上级机关（待其登记）',
		en: 'Sent to the higher organ (awaiting its registration)',
		public: 'transferred',
		stage: 'elsewhere'
	},
	transferred_down: {
		zh: '已转下级机关（待其登记）',
		en: 'Transferred to a lower organ (awaiting its registration)',
		public: 'handed_down',
		stage: 'elsewhere'
	},
	transferred_out: {
		zh: '不予受理，已转有关部门',
		en: 'Outside scope, referred to the competent agency',
		public: 'not_accepted',
		stage: 'closed'
	},
	duplicate: { zh: '重复件，留存备查', en: 'Duplicate, kept on file', public: 'duplicate', stage: 'closed' },
	no_substance: { zh: '无实质内容，退回', en: 'No substance, returned', public: 'returned', stage: 'closed' },
	accepted: { zh: '已受理', en: 'Accepted', public: 'accepted', stage: 'handling' },
	dispatched: { zh: '已分办，待处置', en: 'Dispatched, disposition pending', public: 'handling', stage: 'handling' },
	inquiry: { zh: '谈话函询中', en: 'Talk or written inquiry under way', public: 'handling', stage: 'handling' },
	inquiry_replied: {
		zh: '函询已回复，待研判',
		en: 'Inquiry answered, decision pending',
		public: 'handling',
		stage: 'handling'
	},
	verification: { zh: '初步核实中', en: 'Preliminary verification under way', public: 'handling', stage: 'handling' },
	verification_reported: {
		zh: '初核已报告，待研判',
		en: 'Verification reported, decision pending',
		public: 'handling',
		stage: 'handling'
	},
	hold_pending: { zh: '暂存待查', en: 'Held pending', public: 'handling', stage: 'handling' },
	close_requested: {
		zh: '拟予以了结（待审批）',
		en: 'To be closed (awaiting approval)',
		public: 'handling',
		stage: 'approval'
	},
	investigation: {
		zh: '立案审查调查',
		en: 'Case filed, under review and investigation',
		public: 'handling',
		stage: 'investigation'
	},
	review: { zh: '案件审理', en: 'Case hearing (审理)', public: 'handling', stage: 'investigation' },
	concluded: { zh: '已办结', en: 'Concluded', public: 'concluded', stage: 'after' },
	objection_pending: { zh: '异议待答复', en: 'Objection awaiting an answer', public: 'objection', stage: 'after' }
} as const satisfies Record<WorkflowState, StateInfo>;

export function isWorkflowState(value: unknown): value is WorkflowState {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(STATE_INFO, value);
}

/** Where a deadline counts from: the day of the action, or the day the current organ received the report. */
export type DeadlineBase = 'action_day' | 'organ_received';

export interface DeadlineInfo extends Label {
	/** Default length in working days; a deployment may change it or switch the deadline off (null). */
	readonly days: number;
	readonly base: DeadlineBase;
	/** Only for real-name reports (实名检举控告). */
	readonly realNameOnly: boolean;
	/** true: a number written in the 2020 rules; false: local practice or a product default (unconfirmed). */
	readonly statutory: boolean;
	readonly source: string;
}

export const DEADLINE_INFO = {
	forward_up: {
		zh: '报送上一级机关',
		en: 'Send to the higher organ',
		days: 5,
		base: 'organ_received',
		realNameOnly: false,
		statutory: true,
		source: '2020 rules Art. 15: 在收到之日起5个工作日内报送上一级纪检监察机关'
	},
	intake_after_transfer: {
		zh: '转送件登记后完成受理或转办',
		en: 'Accept or pass on a transferred report',
		days: 5,
		base: 'action_day',
		realNameOnly: false,
		statutory: true,
		source: '2020 rules Art. 16: 下一级机关…在收到之日起5个工作日内完成受理或者转办'
	},
	acceptance_notice: {
		zh: '告知实名举报人受理情况',
		en: 'Tell the real-name reporter whether the report was accepted',
		days: 15,
		base: 'organ_received',
		realNameOnly: true,
		statutory: true,
		source: '2020 rules, real-name provisions: 收到检举控告之日起15个工作日内告知受理情况（重复件不再告知）'
	},
	result_feedback: {
		zh: '向实名举报人反馈处理结果',
		en: 'Feed the result back to the real-name reporter',
		days: 15,
		base: 'action_day',
		realNameOnly: true,
		statutory: true,
		source: '2020 rules, real-name provisions: 办结之日起15个工作日内反馈'
	},
	inquiry_reply: {
		zh: '函询书面回复',
		en: 'Written reply to the inquiry',
		days: 15,
		base: 'action_day',
		realNameOnly: false,
		statutory: false,
		source: 'local practice (unconfirmed as a national rule)'
	},
	verification: {
		zh: '初步核实',
		en: 'Preliminary verification',
		days: 15,
		base: 'action_day',
		realNameOnly: false,
		statutory: false,
		source: 'local practice (unconfirmed as a national rule)'
	},
	objection_answer: {
		zh: '答复异议',
		en: 'Answer the objection',
		days: 15,
		base: 'action_day',
		realNameOnly: false,
		statutory: false,
		source: 'product default: the rules say objections are recorded and explained, with no time limit'
	},
	disposition_proposal: {
		zh: '提出处置意见',
		en: 'Propose a disposition',
		days: 22,
		base: 'action_day',
		realNameOnly: false,
		statutory: false,
		source: 'local rules: about one month from receiving a lead to proposing its disposition (22 working days)'
	},
	hold_review: {
		zh: '暂存待查线索定期研判',
		en: 'Review a held lead',
		days: 65,
		base: 'action_day',
		realNameOnly: false,
		statutory: false,
		source: 'local practice: held leads (暂存待查) are reviewed periodically; product default about a quarter'
	}
} as const satisfies Record<DeadlineCode, DeadlineInfo>;

/** Why `applyTransition` refused. */
export const REASON_LABELS = {
	unknown_action: { zh: '未知操作', en: 'Unknown action' },
	unknown_state: { zh: '案件状态无效', en: 'The case is in an unknown state' },
	bad_case_state: {
		zh: '案件记录不完整（缺少待审批请求）',
		en: 'The case record is inconsistent (no pending request)'
	},
	forbidden_role: { zh: '您的角色无权执行此操作', en: 'Your role may not do this' },
	not_from_this_state: { zh: '当前环节不能执行此操作', en: 'Not possible at this stage' },
	bad_date: { zh: '日期无效', en: 'Invalid date' },
	needs_note: { zh: '须附理由说明（加密备注）', en: 'A rationale note (encrypted) is required' },
	needs_outcome: { zh: '须填写处理结果', en: 'An outcome is required' },
	bad_outcome: {
		zh: '处理结果不适用于此操作或不在规定清单内',
		en: 'The outcome does not fit this action or is not on the lists'
	},
	needs_target: { zh: '须指定接收机关', en: 'A receiving organ or agency is required' },
	bad_target: { zh: '接收机关不能是本机关', en: 'The receiving organ cannot be the current one' },
	self_approval: { zh: '审批人不能是申请人本人', en: 'The approver must not be the person who asked' },
	not_requester: { zh: '只有申请人本人可以撤回', en: 'Only the person who asked may withdraw the request' },
	not_real_name: { zh: '仅适用于实名举报', en: 'Only for real-name reports' },
	already_done: { zh: '此项已办理', en: 'Already done' },
	forbidden_duty: {
		zh: '按本机关分工，您所在的部门或岗位不能办理此项',
		en: "By the organ's division of duties, your department or role may not do this"
	},
	form_mismatch: {
		zh: '处分与所选的“四种形态”不一致（例如第二种形态不能给予开除党籍）',
		en: 'The sanction does not fit the chosen form (e.g. the second form never carries expulsion)'
	},
	needs_decision: {
		zh: '给予处分须登记处分决定：决定机关、决定日期和文号',
		en: 'A sanction needs its decision: the deciding body, the date and the document number'
	},
	needs_study: {
		zh: '须先经集体排查研究并由领导批准处置意见',
		en: "The disposition needs a collective study approved by the organ's leader first"
	},
	needs_committee_report: {
		zh: '对同级党委管理的干部立案，须登记报同级党委主要负责人的情况：报告日期和报告对象',
		en: "Filing a case against a cadre of the same-level committee needs its report to the committee's main leader: the date and to whom"
	},
	investigator_reviews: {
		zh: '查审分离：本案的调查人员不能参与审理',
		en: 'Investigation and review are separate: an investigator of this case may not review it'
	}
} as const satisfies Record<RefusalReason, Label>;
