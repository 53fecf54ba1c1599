import { lastWeek } from '../handlers/reports/period.ts';
import { ChartPictures, sendReport } from '../handlers/reports/render.ts';
import { reportSettings } from '../handlers/reports/settings.ts';
import { WEEKLY_READERS, weeklyCards } from '../handlers/reports/weekly.ts';
import type { Services } from '../src/core/context.ts';
import { recipientsWithRole } from '../src/core/notify.ts';
import { takeOnce } from '../src/core/once.ts';
import type { JobDefinition } from '../src/core/scheduler.ts';

/*
 * 周报 on Monday morning (WEEKLY_REPORT_CRON, default 08:30 in BOT_TIMEZONE): the week before, to
 * 行政部, 董事长 and 综合部 in private. The scheduler runs a slot on one instance; the takeOnce key
 * per week also keeps a catch-up or a rerun from sending the same week twice.
 */

/** Sends the last whole week before `slot`; false when it was sent already or nobody can get it. */
export async function sendWeeklyReport(deps: Services, slot: Date): Promise<boolean> {
  const week = lastWeek(slot, deps.config.timezone);
  const to = await recipientsWithRole(deps, WEEKLY_READERS);
  if (!to.length) {
    deps.log.warn({ week: week.label }, 'nobody in 行政部, 董事长 or 综合部 to send 周报 to');
    return false;
  }
  if (!(await takeOnce(`reports-weekly:${week.label}`))) return false;
  // drawn once for everyone on a channel without charts, while the sections still read
  const pictures = new ChartPictures(deps);
  const drawn = to.some((r) => !deps.outbox.capabilities(r.channel).charts);
  const cards = await weeklyCards(deps, week, drawn ? pictures : undefined);
  await Promise.all(
    to.map((r) =>
      sendReport(pictures, deps.outbox.capabilities(r.channel), cards, (m) =>
        deps.outbox.send({ channel: r.channel, userId: r.userId }, m),
      ).catch((err) => deps.log.warn({ err, staffId: r.staffId }, 'weekly report not delivered')),
    ),
  );
  deps.log.info({ week: week.label, to: to.length }, 'weekly report sent');
  return true;
}

export const weeklyReportJob: JobDefinition = {
  name: 'reports.weekly',
  cron: (config) => reportSettings.of(config).weeklyCron,
  description: '周报发给行政部、董事长、综合部',
  catchUpMs: 24 * 3600_000,
  run: async (deps, slot) => {
    await sendWeeklyReport(deps, slot);
  },
};

export const reportJobs: JobDefinition[] = [weeklyReportJob];
