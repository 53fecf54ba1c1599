import type { StaffContext } from '../../src/core/context.ts';
import { readMonth } from '../../src/core/list-filter.ts';
import { reportCard, type SummaryView, summaryCard } from './cards.ts';
import { postFromArgs } from './list.ts';
import { reportId, SupplyReport, type SupplyReportRecord, SupplyRequest } from './models.ts';
import { postsWithoutReport, reportMonthFor } from './rules.ts';
import { supplySettings } from './settings.ts';
import { postsWithList } from './store.ts';

/** §4.2 the month as 综合部 sees it: the reports filed, the posts with a list that did not report. */
export async function monthSummary(month: string): Promise<SummaryView> {
  const reports = await SupplyReport.find({ month }).sort({ post: 1 }).lean<SupplyReportRecord[]>();
  const missing = postsWithoutReport(
    await postsWithList(),
    reports.map((r) => r.post),
  );
  const pendingRequests = await SupplyRequest.countDocuments({ month, status: 'pending' });
  return { month, reports, missing, pendingRequests };
}

function monthArg(ctx: StaffContext, text: string): string | undefined | null {
  const t = text.trim();
  const { config } = ctx.services;
  const now = ctx.services.now();
  if (!t) return reportMonthFor(now, config.timezone, supplySettings.of(config).reportDay);
  return readMonth(t, now, config.timezone) ?? null;
}

/** 物资月报汇总 [月份] */
export async function showSummary(ctx: StaffContext): Promise<void> {
  const month = monthArg(ctx, ctx.args);
  if (!month) {
    await ctx.reply('月份看不懂，请写成 本月、上月、2026-11 或 11月，例如：物资月报汇总 2026-11');
    return;
  }
  await ctx.reply(summaryCard(await monthSummary(month)));
}

/** 查看月报 [驻点] [月份] */
export async function showReport(ctx: StaffContext): Promise<void> {
  const target = await postFromArgs(ctx, ctx.args, '查看月报 万达广场 2026-11');
  if (!target) return;
  const month = monthArg(ctx, target.rest);
  if (!month) {
    await ctx.reply('月份看不懂，请写成 2026-11 或 11月，例如：查看月报 万达广场 2026-11');
    return;
  }
  const r = await SupplyReport.findById(reportId(target.post, month)).lean<SupplyReportRecord>();
  if (!r) {
    await ctx.reply(`${target.post} ${month} 还没有提交物资月报。`);
    return;
  }
  await ctx.reply(reportCard(r, ctx.services.config.timezone));
}
