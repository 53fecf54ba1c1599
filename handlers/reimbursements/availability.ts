import type { StaffContext } from '../../src/core/context.ts';
import { ReimbursementDraft } from './models.ts';

/** 提交报销, 删除明细, 放弃报销 make sense with a draft holding an item (for 帮助's list only). */
export async function hasDraft(ctx: StaffContext): Promise<boolean> {
  const staffId = ctx.sender.staffId;
  if (!staffId) return false;
  const draft = await ReimbursementDraft.findById(staffId, { items: 1 }).lean();
  return (draft?.items.length ?? 0) > 0;
}
