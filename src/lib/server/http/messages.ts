/**
 * The one table of error messages of every JSON endpoint (public API, reporter API, staff API), with the
 * status each code answers with unless a refusal says otherwise. Merged from the four tables that grew
 * apart (org/api.ts, reports/http.ts, backoffice/http.ts, keys/api.ts); the texts are the ones the docs and
 * tests know. Parameter errors of the query endpoints say which parameter and what it takes
 * (PARAMETER_MESSAGES); a refusal may also carry its own message (routing's explanation of a unit it
 * cannot route). See ./result.ts for how a refusal becomes an answer.
 */
import type { Bilingual } from '$lib/shared/bilingual';
import type { ErrorCode } from '$lib/shared/errors';
import { REPORT_KINDS } from '$lib/shared/vocabulary/report';
import { REASON_LABELS } from '$lib/server/workflow/vocabulary';

/** The statuses an error answer may have. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 411 | 413 | 415 | 429;

/** Every error code's message. */
export const MESSAGES = {
	// Request plumbing and the reporter's API (docs/reporting.md).
	invalid_json: { zh: '请求内容不是有效的 JSON。', en: 'The request body is not valid JSON.' },
	unsupported_media_type: { zh: '请求的内容类型不对。', en: 'The request has the wrong content type.' },
	body_too_large: { zh: '请求内容太大。', en: 'The request body is too large.' },
	length_required: { zh: '请求缺少 Content-Length。', en: 'The request needs a Content-Length header.' },
	invalid_field: { zh: '请求中的某个字段缺失或格式不对。', en: 'A field of the request is missing or malformed.' },
	unsupported_version: {
		zh: '不支持这个版本的提交格式，请刷新页面后重试。',
		en: 'This submission format version is not supported. Reload the page and try again.'
	},
	pow_required: { zh: '缺少工作量证明。', en: 'A proof of work is required.' },
	pow_invalid: { zh: '工作量证明无效，请重新获取。', en: 'The proof of work is not valid. Fetch a new challenge.' },
	pow_expired: { zh: '工作量证明已过期，请重新获取。', en: 'The proof of work has expired. Fetch a new challenge.' },
	pow_replayed: {
		zh: '这个工作量证明已经用过了，请重新获取。',
		en: 'This proof of work was already used. Fetch a new challenge.'
	},
	too_many_files: { zh: '附件太多。', en: 'Too many files.' },
	file_too_large: { zh: '有附件太大。', en: 'A file is too large.' },
	report_too_large: { zh: '附件总量太大。', en: 'The files are too large in total.' },
	rate_limited: { zh: '请求太频繁，请稍后再试。', en: 'Too many requests. Try again later.' },
	unknown_intake: {
		zh: '上传已过期或不存在，请重新提交。',
		en: 'This upload has expired or does not exist. Submit again.'
	},
	bad_part: { zh: '上传的分段编号或长度不对。', en: 'The uploaded part has a wrong number or length.' },
	incomplete_upload: { zh: '还有附件分段没有上传完。', en: 'Some parts of the files have not been uploaded yet.' },
	unknown_unit: { zh: '目录中找不到这个单位。', en: 'This unit is not in the directory.' },
	no_receiving_organ: {
		zh: '目录中还没有负责这个单位的纪检监察机关。',
		en: 'No discipline organ in the directory covers this unit yet.'
	},
	routing_changed: {
		zh: '接收机关已经变化，请重新查看接收机关后再提交。',
		en: 'The receiving organ has changed. Check where the report goes and submit again.'
	},
	no_recipients: {
		zh: '目前没有工作人员能接收这份举报，请稍后再试。',
		en: 'No staff member can receive this report at the moment. Try again later.'
	},
	recipients_changed: {
		zh: '接收人员的密钥已经变化，请重新加密后提交。',
		en: 'The recipients’ keys have changed. Encrypt again and resubmit.'
	},
	bad_content: { zh: '举报内容的密文格式不对。', en: 'The report content ciphertext is malformed.' },
	weak_kdf: { zh: '查询密码的密钥派生参数太弱。', en: 'The receipt key-derivation parameters are too weak.' },
	locator_taken: { zh: '查询码已被占用，请重新生成回执。', en: 'This locator is taken. Make a new receipt.' },
	receipt_not_recognised: { zh: '查询码或查询密码不对。', en: 'The locator or the receipt secret is not right.' },
	too_many_messages: {
		zh: '这件举报今天补充的留言已达上限，请明天再发；如情况紧急，请拨打 12388 举报电话。',
		en: 'This report has had as many follow-up messages as allowed for now. Send more tomorrow, or call 12388 if it is urgent.'
	},
	token_invalid: {
		zh: '查询已过期，请重新输入查询码和查询密码。',
		en: 'Your session has expired. Enter the locator and secret again.'
	},
	not_found: { zh: '没有找到。', en: 'Not found.' },
	not_acknowledged: {
		zh: '受理机关还没有登记这份举报。登记后，您就可以在这里获取“已报告证明”。',
		en: 'The organ has not yet registered this report. Once it has, you can get the proof of having reported here.'
	},
	proof_unavailable: {
		zh: '受理机关还没有开通“已报告证明”。您的查询码和收到日期本身也可以说明您已经举报。',
		en: 'The receiving organ does not issue proofs of having reported yet. Your query code and the date received also show that you reported.'
	},

	// The public query endpoints (docs/api.md); invalid_parameter names its parameter (PARAMETER_MESSAGES).
	invalid_parameter: {
		zh: '请求参数缺失、格式不对或重复。',
		en: 'A parameter is missing, malformed or given twice.'
	},
	unknown_organ: { zh: '没有这个纪检监察机关。', en: 'There is no organ with this id.' },
	no_root_key: {
		zh: '本系统尚未生成根签名密钥，暂时无法加密举报。',
		en: 'This system has no root signing key yet, so reports cannot be encrypted.'
	},

	// The staff API (docs/backoffice.md).
	unauthenticated: { zh: '请先登录并完成双重验证。', en: 'Sign in with both factors first.' },
	forbidden: { zh: '您无权执行此操作。', en: 'You may not do this.' },
	bad_origin: { zh: '请求来源不对。', en: 'The request comes from another origin.' },
	bad_staff: { zh: '这位工作人员不能承办或查看这份举报。', en: 'This staff member cannot handle or see this report.' },
	bad_grant: {
		zh: '授权无效：密钥目录条目不属于这位工作人员、已失效，或此人须回避。',
		en: 'Invalid grant: the directory entry is not this member’s, no longer valid, or the member has a conflict.'
	},
	already_granted: { zh: '这位工作人员已经可以查看这份举报。', en: 'This staff member can already see this report.' },
	bad_link: { zh: '找不到可关联的举报。', en: 'No report to link was found.' },
	needs_wraps: {
		zh: '须附上为接收机关加密的报告密钥。',
		en: 'The report key sealed for the receiving organ is required.'
	},
	bad_wraps: {
		zh: '报告密钥没有为接收机关的有效接收人加密。',
		en: 'The report key is not sealed for valid recipients of the receiving organ.'
	},
	wraps_stale: {
		zh: '接收机关的接收人已变化，请撤回申请后重新提交。',
		en: 'The receiving organ’s recipients have changed. Withdraw the request and ask again.'
	},
	bad_target_organ: {
		zh: '接收机关必须是本机关的上级或下级机关。',
		en: 'The receiving organ must be above or below the current organ.'
	},

	// Why the workflow refused an action: its own labels (src/lib/server/workflow/vocabulary.ts).
	...REASON_LABELS
} as const satisfies Record<ErrorCode, Bilingual>;

/** The status of each code (a refusal may name another, e.g. 400 for a part that is too long). */
export const DEFAULT_STATUS = {
	invalid_json: 400,
	unsupported_media_type: 415,
	body_too_large: 413,
	length_required: 411,
	invalid_field: 400,
	unsupported_version: 400,
	pow_required: 400,
	pow_invalid: 400,
	pow_expired: 400,
	pow_replayed: 400,
	too_many_files: 400,
	file_too_large: 413,
	report_too_large: 413,
	rate_limited: 429,
	unknown_intake: 404,
	bad_part: 400,
	incomplete_upload: 409,
	unknown_unit: 400,
	no_receiving_organ: 409,
	routing_changed: 409,
	no_recipients: 409,
	recipients_changed: 409,
	bad_content: 400,
	weak_kdf: 400,
	locator_taken: 409,
	receipt_not_recognised: 403,
	too_many_messages: 429,
	token_invalid: 401,
	not_found: 404,
	not_acknowledged: 409,
	proof_unavailable: 409,
	invalid_parameter: 400,
	unknown_organ: 400,
	no_root_key: 409,
	unauthenticated: 401,
	forbidden: 403,
	bad_origin: 403,
	bad_staff: 400,
	bad_grant: 400,
	already_granted: 409,
	bad_link: 400,
	needs_wraps: 400,
	bad_wraps: 400,
	wraps_stale: 409,
	bad_target_organ: 400,
	// Workflow refusals: 403 for the role, 409 for the state of the case, 400 for the inputs.
	forbidden_role: 403,
	not_from_this_state: 409,
	self_approval: 409,
	not_requester: 409,
	not_real_name: 409,
	already_done: 409,
	forbidden_duty: 403,
	investigator_reviews: 409,
	form_mismatch: 400,
	needs_decision: 400,
	needs_study: 409,
	needs_committee_report: 400,
	bad_case_state: 409,
	unknown_state: 409,
	unknown_action: 400,
	bad_date: 400,
	needs_note: 400,
	needs_outcome: 400,
	bad_outcome: 400,
	needs_target: 400,
	bad_target: 400
} as const satisfies Record<ErrorCode, ErrorStatus>;

/**
 * What each query parameter of the public endpoints takes, said when it is missing, malformed or repeated
 * (`invalid_parameter` with `field`), keyed `endpoint.parameter`.
 */
export const PARAMETER_MESSAGES = {
	'units.q': {
		zh: '请用参数 q 提供搜索词：单位名称的一部分、拼音或拼音首字母，1 到 50 个字符，不含控制字符。',
		en: 'Give the search term in parameter q: part of a unit name, its pinyin or pinyin initials, 1 to 50 characters, no control characters.'
	},
	'units.id': {
		zh: '参数 id 必须是单位编号（1 到 100 个字母、数字或 _.:- ）。',
		en: 'Parameter id must be a unit id (1 to 100 letters, digits or _.:-).'
	},
	'units.limit': {
		zh: '参数 limit 必须是 1 到 50 之间的整数。',
		en: 'Parameter limit must be a whole number from 1 to 50.'
	},
	'routing.unit': {
		zh: '请用参数 unit 提供单位编号（单位搜索结果中的 id）。',
		en: 'Give the unit id (the id from a unit search result) in parameter unit.'
	},
	'routing.position': {
		zh: '参数 position 必须是 top_leader（一把手）、team_member（领导班子成员）或 other_staff（其他干部）。',
		en: 'Parameter position must be top_leader, team_member or other_staff.'
	},
	'routing.kind': {
		zh: `参数 kind 必须是以下之一：${REPORT_KINDS.join('、')}。`,
		en: `Parameter kind must be one of ${REPORT_KINDS.join(', ')}.`
	},
	'routing.escalate': { zh: '参数 escalate 必须是 0 或 1。', en: 'Parameter escalate must be 0 or 1.' },
	'directory.organ': {
		zh: '请用参数 organ 提供纪检监察机关编号（路由结果中的 id）。',
		en: 'Give the organ id (the id from a routing answer) in parameter organ.'
	},
	'directory.unit': {
		zh: '参数 unit 必须是单位编号（单位搜索结果中的 id），且只能给一次。',
		en: 'Parameter unit must be a unit id (the id from a unit search result), given once.'
	}
} as const satisfies Record<string, Bilingual>;
export type ParameterKey = keyof typeof PARAMETER_MESSAGES;
