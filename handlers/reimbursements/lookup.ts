import { DateTime } from 'luxon';
import type { StaffContext } from '../../src/core/context.ts';
import { monthOf } from '../../src/core/dates.ts';
import { readMonth } from '../../src/core/list-filter.ts';
import { formatFen } from '../../src/core/money.ts';
import type { Role } from '../../src/core/types.ts';
import { parseClaimNo } from './approval.ts';
import { recentClaims } from './by-staff.ts';
import { approvalCard, claimCard, currentStepLabel } from './cards.ts';
import { loadClaim } from './chain.ts';
import { ReimbursementCard, ReimbursementClaim, ReimbursementDraft } from './models.ts';
import { categoryLabel } from './rules.ts';

export const APPROVER_ROLES: Role[] = ['general_affairs', 'finance', 'chairman'];

/** 我的报销: the sender's recent claims and their status. */
export async function myClaims(ctx: StaffContext): Promise<void> {
  const staffId = ctx.sender.staffId;
  if (!staffId) {
    await ctx.reply('报销需要员工身份：请先用绑定码绑定你的员工档案。');
    return;
  }
  const [claims, draft] = await Promise.all([recentClaims(staffId, 10), ReimbursementDraft.findById(staffId).lean()]);
  const lines: string[] = [];
  if (draft?.items.length) lines.push(`📝 有一份未提交的草稿（${draft.items.length} 项），发送「提交报销」提交。`);
  if (!claims.length) lines.push('你还没有提交过报销。发送「报销」开始填写。');
  else {
    lines.push(`你最近的报销（${claims.length} 张）：`);
    for (const c of claims) lines.push(`• ${c._id} ${formatFen(c.total)} ${currentStepLabel(c)}`);
    lines.push('发送「报销单 编号」查看详情和审批记录。');
  }
  await ctx.reply(lines.join('\n'));
}

/** 待审批: claims whose current step is one of the sender's roles, never their own. */
export async function pendingForMe(ctx: StaffContext): Promise<void> {
  const roles = APPROVER_ROLES.filter((r) => ctx.sender.roles.has(r));
  const claims = await ReimbursementClaim.find({ status: 'pending', currentRole: { $in: roles } })
    .sort({ submittedAt: 1 })
    .limit(50)
    .lean();
  const mine = claims.filter((c) => c.claimantId !== ctx.sender.staffId);
  if (!mine.length) {
    await ctx.reply('目前没有等你审批的报销单。');
    return;
  }
  const now = ctx.services.now().getTime();
  const lines = mine.map((c) => {
    const hours = Math.floor((now - new Date(c.stepSince).getTime()) / 3600_000);
    return `• ${c._id} ${c.claimantName} ${formatFen(c.total)} ${currentStepLabel(c)}${hours >= 1 ? `，已等 ${hours} 小时` : ''}`;
  });
  await ctx.reply(
    [
      `等你审批的报销单 ${mine.length} 张：`,
      ...lines,
      '发送「报销单 编号」查看详情，或直接：批准 编号 / 驳回 编号 原因 / 发放 编号 付款方式',
    ].join('\n'),
  );
}

/**
 * 报销单 <编号> / card button 查看明细: the record with its audit trail; the current step's
 * approvers get the buttons too. The step's short cards (#21) send people here for the whole of it.
 */
export async function showClaim(ctx: StaffContext): Promise<void> {
  const no = ctx.action?.value.no ?? parseClaimNo(ctx.args);
  if (!no) {
    await ctx.reply('请写明报销单编号，例如：报销单 BX-20261127-001');
    return;
  }
  const claim = await loadClaim(no);
  const own = claim?.claimantId === ctx.sender.staffId;
  const approver = ctx.hasRole(...APPROVER_ROLES, 'admin');
  if (!claim || (!own && !approver)) {
    await ctx.reply(`没有找到报销单 ${no}${claim ? '（只有申请人和审批人员可以查看）' : ''}。`);
    return;
  }
  const tz = ctx.services.config.timezone;
  const step = claim.steps[claim.stepIndex];
  if (claim.status === 'pending' && !own && step && ctx.sender.roles.has(step.role as Role)) {
    const sent = await ctx.reply(approvalCard(claim, tz, true));
    await ReimbursementCard.create({
      claimNo: no,
      step: step.key,
      channel: ctx.channel,
      userId: ctx.event.userId,
      messageId: sent.messageId ?? null,
    });
    return;
  }
  const card = claimCard(claim, tz);
  const decided = claim.history.some((h) => h.action !== 'submitted');
  if (own && claim.status === 'pending' && !decided)
    card.buttons = [{ label: '撤回', action: 'reimburse.withdraw', value: { no }, style: 'danger' }];
  if (own && (claim.status === 'rejected' || claim.status === 'withdrawn') && !claim.resubmittedAs)
    card.note = `更正后可发送：重新报销 ${no}`;
  await ctx.reply(card);
}

/** 报销台账 [yyyy-MM]: what was paid in a month, totals by category and by person (finance, chairman). */
export async function ledger(ctx: StaffContext): Promise<void> {
  const tz = ctx.services.config.timezone;
  const arg = ctx.args.trim();
  const chosen = arg ? readMonth(arg, ctx.services.now(), tz) : monthOf(ctx.services.now(), tz);
  if (!chosen) {
    await ctx.reply('月份请写成 本月、上月、2026-11 或 11月，例如：报销台账 2026-11（不写为本月）');
    return;
  }
  const month = DateTime.fromFormat(chosen, 'yyyy-MM', { zone: tz });
  const from = month.toISODate()!;
  const to = month.plus({ months: 1 }).toISODate()!;
  const paid = await ReimbursementClaim.find({ paidOn: { $gte: from, $lt: to } })
    .sort({ paidOn: 1 })
    .lean();
  const label = month.toFormat('yyyy年M月');
  if (!paid.length) {
    await ctx.reply(`${label}没有已发放的报销。`);
    return;
  }
  const byCategory = new Map<string, number>();
  const byPerson = new Map<string, number>();
  let total = 0;
  for (const c of paid) {
    total += c.total;
    byPerson.set(c.claimantName, (byPerson.get(c.claimantName) ?? 0) + c.total);
    for (const it of c.items)
      byCategory.set(categoryLabel(it.category), (byCategory.get(categoryLabel(it.category)) ?? 0) + it.amount);
  }
  const sorted = (map: Map<string, number>) =>
    [...map].sort((a, b) => b[1] - a[1]).map(([k, v]) => `  ${k} ${formatFen(v)}`);
  await ctx.reply(
    [
      `${label}报销台账：已发放 ${paid.length} 张，合计 ${formatFen(total)}`,
      '按类别：',
      ...sorted(byCategory),
      '按人员：',
      ...sorted(byPerson),
      '明细：',
      ...paid.map((c) => `  ${c.paidOn} ${c._id} ${c.claimantName} ${formatFen(c.total)} ${c.payment?.method ?? ''}`),
    ].join('\n'),
  );
}
