import { describe, expect, it } from 'vitest';
import {
  mayDecide,
  mayWithdraw,
  nextStep,
  planSteps,
  rejectionReasonProblem,
} from '../../../handlers/reimbursements/approval.ts';
import type { Role } from '../../../src/core/types.ts';

const actor = (staffId: string, ...roles: Role[]) => ({ staffId, roles: new Set<Role>(roles) });

describe('§3.5.1 the chain', () => {
  const steps = planSteps([]).map((s) => ({ key: s.key, role: s.role }));
  const claim = { _id: 'BX-20261127-001', claimantId: 's-zhang', status: 'pending' as const, stepIndex: 0, steps };

  it('goes 综合部 → 财务部 → 董事长 → 财务部发放, then paid', () => {
    let state = { ...claim };
    const roles: string[] = [state.steps[0]!.role];
    for (let i = 0; i < steps.length - 1; i++) {
      const n = nextStep(state, 'approve');
      state = { ...state, stepIndex: n.stepIndex, status: n.status as 'pending' };
      roles.push(n.role!);
    }
    expect(roles).toEqual(['general_affairs', 'finance', 'chairman', 'finance']);
    expect(nextStep(state, 'pay').status).toBe('paid');
  });

  it('refuses a staff companion named on the claim at any step, as it refuses the claimant (#20, §3.5.3)', () => {
    const group = { ...claim, companionChecks: [{ staffId: 's-wang' }] };
    const v = mayDecide(group, actor('s-wang', 'general_affairs'), 'approve');
    expect(v.ok).toBe(false);
    expect(v.ok ? '' : v.why).toContain('同行人');
    expect(mayDecide(group, actor('s-liu', 'general_affairs'), 'approve')).toEqual({ ok: true });
  });

  it('ends the claim on a rejection', () => {
    expect(nextStep(claim, 'reject')).toEqual({ status: 'rejected', stepIndex: 0, role: null });
  });

  it("lets only the current step's role decide, and nobody on their own claim", () => {
    expect(mayDecide(claim, actor('s-wang', 'general_affairs'), 'approve')).toEqual({ ok: true });
    const wrong = mayDecide(claim, actor('s-li', 'finance'), 'approve');
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.why).toContain('综合部审核');
    const self = mayDecide({ ...claim, claimantId: 's-wang' }, actor('s-wang', 'general_affairs'), 'approve');
    expect(!self.ok && self.why).toContain('不能审批自己');
  });

  it("keeps the departments' checks apart: who decided for one department cannot decide for the next (§3.5.1)", () => {
    const decided = steps.map((st, i) => (i === 0 ? { ...st, by: 's-both' } : st));
    const atFinance = { ...claim, steps: decided, stepIndex: 1 };
    const both = mayDecide(atFinance, actor('s-both', 'general_affairs', 'finance'), 'approve');
    expect(!both.ok && both.why).toContain('同一人不能再审批');
    expect(mayDecide(atFinance, actor('s-li', 'finance'), 'approve')).toEqual({ ok: true });
  });

  it('takes a payment, not an approval, at the payout step', () => {
    const payout = { ...claim, stepIndex: steps.length - 1 };
    expect(mayDecide(payout, actor('s-li', 'finance'), 'approve').ok).toBe(false);
    expect(mayDecide(payout, actor('s-li', 'finance'), 'pay').ok).toBe(true);
    expect(mayDecide(claim, actor('s-wang', 'general_affairs', 'finance'), 'pay').ok).toBe(false);
  });

  it('needs a reason to reject', () => {
    expect(rejectionReasonProblem('')).toContain('原因');
    expect(rejectionReasonProblem('票据缺签字')).toBeUndefined();
  });

  it('lets the claimant withdraw only before the first decision', () => {
    expect(mayWithdraw({ ...claim, decided: false }, actor('s-zhang'))).toEqual({ ok: true });
    expect(mayWithdraw({ ...claim, decided: true }, actor('s-zhang'))).toMatchObject({
      ok: false,
      why: expect.stringContaining('已有人审批'),
    });
    expect(mayWithdraw({ ...claim, decided: false }, actor('s-other', 'general_affairs'))).toMatchObject({
      ok: false,
      why: expect.stringContaining('只有申请人'),
    });
  });
});
