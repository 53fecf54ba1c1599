import type { StaffContext } from '../../src/core/context.ts';
import { parseMonth } from '../../src/core/dates.ts';
import { notify, recipientsOf } from '../../src/core/notify.ts';
import { formatDateTime } from '../../src/core/numbering.ts';
import { takeOnce } from '../../src/core/once.ts';
import { leadingName } from '../../src/core/text.ts';
import { placeNames } from '../../src/roster/places.ts';
import {
  reportId,
  SupplyReport,
  type SupplyReportRecord,
  SupplyRequest,
  type SupplyRequestRecord,
  SupplyReturnedReport,
} from './models.ts';
import { applyDecision } from './requests.ts';

/*
 * §4.2 corrections: a report once filed cannot be changed by the leader; 综合部 sends it back
 * (退回月报) with a reason. The report is kept as filed (SupplyReturnedReport), its requests still
 * waiting are refused with that reason, and the leader files the month again.
 */

const EXAMPLE = '退回月报 万达广场 2026-11 对讲机数量与现场不符';

/** 退回月报 <驻点> <月份> <原因> */
export async function returnReport(ctx: StaffContext): Promise<void> {
  // 「万达 广场 2026-11 …」 names the post 万达广场 (core nameKey)
  const named = leadingName(await placeNames('post'), ctx.args);
  const [monthText = '', ...rest] = (named?.rest ?? '').split(/\s+/).filter(Boolean);
  const post = named?.name ?? '';
  const month = parseMonth(monthText, ctx.services.now(), ctx.services.config.timezone);
  const reason = rest.join(' ').trim();
  if (!post || !month || !reason) {
    await ctx.reply(`请写驻点、月份和退回原因，例如：${EXAMPLE}`);
    return;
  }
  const id = reportId(post, month);
  const r = await SupplyReport.findById(id).lean<SupplyReportRecord>();
  if (!r) {
    await ctx.reply(`${post} ${month} 没有已提交的物资月报，无需退回。`);
    return;
  }
  // one return per filing, however often it is sent
  if (!(await takeOnce(`supply-return:${id}:${r.submittedAt.getTime()}`, ctx.sender.identity))) {
    await ctx.reply(`${post} ${month} 的月报刚刚已被退回。`);
    return;
  }
  const now = ctx.services.now();
  await SupplyReturnedReport.create({
    ...r,
    _id: `${id}|${r.submittedAt.getTime()}`,
    reportId: id,
    returnedBy: ctx.sender.staffId ?? ctx.sender.identity,
    returnedByName: ctx.sender.name,
    returnedAt: now,
    returnReason: reason.slice(0, 100),
  });
  await SupplyReport.deleteOne({ _id: id, submittedAt: r.submittedAt });

  const who = { by: ctx.sender.staffId ?? ctx.sender.identity, byName: ctx.sender.name, identity: ctx.sender.identity };
  const pending = await SupplyRequest.find({ _id: { $in: r.requestNos }, status: 'pending' }).lean<
    SupplyRequestRecord[]
  >();
  for (const q of pending) await applyDecision(ctx.services, q, 'refused', who, `月报已退回：${reason}`);
  ctx.log.info({ post, month, refused: pending.length }, 'supply report returned');

  const leader = await recipientsOf(ctx.services, [{ id: r.leaderId, name: r.leaderName }]);
  await notify(
    ctx.services,
    leader,
    `你 ${formatDateTime(r.submittedAt, ctx.services.config.timezone)} 提交的 ${post} ${month} 物资月报被综合部 ${ctx.sender.name} 退回。\n原因：${reason}\n请核对后发送「物资月报 ${month}」重新填报。`,
  );
  await ctx.reply(
    `已退回 ${post} ${month} 的物资月报，已通知 ${r.leaderName} 重新填报${pending.length ? `；未审批的申领 ${pending.length} 项已一并拒绝` : ''}。`,
  );
}
