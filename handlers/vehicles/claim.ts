import { actor } from '../../src/core/audit.ts';
import type { StaffContext } from '../../src/core/context.ts';
import { parseRecordNumber } from '../../src/core/numbering.ts';
import { notOwnCase } from '../../src/core/subject.ts';
import { transition } from '../../src/core/transition.ts';
import {
  addToDraft,
  type ClaimCheck,
  type ClaimHolds,
  type ClaimItem,
  claimNaming,
  draftHasRoomFor,
  showDraftAdded,
  whereItemsNaming,
} from '../reimbursements/api.ts';
import { loadTrip, tell } from './common.ts';
import { type ClaimableTrip, tripCostProblem, tripNumbersIn, vehicleCostWithoutTrip } from './cost-rules.ts';
import { Trip, type TripRecord, Vehicle } from './models.ts';
import { claimTripButton, tripReply } from './replies.ts';
import { CLAUSE, today, tripClaimProblem, tripCostItems } from './rules.ts';

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
  if (
    !(await transition(Trip, trip._id, trip.version, { $set: { claimedAt: ctx.services.now() } }, ctx.sender.identity))
  ) {
    await ctx.toast(`出车 ${no} 的费用刚刚已经放进报销，不会重复放入。发送「报销」查看草稿。`);
    return;
  }
  await addToDraft(staffId, items);
  ctx.log.info({ trip: no, items: items.length }, 'trip costs put into a reimbursement draft');
  await showDraftAdded(ctx, staffId, `已把出车 ${no} 的 ${items.length} 项费用放进报销草稿（接洽人 ${contact}）。`);
}

/** Whether any item could be a company vehicle's cost: only then are the trips and plates read. */
const mayBeVehicleCost = (items: readonly ClaimItem[]) =>
  items.some(
    (it) =>
      it.category === 'fuel' ||
      it.category === 'repair' ||
      tripNumbersIn(it.matter).length ||
      /[\u4e00-\u9fa5]\s*[A-Za-z][\s·.-]?[A-Za-z0-9]{5,6}/.test(it.matter),
  );

/**
 * §3.4.5 出车记录…按规定报账, added to every claim (reimbursements' claimChecks): a vehicle cost names
 * one of the claimant's ended trips, within what that trip recorded (tripCostProblem), and a trip in
 * a pending or paid claim from before trips were held once (tripHolds) is not claimed again.
 */
export const tripCostCheck: ClaimCheck = async ({ staffId, items }) => {
  if (!mayBeVehicleCost(items)) return undefined;
  const plates = (await Vehicle.find({}, { _id: 1 }).lean()).map((v) => String(v._id));
  const without = vehicleCostWithoutTrip(items, plates);
  if (without) return without;
  const nos = [...new Set(items.flatMap((it) => tripNumbersIn(it.matter)))];
  if (!nos.length) return undefined;
  // each by bare `_id`: the one read FerretDB serves from an index
  const trips = new Map<string, ClaimableTrip | null>(
    await Promise.all(nos.map(async (no) => [no, await loadTrip(no)] as const)),
  );
  const problem = tripCostProblem(items, trips, staffId);
  if (problem) return problem;
  for (const no of nos) {
    const earlier = staffId ? await claimNaming(staffId, no) : undefined;
    if (earlier)
      return {
        clause: CLAUSE.tripLog,
        code: 'trip_claimed',
        message: `出车 ${no} 的费用已经在报销单 ${earlier} 里，不能再报一次（${CLAUSE.tripLog}）。`,
      };
  }
  return undefined;
};

/**
 * A trip's costs are claimed once (§3.4.5 按规定报账): every trip an item names is held by the claim
 * that carries it, from submission until it is rejected or withdrawn (reimbursements' claimHolds).
 */
export const tripHolds: ClaimHolds = (items) =>
  [...new Set(items.flatMap((it) => tripNumbersIn(it.matter)))].map((no) => ({
    key: `vehicletrip:${no}`,
    label: `出车 ${no} 的费用`,
  }));

/**
 * 确认费用 <单号> / card button 确认费用 (§3.4.5): 综合部 confirms costs held as far beyond the vehicle's
 * usual, after checking the receipts with the driver. Never the driver himself (#20), once however
 * often it is clicked; the driver is told the costs may now be claimed.
 */
export async function confirmTripCosts(ctx: StaffContext): Promise<void> {
  const no = (ctx.action?.value.no ?? parseRecordNumber('CL', ctx.args)?.number ?? '').toUpperCase();
  const trip = no ? await loadTrip(no) : null;
  if (!trip) {
    await ctx.reply(no ? `没有找到出车 ${no}。` : '请写明出车单号，例如：确认费用 CL-20261127-001');
    return;
  }
  if (!trip.costCheck) {
    await ctx.toast(`出车 ${no} 的费用没有异常，不需要确认。`);
    return;
  }
  if (trip.costCheck.status === 'confirmed') {
    await ctx.toast(`出车 ${no} 的费用已由 ${trip.costCheck.by?.name ?? '综合部'} 确认。`);
    return;
  }
  const own = notOwnCase(ctx.sender.staffId, [trip.driver], {
    as: `出车 ${no} 的司机`,
    doing: '确认自己出车的费用',
    instead: '其他综合部人员',
  });
  if (!own.ok) {
    await ctx.toast(`${own.why}（${CLAUSE.tripLog}）`);
    return;
  }
  const now = ctx.services.now();
  const by = actor(ctx);
  const won = await transition(
    Trip,
    trip._id,
    trip.version,
    { $set: { costCheck: { ...trip.costCheck, status: 'confirmed', by, at: now } } },
    ctx.sender.identity,
  );
  if (!won) {
    const fresh = await loadTrip(no);
    await ctx.toast(`出车 ${no} 的费用刚刚已由 ${fresh?.costCheck?.by?.name ?? '他人'} 确认。`);
    return;
  }
  ctx.log.info({ trip: no }, 'trip costs confirmed');
  const after = (await loadTrip(no)) as TripRecord;
  if (ctx.can.updatesCards && ctx.action?.messageId)
    await ctx.updateCard(tripReply(after, `出车费用已确认：${no}`, `${by.name} 已确认。`));
  await tell(
    ctx.services,
    [],
    tripReply(
      after,
      `出车费用已确认：${no}`,
      `综合部 ${by.name} 已确认，可以报销：点「报销这次费用」或发送「出车报销 ${no}」。`,
      [claimTripButton(no)],
    ),
    [trip.driver],
  );
  await ctx.toast(`已确认出车 ${no} 的费用，已通知司机 ${trip.driver.name}。`);
}
