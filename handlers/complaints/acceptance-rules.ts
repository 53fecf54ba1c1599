import { allowed, denied, type Verdict } from '../../src/core/roles.ts';
import type { Role } from '../../src/core/types.ts';
import type { ComplaintStatus } from './models.ts';
import { type CaseState, type Has, notOwnComplaint, STATUS_LABELS } from './rules.ts';

/*
 * §4.1 acceptance and §2 the category, as pure functions (rules.ts holds the rest of Ch.10 III).
 * Only 客服部 accepts a complaint; a registration by anyone else waits for it, and the category is
 * 客服部's to confirm or change — never the registrant's (issue #20).
 */

const ok: Verdict = allowed;
const no = denied;

/**
 * §4.1 客户投诉首先由客户服务部受理…并由客户服务部进行确认签字: only 客服部 accepts. Its own
 * registration is accepted at once; anyone else's waits (`unconfirmed`) for 客服部 to confirm it.
 */
export const ACCEPTORS: Role[] = ['customer_service'];
export function acceptedAtOnce(has: (role: Role) => boolean): boolean {
  return ACCEPTORS.some(has);
}

/** Who registered the case (acceptedBy on cases from before registeredBy was kept). */
function registrantOf(c: {
  registeredBy?: { staffId: string } | null;
  acceptedBy?: { staffId: string } | null;
}): string {
  return c.registeredBy?.staffId ?? c.acceptedBy?.staffId ?? '';
}

/** Statuses in which the category may still change: until the decision is drafted under it. */
export const RECLASSIFIABLE: readonly ComplaintStatus[] = ['unconfirmed', 'registered', 'investigated'];

interface RegisteredState extends CaseState {
  registeredBy?: { staffId: string } | null;
  acceptedBy?: { staffId: string } | null;
}

/** §4.1: 客服部 accepts (确认) a case someone outside 客服部 registered; never the registrant. */
export function canConfirmCase(c: RegisteredState, has: Has, me?: string): Verdict {
  if (!ACCEPTORS.some(has)) return no('只有客服部可以确认受理投诉（§4.1）。');
  if (c.status !== 'unconfirmed')
    return no(
      c.status === 'closed'
        ? '这件投诉已结案。'
        : '这件投诉已经确认受理过了。需要改分类请发「改分类 编号 分类 原因」。',
    );
  if (me && registrantOf(c) === me) return no('这件投诉是你登记的，须由其他客服部人员确认受理（§4.1）。');
  return notOwnComplaint(c, me, '其他客服部人员');
}

/**
 * §2 / §4.1 / §3.1.3: 客服部 changes the category (with a reason) until the decision is drafted;
 * the registrant never, whatever their roles, so a category is always someone else's judgment.
 */
export function canReclassify(c: RegisteredState, has: Has, me?: string): Verdict {
  if (!ACCEPTORS.some(has)) return no('只有客服部可以修改投诉分类（§4.1）。');
  if (me && registrantOf(c) === me) return no('这件投诉是你登记的，分类须由其他客服部人员确认或修改（§4.1）。');
  const mine = notOwnComplaint(c, me, '其他客服部人员');
  if (!mine.ok) return mine;
  if (!RECLASSIFIABLE.includes(c.status))
    return no(`这件投诉现在${STATUS_LABELS[c.status]}，处理方式已按原分类拟定，不能再改分类；有异议请提签呈（§4.5）。`);
  return ok;
}
