import { parseRecordNumber } from '../../src/core/numbering.ts';
import { allowed, denied, type Verdict } from '../../src/core/roles.ts';
import { notOwnCase } from '../../src/core/subject.ts';
import { parseYesNo } from '../../src/core/text.ts';
import type { Role } from '../../src/core/types.ts';
import type { Category, ComplaintStatus } from './models.ts';
import { type FollowUpState, nextFollowUp, planDone } from './timing.ts';

export {
  type DueWork,
  deadlinesFor,
  dueWork,
  followUpPlan,
  nextCheckAt,
  nextFollowUp,
  planDone,
  type TimeLimits,
  timeLimitFor,
  toldOnProblem,
  UNRESOLVED,
} from './timing.ts';

/*
 * The rulebook's complaint rules (Ch.10 III, 客户投诉管理制度) as pure functions, named after their
 * clause. No I/O: handlers read the record, ask these, then change it with transition().
 */

export const CATEGORY_LABELS: Record<Category, string> = {
  general: '一般性投诉',
  fee_deduction: '扣服务费性投诉',
  unjustified: '非正当理由投诉',
};

/** §2 the categories as staff type and press them (buttons, commands). */
export const CATEGORY_SHORT: Record<Category, string> = {
  general: '一般性',
  fee_deduction: '扣服务费',
  unjustified: '非正当理由',
};

export const STATUS_LABELS: Record<ComplaintStatus, string> = {
  unconfirmed: '待客服确认',
  registered: '待人防部调查',
  investigated: '待客服部处理',
  decided: '待告知客户结果',
  following_up: '回访中',
  closed: '已结案',
};

/** §2: a category named exactly by one of the words people use for it (lists use only these). */
export function categoryFromExactWords(text: string): Category | undefined {
  const t = text.replace(/\s+/g, '').toLowerCase();
  if (/^(1|一般|一般性|一般性投诉|一般投诉|普通|general)$/.test(t)) return 'general';
  if (/^(2|扣费|扣款|扣服务费|扣服务费性|扣服务费性投诉|扣费投诉|扣款投诉|fee|fee_deduction)$/.test(t))
    return 'fee_deduction';
  if (/^(3|非正当|非正当理由|非正当理由投诉|无理|无理投诉|恶意投诉|不合理|unjustified)$/.test(t)) return 'unjustified';
  return undefined;
}

/** §2: the three categories, from the words people actually type in the 分类 field. */
export function categoryFromWords(text: string): Category | undefined {
  const t = text.replace(/\s+/g, '').toLowerCase();
  if (!t) return undefined;
  const exact = categoryFromExactWords(t);
  if (exact) return exact;
  if (t.includes('扣')) return 'fee_deduction';
  if (t.includes('非正当') || t.includes('无理')) return 'unjustified';
  if (t.includes('一般')) return 'general';
  return undefined;
}

export const CATEGORY_HINT = '分类请填：一般性 / 扣服务费 / 非正当理由（也可回复 1 / 2 / 3）';

/** Who the case waits on at each stage (§3.1, §3.2). */
export function waitingOn(status: ComplaintStatus): Role[] {
  if (status === 'unconfirmed') return ['customer_service'];
  if (status === 'registered') return ['guard_ops'];
  if (status === 'investigated' || status === 'decided' || status === 'following_up') return ['customer_service'];
  return [];
}

/** Departments that read complaint records. */
export const VIEWERS: Role[] = ['customer_service', 'guard_ops', 'team_leader', 'admin', 'chairman', 'general_affairs'];

/** §4.1: customer service accepts complaints; team leaders hear them on site and register them too. */
export const REGISTRARS: Role[] = ['customer_service', 'team_leader'];

export type { Verdict };

const ok: Verdict = allowed;
const no = denied;

export type Has = (role: Role) => boolean;
interface SubjectState {
  _id?: string;
  responsible?: readonly { staffId: string }[] | null;
  earlierRounds?: readonly { responsible?: readonly { staffId: string }[] | null }[] | null;
}
export interface CaseState extends SubjectState {
  status: ComplaintStatus;
  clientToldAt?: Date | null;
  appeal?: { status?: string | null; by?: { staffId: string } | null } | null;
  category?: string;
  measuresDue?: boolean | null;
  approval?: { status?: string | null; what?: string | null } | null;
}

/**
 * #20 nobody acts on a case in which they are the subject: here, whoever an investigation named
 * responsible (责任队员 / 责任队长), in this round or an earlier one of a reopened case.
 */
export function complaintSubjects(c: SubjectState): string[] {
  return [...(c.responsible ?? []), ...(c.earlierRounds ?? []).flatMap((r) => r.responsible ?? [])].map(
    (r) => r.staffId,
  );
}

/** The refusal for a subject of the case; `instead` names who must act. */
export function notOwnComplaint(c: SubjectState, me: string | undefined, instead: string): Verdict {
  return notOwnCase(me, complaintSubjects(c), { as: `投诉${c._id ? ` ${c._id} ` : ''}的责任人`, instead });
}

/** §4.2: the registrant (or any 客服部/队长) confirms the client was told it is being handled. */
export function canConfirmClientTold(c: CaseState, has: Has, me?: string): Verdict {
  if (!REGISTRARS.some(has)) return no('只有客服部或队长可以确认已告知客户。');
  const mine = notOwnComplaint(c, me, '其他客服部人员或队长');
  if (!mine.ok) return mine;
  if (c.clientToldAt) return no('已经确认过告知客户。');
  if (c.status === 'closed') return no('这件投诉已结案。');
  return ok;
}

/** §3.2: 人防部 investigates a newly registered (or reopened) complaint. */
export function canInvestigate(c: CaseState, has: Has, me?: string): Verdict {
  if (!has('guard_ops')) return no('只有人防部可以记录调查结果。');
  const mine = notOwnComplaint(c, me, '其他人防部人员');
  if (!mine.ok) return mine;
  if (c.status === 'unconfirmed') return no('这件投诉还在等客服部确认受理（§4.1），确认后人防部再调查。');
  if (c.status !== 'registered') return no(`这件投诉现在${STATUS_LABELS[c.status]}，不需要再记录调查。`);
  return ok;
}

/** §3.1.5: customer service decides handling and responsibility once 人防部 has investigated. */
export function canDecide(c: CaseState, has: Has, me?: string): Verdict {
  if (!has('customer_service')) return no('只有客服部可以拟定处理方式。');
  const mine = notOwnComplaint(c, me, '其他客服部人员');
  if (!mine.ok) return mine;
  if (c.status === 'unconfirmed') return no('这件投诉还没有确认受理（§4.1），请先确认，人防部调查后再拟定处理。');
  if (c.status === 'registered') return no('人防部还没有调查，请等调查结果。');
  if (c.status !== 'investigated') return no(`这件投诉现在${STATUS_LABELS[c.status]}，处理方式已拟定。`);
  return ok;
}

/** §3.1.6: whether the improvement plan worked, confirmed by customer service after the decision. */
export function canConfirmEffect(c: CaseState, has: Has, me?: string): Verdict {
  if (!has('customer_service')) return no('只有客服部可以确认改善效果。');
  const mine = notOwnComplaint(c, me, '其他客服部人员');
  if (!mine.ok) return mine;
  if (!['decided', 'following_up'].includes(c.status))
    return no(`这件投诉现在${STATUS_LABELS[c.status]}，不能确认改善效果。`);
  if (c.measuresDue) return no('上次改善效果为无效，人防部还没有提出新的改善对策，提出后再确认效果（§3.1.6）。');
  return ok;
}

/** §3.1.6 / §3.2.2: after an effect marked 无效, 人防部 proposes new measures. */
export function canProposeMeasures(c: CaseState, has: Has, me?: string): Verdict {
  if (!has('guard_ops')) return no('只有人防部可以提出新的改善对策。');
  const mine = notOwnComplaint(c, me, '其他人防部人员');
  if (!mine.ok) return mine;
  if (!c.measuresDue) return no('这件投诉没有等待新改善对策（只有改善效果被确认为无效后才需要）。');
  return ok;
}

interface ClosingState {
  effect?: { effective?: boolean | null } | null;
  measuresDue?: boolean | null;
  followUps: readonly (FollowUpState & { outcome?: string | null })[];
  clientToldAt?: Date | null;
}

/**
 * §3.1.6 + §3.1.10: a case closes only when the follow-up plan is done, the improvement's effect is
 * confirmed 有效, and the last follow-up found the client satisfied; §4.2 「投诉后，必须明确告知客户」:
 * and only once the client being told it is handled is on record (已告知). Otherwise: what is missing.
 */
export function closingBlocker(c: ClosingState): 'followups' | 'effect' | 'unsatisfied' | 'told' | undefined {
  if (!planDone(c.followUps)) return 'followups';
  if (c.measuresDue || c.effect?.effective !== true) return 'effect';
  const last = [...c.followUps].reverse().find((f) => f.doneAt);
  if (last?.outcome === '不满意') return 'unsatisfied';
  if (!c.clientToldAt) return 'told';
  return undefined;
}

/** §3.1.10: one more follow-up, when the plan is done and the client was not satisfied (or the effect is open). */
export function canPlanFollowUp(
  c: CaseState & { followUps: readonly FollowUpState[] },
  has: Has,
  me?: string,
): Verdict {
  if (!has('customer_service')) return no('只有客服部可以安排回访。');
  const mine = notOwnComplaint(c, me, '其他客服部人员');
  if (!mine.ok) return mine;
  if (c.status !== 'following_up') return no('这件投诉不在回访中，不需要再安排回访。');
  if (nextFollowUp(c.followUps)) return no('回访计划里还有未做的回访，先完成它。');
  return ok;
}

/** §3.1.10: a follow-up logged before its planned day needs a reason on the record. */
export function isEarly(dueAt: Date, now: Date): boolean {
  return new Date(dueAt).getTime() > now.getTime();
}

/** §3.1.9: the result is told to the client after the decision, not while a 签呈 is pending (§4.5). */
export function canTellResult(c: CaseState, has: Has, me?: string): Verdict {
  if (!has('customer_service')) return no('只有客服部可以记录告知客户的结果。');
  const mine = notOwnComplaint(c, me, '其他客服部人员');
  if (!mine.ok) return mine;
  if (c.status !== 'decided')
    return no(
      c.status === 'following_up' || c.status === 'closed'
        ? '结果已经告知过客户。'
        : `这件投诉现在${STATUS_LABELS[c.status]}，还不能告知结果。`,
    );
  if (c.appeal?.status === 'pending') return no('有签呈正在等待决定，决定后再告知客户。');
  // §4.4: a handling that commits money holds only once the chairman confirmed it (authority-rules.ts)
  if (c.approval?.status === 'pending')
    return no(
      `处理方式涉及金额（${c.approval.what ?? ''}），须董事长核准后才能告知客户（§4.4）。已报董事长，核准后会通知你。`,
    );
  return ok;
}

/** §3.1.10: customer service logs follow-up calls while the plan runs. */
export function canFollowUp(c: CaseState & { followUps?: readonly FollowUpState[] }, has: Has, me?: string): Verdict {
  if (!has('customer_service')) return no('只有客服部可以记录回访。');
  const mine = notOwnComplaint(c, me, '其他客服部人员');
  if (!mine.ok) return mine;
  if (c.status !== 'following_up')
    return no(c.status === 'closed' ? '这件投诉已结案，回访已完成。' : '还没有告知客户结果，回访计划尚未开始。');
  if (c.followUps && !nextFollowUp(c.followUps))
    return no('回访计划已做完。如需再回访，请先点「再安排回访」或发送「再次回访 编号」。');
  return ok;
}

/**
 * §4.5 各部门…有异议时得以「签呈」: any department's staff may file one against the decision
 * (the route is open to all bound staff).
 */
export const APPEALERS = 'staff' as const;
export function canAppeal(c: CaseState): Verdict {
  if (!['decided', 'following_up'].includes(c.status)) return no('处理决议拟定后才能提出签呈。');
  if (c.appeal?.status === 'pending') return no('已经有一份签呈在等待决定。');
  return ok;
}

/**
 * §4.5: 行政部 or 董事长 decides a pending 签呈 — never the person who filed it, nor anyone the
 * investigation named responsible (nobody rules on their own case).
 */
export function canRule(c: CaseState, has: Has, me?: string): Verdict {
  if (!has('admin') && !has('chairman')) return no('只有行政部或董事长可以决定签呈。');
  if (c.appeal?.status !== 'pending') return no('这件投诉没有待决定的签呈。');
  if (me && c.appeal.by?.staffId === me)
    return no('签呈是你提出的，不能由你自己决定（§4.5），请由其他行政部人员或董事长决定。');
  return notOwnComplaint(c, me, '其他行政部人员或董事长');
}

/**
 * A closed complaint — or one whose follow-ups are all done while the client is still not satisfied
 * (§3.1.10) — can be reopened with a reason: it goes back to 人防部 for a new round.
 */
export function canReopen(c: CaseState & { followUps?: readonly FollowUpState[] }, has: Has, me?: string): Verdict {
  if (!has('customer_service') && !has('admin')) return no('只有客服部或行政部可以重开投诉。');
  const mine = notOwnComplaint(c, me, '其他客服部或行政部人员');
  if (!mine.ok) return mine;
  const stalled = c.status === 'following_up' && !!c.followUps && !nextFollowUp(c.followUps);
  if (c.status !== 'closed' && !stalled) return no('只有已结案（或回访已做完、客户仍不满意）的投诉可以重开。');
  return ok;
}

/** §2.2: a 扣服务费 decision records the amount and the month deducted. */
export function needsDeduction(category: string): boolean {
  return category === 'fee_deduction';
}

/** 受理编号 as people type it: TS-20261127-003, ts20261127003, 20261127-3 (src/core/numbering.ts). */
export function parseComplaintNumber(text: string): string | undefined {
  return parseRecordNumber('TS', text)?.number;
}

/** 有效/无效, 满意/不满意 and friends. */
export const parseEffective = (t: string) =>
  parseYesNo(t, /^(有效|见效|好|是|改善了|已改善)$/, /^(无效|没效果|不好|否|未改善|没有改善)$/);
export const parseSatisfied = (t: string) => parseYesNo(t, /^(满意|非常满意|基本满意|好|是)$/, /^(不满意|不好|否|差)$/);
export const parseReasonable = (t: string) => parseYesNo(t, /^(合理|是|有理)$/, /^(不合理|否|无理)$/);
