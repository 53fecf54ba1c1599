import type { StaffContext } from '../../src/core/context.ts';
import { transition } from '../../src/core/transition.ts';
import { addToDraft, draftHasRoomFor, showDraft, whereItemsNaming, type ClaimCheck, type ClaimItem } from '../reimbursements/api.ts';
import { Trip } from './models.ts';
import { loadTrip } from './common.ts';
import { today, tripClaimProblem, tripCostItems, vehicleCostWithoutTrip } from './rules.ts';
import { claimantTrips } from './trips.ts';
import { parseRecordNumber } from '../../src/core/numbering.ts';

/**
 * 出车报销 <单号> [公司接洽人] / card button 报销这次费用 (§3.4.5 按规定报账 → §3.5).
 *
 * The trip's costs become items of the driver's reimbursement draft, each naming the trip, and the
 * driver submits them with 提交报销 like any claim. Not submitted here on purpose: the driver sees
 * the §3.5 rule messages first, can attach the receipt photos to the items, and submission, numbering
 * and the approval chain stay in one place (handlers/reimbursements/submit.ts).
 */
export async function claimTrip(ctx: StaffContext): Promise<void> {
  const staffId = ctx.sender?.staffId;
  if (!staffId) {
    await ctx.toast('报销需要员工身份：请先绑定你的员工档案（发送「绑定 绑定码」）。');
    return;
  }
  const typed = parseRecordNumber('CL', ctx.args);
  const no = (ctx.action?.value.no ?? typed?.number ?? '').toUpperCase();
  if (!no) {
    await ctx.reply('请写明出车单号，例如：出车报销 CL-20261127-001（发送「出车记录」查看单号）');
    return;
  }
  const trip = await loadTrip(no);
  if (!trip) {
    await ctx.toast(`没有找到出车 ${no}。`);
    return;
  }
  const problem = tripClaimProblem(trip, staffId, await whereItemsNaming(staffId, no));
  if (problem) {
    await ctx.toast(problem);
    return;
  }
  // §3.5.3 公司接洽人: the one who dealt with the station or garage; the driver unless named
  const contact = (typed?.rest ?? ctx.args.trim()).slice(0, 20) || ctx.sender.name;
  const tz = ctx.services.config.timezone;
  const items: ClaimItem[] = tripCostItems(trip, today(trip.endedAt ?? ctx.services.now(), tz), contact);
  if (!(await draftHasRoomFor(staffId, items.length))) {
    await ctx.reply(`报销草稿放不下这 ${items.length} 项。请先发送「提交报销」，再发送「出车报销 ${no}」。`);
    return;
  }
  // the trip's version decides between two clicks, even on two instances or in two chats; a draft
  // discarded later frees the trip again (whereItemsNaming above), and the next claim moves it on a version
  if (!(await transition(Trip, trip._id, trip.version, { $set: { claimedAt: ctx.services.now() } }, ctx.sender.identity))) {
    await ctx.toast(`出车 ${no} 的费用刚刚已经放进报销，不会重复放入。发送「报销」查看草稿。`);
    return;
  }
  await addToDraft(staffId, items);
  ctx.log.info({ trip: no, items: items.length }, 'trip costs put into a reimbursement draft');
  await showDraft(ctx, staffId, `已把出车 ${no} 的 ${items.length} 项费用放进报销草稿（公司接洽人：${contact}）。可以先发收据照片（附在最后一项），然后点「提交报销」，走综合部→财务部→董事长审批（§3.5.1）。`);
}

/**
 * §3.4.5 出车记录…按规定报账, added to every claim (reimbursements' claimChecks): a fuel or repair item
 * must name one of the claimant's trips or a plate they drove.
 */
export const tripCostCheck: ClaimCheck = async ({ staffId, items }) => {
  if (!items.some((it) => it.category === 'fuel' || it.category === 'repair')) return undefined;
  return vehicleCostWithoutTrip(items, staffId ? await claimantTrips(staffId) : []);
};
