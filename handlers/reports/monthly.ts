import type { CommandRoute, StaffContext } from '../../src/core/context.ts';
import { REPORTING, type ReportPart } from '../../src/core/reporting.ts';
import type { Role } from '../../src/core/types.ts';
import { parseMonthWord } from './period.ts';
import { ChartPictures, reportCards, sendReport } from './render.ts';

/*
 * 月报 客户 <名称> [月份]: one client's month of service — complaints and how they ended, visits,
 * calls and promises — from each workflow's Workflow.reporting.clientMonth, as text with the charts
 * as pictures 客服部 can forward to the client.
 */

/** 客服部 and those above it. */
export const MONTHLY_READERS: Role[] = ['customer_service', 'admin', 'chairman', 'general_affairs'];

const EXAMPLE = '月报 客户 万达物业 2026-11';

/** The words after 客户: the client's name, and a month at the end when one is typed. */
function splitArgs(args: string): { name: string; month: string } {
  const words = args.trim().split(/\s+/).filter(Boolean);
  const last = words.at(-1) ?? '';
  const isMonth = words.length > 1 && /^(本月|上月|上个月|这个月|\d{4}[-./年]\d{1,2}月?|\d{1,2}月)$/.test(last);
  return { name: (isMonth ? words.slice(0, -1) : words).join(' '), month: isMonth ? last : '' };
}

export async function monthlyReport(ctx: StaffContext): Promise<void> {
  const m = /^\s*客户\s*(.*)$/s.exec(ctx.args);
  if (!m) {
    await ctx.reply(`月报目前有客户月报：${EXAMPLE}`);
    return;
  }
  const { name, month: word } = splitArgs(m[1]!);
  const month = parseMonthWord(word, ctx.services.now(), ctx.services.config.timezone);
  if ('error' in month) {
    await ctx.reply(`${month.error}。例如：${EXAMPLE}`);
    return;
  }
  const [find] = ctx.services.extensions.of(REPORTING.clients);
  if (!find) {
    await ctx.reply('客户月报需要客户管理（客户档案），这个机器人没有安装。');
    return;
  }
  const client = await find(name, EXAMPLE);
  if ('error' in client) {
    await ctx.reply(client.error);
    return;
  }
  const parts: ReportPart[] = await Promise.all(
    ctx.services.extensions.of(REPORTING.clientMonth).map((s) => s.build(ctx.services, client, month)),
  );
  const cards = reportCards(`${client.name} ${month.label}服务月报`, parts);
  await sendReport(new ChartPictures(ctx.services), ctx.can, cards, (msg) => ctx.reply(msg));
}

export const monthlyCommand: CommandRoute = {
  name: 'reports.monthly',
  rank: 3,
  words: ['月报', 'monthly'],
  allow: MONTHLY_READERS,
  summary: '客户服务月报：投诉与处理结果、拜访、电话回访、承诺兑现',
  example: '月报 客户 万达物业 2026-11',
  handler: monthlyReport,
};
