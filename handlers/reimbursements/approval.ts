import { parseRecordNumber } from '../../src/core/numbering.ts';
import { allowed, denied, type Verdict } from '../../src/core/roles.ts';
import { isSubject, ownCaseRefusal } from '../../src/core/subject.ts';
import type { Role } from '../../src/core/types.ts';
import type { ClaimStatus } from './models.ts';
import { CLAUSE, decidedForAnotherDepartment, type RuleMessage } from './rules.ts';

/*
 * §3.5.1 the approval chain as pure functions: which steps a claim goes through, who may decide
 * the current one, where a decision leads. The handlers read the claim, ask these, then transition().
 */

export type StepKey = 'ga_special' | 'ga_review' | 'finance_check' | 'chairman_special' | 'chairman_approve' | 'payout';

export interface StepPlan {
  key: StepKey;
  role: Role;
  label: string;
}

export const STEP_LABELS: Record<StepKey, string> = {
  ga_special: '综合部特批（§3.5.2）',
  ga_review: '综合部审核',
  finance_check: '财务部审查',
  chairman_special: '董事长批示',
  chairman_approve: '董事长批准',
  payout: '财务部发放',
};

/**
 * §3.5.1 / §3.5.3: 综合部 review → 财务部 legality check → 董事长 approval → 财务部 pays out, with the
 * explicit extra decisions the flags call for: 综合部's special approval (§3.5.2) before its review,
 * the chairman's special instruction (§3.5.4) before his approval.
 */
export function planSteps(flags: readonly RuleMessage[]): StepPlan[] {
  const has = (code: string) => flags.some((f) => f.code === code);
  const keys: StepKey[] = [
    ...(has('special_transport') ? (['ga_special'] as const) : []),
    'ga_review',
    'finance_check',
    ...(has('over_three_months') || has('large_total') ? (['chairman_special'] as const) : []),
    'chairman_approve',
    'payout',
  ];
  const roles: Record<StepKey, Role> = {
    ga_special: 'general_affairs',
    ga_review: 'general_affairs',
    finance_check: 'finance',
    chairman_special: 'chairman',
    chairman_approve: 'chairman',
    payout: 'finance',
  };
  return keys.map((key) => ({ key, role: roles[key], label: STEP_LABELS[key] }));
}

export type { ClaimStatus };

export interface ChainState {
  status: ClaimStatus;
  stepIndex: number;
  steps: readonly { key: string; role: string; by?: string | null; label?: string }[];
}

export type Decision = 'approve' | 'reject' | 'pay';

/** §3.5.1: where a decision on the current step leads — the next step, paid, or the end of the claim. */
export function nextStep(
  state: ChainState,
  decision: Decision,
): { status: ClaimStatus; stepIndex: number; role: string | null } {
  if (decision === 'reject') return { status: 'rejected', stepIndex: state.stepIndex, role: null };
  const last = state.stepIndex >= state.steps.length - 1;
  if (last) return { status: 'paid', stepIndex: state.stepIndex, role: null };
  const next = state.steps[state.stepIndex + 1]!;
  return { status: 'pending', stepIndex: state.stepIndex + 1, role: next.role };
}

export interface Actor {
  staffId?: string;
  roles: ReadonlySet<Role>;
}

/**
 * §3.5.1: only the role of the current step may decide, and nobody decides on their own claim.
 * The payout step takes a payment (date and method), not an approval; it is not rejected.
 */
export function mayDecide(
  claim: ChainState & { claimantId: string; _id: string; companionChecks?: readonly { staffId?: string | null }[] },
  actor: Actor,
  decision: Decision,
): Verdict {
  if (claim.status !== 'pending') return denied(`报销单 ${claim._id} 已${STATUS_LABELS[claim.status]}，不能再操作。`);
  const step = claim.steps[claim.stepIndex]!;
  const label = STEP_LABELS[step.key as StepKey] ?? step.key;
  if (!actor.roles.has(step.role as Role)) {
    return denied(
      `报销单 ${claim._id} 当前在「${label}」，需要${ROLE_NAMES[step.role] ?? step.role}处理，你没有这一步的权限。`,
    );
  }
  // #20 one rule everywhere: the claimant is the subject of the claim, at every step (payout too)
  if (isSubject(actor.staffId, [claim.claimantId])) {
    return denied(
      `${CLAUSE.chain} ${ownCaseRefusal({ as: `报销单 ${claim._id} 的申请人`, doing: '审批自己的报销单', instead: `其他${ROLE_NAMES[step.role] ?? ''}人员` })}`,
    );
  }
  // a staff companion (§3.5.3 同行) had their ticket claimed on it: as much a subject as the claimant
  if (isSubject(actor.staffId, claim.companionChecks ?? [])) {
    return denied(
      `${CLAUSE.receipts} ${ownCaseRefusal({ as: `报销单 ${claim._id} 写明的同行人`, doing: '审批这张报销单', instead: `其他${ROLE_NAMES[step.role] ?? ''}人员` })}`,
    );
  }
  const earlier = decidedForAnotherDepartment(claim.steps, claim.stepIndex, actor.staffId);
  if (earlier) {
    const before = STEP_LABELS[earlier.key as StepKey] ?? earlier.key;
    return denied(
      `${CLAUSE.chain} 你已在「${before}」审批过报销单 ${claim._id}，同一人不能再审批「${label}」，需由其他${ROLE_NAMES[step.role] ?? ''}人员处理。`,
    );
  }
  if (step.key === 'payout' && decision !== 'pay') {
    return denied(
      decision === 'reject'
        ? `报销单 ${claim._id} 已经董事长批准，只待发放，不能驳回。有问题请与董事长沟通。`
        : `报销单 ${claim._id} 待发放，请发送：发放 ${claim._id} 付款方式 [付款日期]，例如：发放 ${claim._id} 银行转账`,
    );
  }
  if (step.key !== 'payout' && decision === 'pay') {
    return denied(`报销单 ${claim._id} 还在「${label}」，审批完成后才能发放。`);
  }
  return allowed;
}

/** A rejection ends the claim, so it needs a reason the claimant can act on. */
export function rejectionReasonProblem(reason: string | undefined): string | undefined {
  const r = (reason ?? '').trim();
  if (r.length < 2) return '驳回必须写明原因（至少 2 个字），申请人才知道怎么改。';
  if (r.length > 200) return '驳回原因请控制在 200 字以内。';
  return undefined;
}

/** §3.5.1: the claimant may withdraw while nobody has decided yet. */
export function mayWithdraw(
  claim: ChainState & { claimantId: string; _id: string; decided: boolean },
  actor: Actor,
): Verdict {
  if (actor.staffId !== claim.claimantId) return denied(`只有申请人本人可以撤回报销单 ${claim._id}。`);
  if (claim.status !== 'pending') return denied(`报销单 ${claim._id} 已${STATUS_LABELS[claim.status]}，不能撤回。`);
  if (claim.decided) return denied(`报销单 ${claim._id} 已有人审批，不能撤回了；如需修改请联系当前审批人驳回。`);
  return allowed;
}

export const STATUS_LABELS: Record<ClaimStatus, string> = {
  pending: '审批中',
  paid: '发放',
  rejected: '驳回',
  withdrawn: '撤回',
};

const ROLE_NAMES: Record<string, string> = { general_affairs: '综合部', finance: '财务部', chairman: '董事长' };

/** The BX-20261127-001 in a message (src/core/numbering.ts), typed in any case and with full-width dashes already folded. */
export function parseClaimNo(text: string): string | undefined {
  return parseRecordNumber('BX', text)?.number;
}
