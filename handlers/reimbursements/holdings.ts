import { recipientsWithRole } from '../../src/core/notify.ts';
import { ROLE_LABELS } from '../../src/core/roles.ts';
import type { StaffHoldings } from '../../src/core/router.ts';
import type { Role } from '../../src/core/types.ts';
import { ReimbursementClaim } from './models.ts';

const DECIDING: readonly Role[] = ['general_affairs', 'finance', 'chairman'];

/**
 * Approvals waiting on a person (§3.5.1), asked when they are disabled (停用): the claims now at a
 * step of a role they hold. Another holder of that role takes them over by themselves; when there is
 * none, someone must be given the role (设置角色, confirmed by a second person).
 */
export const approvalHoldings: StaffHoldings = async (services, s) => {
  const held = [];
  for (const role of DECIDING.filter((r) => s.roles.includes(r))) {
    const waiting = await ReimbursementClaim.countDocuments({ status: 'pending', currentRole: role });
    if (!waiting) continue;
    const others = [...new Set((await recipientsWithRole(services, [role], [s.staffId])).map((p) => p.name))];
    const label = ROLE_LABELS[role];
    held.push({
      what: `${waiting} 张报销单在等${label}审批`,
      handover: others.length
        ? `其他${label}成员（${others.slice(0, 3).join('、')}）会收到并处理，无需交接`
        : `没有其他${label}成员：请发送 设置角色 接手人姓名 ${label}（须第二人确认）`,
    });
  }
  return held;
};
