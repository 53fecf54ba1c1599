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

/**
 * Every section of the week; a section that fails says so in its place, the others still show.
 * `built` hears of each part as soon as it is ready, in whatever order the sections finish.
 */
export async function weeklyParts(
  services: Services,
  week: Period,
  built?: (part: ReportPart) => void,
): Promise<ReportPart[]> {
  const sections = services.extensions.of(REPORTING.weekly);
  return Promise.all(
    sections.map(async (s) => {
      let part: ReportPart;
      try {
        part = await s.build(services, week);
      } catch (err) {
        const ref = services.onError(err, { what: 'weekly report section failed', detail: { section: s.title } });
        part = { title: s.title, lines: [`这一部分没有生成（编号 ${ref}），请联系管理员。`] };
      }
      built?.(part);
      return part;
    }),
  );
}

/**
 * The week's cards. Given `pictures` (someone will get it on a channel without charts), each
 * section's charts are drawn as soon as that section is built, while the slower ones still read.
 */
export async function weeklyCards(services: Services, week: Period, pictures?: ChartPictures): Promise<Card[]> {
  pictures?.warm();
  const parts = await weeklyParts(services, week, pictures && ((p) => pictures.early(p.charts ?? [])));
  return reportCards(`周报 ${week.label}`, parts);
}

/** 周报 [上周/本周/日期]: the week's report to the asker. */
export async function weeklyReport(ctx: StaffContext): Promise<void> {
  const week = parseWeek(ctx.args, ctx.services.now(), ctx.services.config.timezone);
  if ('error' in week) {
    await ctx.reply(week.error);
    return;
  }
  const pictures = new ChartPictures(ctx.services);
  const cards = await weeklyCards(ctx.services, week, ctx.can.charts ? undefined : pictures);
  await sendReport(pictures, ctx.can, cards, (m) => ctx.reply(m));
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
