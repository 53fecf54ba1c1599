import { allowed, denied, type Verdict } from '../../src/core/roles.ts';
import type { Role } from '../../src/core/types.ts';
import { type CaseState, type Has, notOwnComplaint } from './rules.ts';

/*
 * §4.4 「在处理投诉时，不得超越核决权限与客户做任何处理的答复协议或承诺。有关事项据以书信或电话
 * 转达客户」 as pure functions. The rulebook gives the approval of money to the chairman alone
 * (§3.5.1 「由公司董事长批准后」), so this is the rule the bot holds everyone to:
 *
 *   A promise to a client, or a complaint's handling, that gives the client money or takes less of
 *   it — a fee reduction or waiver, a refund, compensation, something free, a discount, a deduction
 *   of the service fee — is beyond 客服部's and a 队长's authority. It counts as made only once the
 *   董事长 has confirmed it (核准); until then it is not tracked as a promise, and a complaint's
 *   result is not told to the client. The chairman's own promise is within his authority.
 *
 * Used by complaints (the handling decision, the result told) and by clients (the promises of a
 * visit report, II.7) through complaints' api.ts.
 */

/** §4.4 the words that commit the company's money to a client, as staff write them. */
export const MONEY_WORDS = [
  '减免',
  '免收',
  '免单',
  '免费',
  '退款',
  '退费',
  '退钱',
  '退还',
  '返还',
  '赔偿',
  '赔付',
  '赔钱',
  '补偿',
  '扣款',
  '扣费',
  '扣服务费',
  '少收',
  '打折',
  '折扣',
  '优惠',
  '让利',
] as const;

// a word said in the negative promises nothing (不予赔偿, 无需退款, 没有减免, 拒绝退费, 不同意扣款),
// nor one the client asked for (客户要求退款)
const NEGATED = /(不予|不同意|不能|不会|不再|无需|无法|无|没有|未|不|拒绝|拒|要求)$/;
// longer words first, so 扣服务费 is found as one promise and not also as 扣费
const PATTERN = new RegExp([...MONEY_WORDS].sort((a, b) => b.length - a.length).join('|'), 'g');

/** §4.4: each money word promised in `text`, once, in the order written; none said in the negative or asked for. */
export function moneyPromises(text: string): string[] {
  const found: string[] = [];
  for (const m of text.replace(/\s+/g, '').matchAll(PATTERN)) {
    const before = text.replace(/\s+/g, '').slice(Math.max(0, m.index - 3), m.index);
    if (!NEGATED.test(before) && !found.includes(m[0])) found.push(m[0]);
  }
  return found;
}

/** §4.4: who may commit the company's money to a client. */
export const MONEY_APPROVERS: Role[] = ['chairman'];

/** §4.4: a money promise by someone without the authority waits for the chairman; his own does not. */
export function needsChairman(promised: readonly string[], has: Has): boolean {
  return promised.length > 0 && !MONEY_APPROVERS.some(has);
}

/** The refusal a person gets for a promise beyond their authority, naming what it promised. */
export function beyondAuthority(what: string): string {
  return `「${what}」涉及给客户的钱，超出客服部和队长的权限（§4.4 不得超越核决权限承诺），须董事长核准。`;
}

interface ApprovalState extends CaseState {
  approval?: { status?: string | null; what?: string | null } | null;
}

/** §4.4: the 董事长 confirms (or not) a complaint's handling that commits money, once, while it waits. */
export function canApproveHandling(c: ApprovalState, has: Has, me?: string): Verdict {
  if (!MONEY_APPROVERS.some(has)) return denied('只有董事长可以核准涉及金额的处理（§4.4）。');
  if (c.approval?.status !== 'pending')
    return denied(c.approval?.status ? '这件投诉的处理已经核准过了。' : '这件投诉的处理不需要董事长核准。');
  const mine = notOwnComplaint(c, me, '其他董事长');
  return mine.ok ? allowed : mine;
}

interface Person {
  staffId: string;
  name: string;
}

/**
 * §4.4 the approval a handling gets for what it `promised`: none when it commits no money, pending
 * when the one deciding lacks the authority, approved at once when the 董事长 decided it himself.
 */
export function approvalFor(promised: readonly string[], has: Has, by: Person, now: Date) {
  if (!promised.length) return null;
  const own = !needsChairman(promised, has);
  return {
    status: own ? ('approved' as const) : ('pending' as const),
    what: promised.join('、'),
    requestedBy: by,
    requestedAt: now,
    decidedBy: own ? by : null,
    decidedAt: own ? now : null,
    note: own ? '董事长本人拟定' : '',
  };
}

/**
 * §4.4 on the result told: money promised to the client in what was told needs a handling the
 * chairman confirmed. Undefined when it may be recorded.
 */
export function toldBeyondAuthority(content: string, c: ApprovalState, has: Has): string | undefined {
  const words = moneyPromises(content);
  if (!needsChairman(words, has) || c.approval?.status === 'approved') return undefined;
  return `告知内容里有「${words.join('、')}」，但处理方式没有经董事长核准（§4.4）。请按已拟定的处理告知客户；需要给客户减免、赔偿等，请先重新拟定处理或提出签呈，由董事长核准。`;
}
