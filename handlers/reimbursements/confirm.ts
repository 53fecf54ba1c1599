import type { StaffContext } from '../../src/core/context.ts';
import { claimSummary, draftSummary } from './cards.ts';
import { loadClaim } from './chain.ts';
import { ReimbursementDraft } from './models.ts';

/*
 * What 提交报销 and 批准 say before they run (ActionRoute.confirm): the number and the total, so a
 * number typed for another card cannot submit or approve money unseen.
 */

/** Before 提交报销 (a number on a text channel): what the draft holds now. */
export async function submitQuestion(ctx: StaffContext): Promise<string | undefined> {
  if (!ctx.sender.staffId) return undefined;
  const draft = await ReimbursementDraft.findById(ctx.sender.staffId, { items: 1 }).lean();
  if (!draft?.items.length) return undefined;
  return `确认提交报销：${draftSummary(draft.items)}？提交后送综合部审核。`;
}

/** Before 批准 (a number on a text channel): the claim, its step and its total. */
export async function approveQuestion(ctx: StaffContext): Promise<string | undefined> {
  const claim = await loadClaim(ctx.action?.value.no ?? '');
  if (claim?.status !== 'pending') return undefined;
  return `确认批准${claimSummary(claim)}？`;
}
