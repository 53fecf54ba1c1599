import type { CommandRoute, Services, StaffContext } from '../../src/core/context.ts';
import { type Period, REPORTING, type ReportPart } from '../../src/core/reporting.ts';
import type { Card, Role } from '../../src/core/types.ts';
import { parseWeek } from './period.ts';
import { ChartPictures, reportCards, sendReport } from './render.ts';

/*
 * 周报: each installed workflow's section of the week (Workflow.reporting.weekly), in the
 * composition's order, as one or two cards with charts. Sent on Mondays (schedules/reports.ts) to
 * 行政部, 董事长 and 综合部, who may also ask for any week by command.
 */

/** Who gets it on Monday and may ask for it: 行政部 (admin), 董事长, 综合部 (general_affairs). */
export const WEEKLY_READERS: Role[] = ['admin', 'chairman', 'general_affairs'];

/** Every section of the week; a section that fails says so in its place, the others still show. */
export async function weeklyParts(services: Services, week: Period): Promise<ReportPart[]> {
  const sections = services.extensions.of(REPORTING.weekly);
  return Promise.all(
    sections.map(async (s) => {
      try {
        return await s.build(services, week);
      } catch (err) {
        const ref = services.onError(err, { what: 'weekly report section failed', detail: { section: s.title } });
        return { title: s.title, lines: [`这一部分没有生成（编号 ${ref}），请联系管理员。`] };
      }
    }),
  );
}

export async function weeklyCards(services: Services, week: Period): Promise<Card[]> {
  return reportCards(`周报 ${week.label}`, await weeklyParts(services, week));
}

/** 周报 [上周/本周/日期]: the week's report to the asker. */
export async function weeklyReport(ctx: StaffContext): Promise<void> {
  const week = parseWeek(ctx.args, ctx.services.now(), ctx.services.config.timezone);
  if ('error' in week) {
    await ctx.reply(week.error);
    return;
  }
  await sendReport(new ChartPictures(ctx.services), ctx.can, await weeklyCards(ctx.services, week), (m) =>
    ctx.reply(m),
  );
}

export const weeklyCommand: CommandRoute = {
  name: 'reports.weekly',
  rank: 2,
  words: ['周报', 'weekly'],
  allow: WEEKLY_READERS,
  summary: '各部门一周汇总：投诉、报销、点名、物资、车辆、客户回访，附图表',
  example: '周报 上周',
  handler: weeklyReport,
};
