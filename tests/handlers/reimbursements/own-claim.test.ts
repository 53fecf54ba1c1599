import { describe, expect, it } from 'vitest';
import { mayDecide, planSteps } from '../../../handlers/reimbursements/approval.ts';
import { ROLES, type Role } from '../../../src/core/types.ts';

/*
 * Issue #20, hole 6 for reimbursements: the claimant is the subject of the claim. Someone holding
 * every approving role still decides no step of their own claim, and reads the same refusal as a
 * complaint's responsible person or a permit's holder.
 */

describe("deciding one's own case (#20): the claimant of a claim (§3.5.1)", () => {
  const steps = planSteps([]).map((s) => ({ key: s.key, role: s.role }));
  const everything = { staffId: 's-all', roles: new Set<Role>(ROLES) };

  it("refuses the claimant at every step, the chairman's approval and the payout included, with the one own-case refusal", () => {
    steps.forEach((step, stepIndex) => {
      const claim = { _id: 'BX-20261127-001', claimantId: 's-all', status: 'pending' as const, stepIndex, steps };
      const v = mayDecide(claim, everything, step.key === 'payout' ? 'pay' : 'approve');
      expect(v.ok, step.key).toBe(false);
      expect(!v.ok && v.why).toContain('你是报销单 BX-20261127-001 的申请人，不能审批自己的报销单（本人回避）');
    });
  });
});
