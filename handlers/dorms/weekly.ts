import { DateTime } from 'luxon';
import type { Services } from '../../src/core/context.ts';
import type { Period, ReportPart, WeeklySection } from '../../src/core/reporting.ts';
import { summarize } from './figures-rules.ts';
import { recordsOf } from './records.ts';
import { dormSettings } from './settings.ts';

/*
 * The dorms' part of 周报 (§3.3.3): the roll call's on-time rate per dorm (reports made in time over
 * evenings asked) and the people not back on two evenings or more (DORM_REPEAT_ABSENCES), from the
 * same figures as the Monday summary to 综合部 (figures-rules.ts summarize), over the week's evenings.
 */

/** The evenings of a period, as the roll calls' dates (yyyy-MM-dd), oldest first. */
function evenings(week: Period, tz: string): string[] {
  const out: string[] = [];
  const last = DateTime.fromJSDate(new Date(week.to.getTime() - 1), { zone: tz }).startOf('day');
  for (let d = DateTime.fromJSDate(week.from, { zone: tz }).startOf('day'); d <= last; d = d.plus({ days: 1 }))
    out.push(d.toISODate()!);
  return out;
}

export const dormsWeekly: WeeklySection = {
  title: '宿舍点名',
  async build(services: Services, week: Period): Promise<ReportPart> {
    const repeatAt = dormSettings.of(services.config).repeatAbsences;
    // by key (`<date>:<dorm>`), as every roll-call reader: FerretDB 1.24 decodes the whole history for a date range
    const days = evenings(week, services.config.timezone);
    const records = await recordsOf({ from: days[0]!, to: days.at(-1)! });
    const s = summarize(records, repeatAt);
    if (!s.dorms.length) return { title: '宿舍点名（§3.3.3）', lines: ['本周没有点名记录。'] };
    const asked = s.dorms.reduce((n, d) => n + d.asked, 0);
    const onTime = s.dorms.reduce((n, d) => n + d.onTime, 0);
    const rate = (d: (typeof s.dorms)[number]) => (d.onTimeRate === null ? '—' : `${d.onTimeRate}%`);
    return {
      title: '宿舍点名（§3.3.3）',
      lines: [
        `${s.dorms.length} 个宿舍，应点名 ${asked} 次，按时上报 ${onTime} 次`,
        `按时率：${s.dorms.map((d) => `${d.dorm} ${rate(d)}`).join('｜')}`,
        ...(s.neverReported.length ? [`整周未上报：${s.neverReported.join('、')}`] : []),
        s.repeat.length
          ? `未归 ${repeatAt} 晚及以上：${s.repeat.map((p) => `${p.name}（${p.dorm}，${p.absences} 晚）`).join('、')}`
          : `没有人未归 ${repeatAt} 晚及以上。`,
      ],
      charts: [
        {
          kind: 'bar',
          title: '各宿舍点名按时率',
          categories: s.dorms.map((d) => d.dorm),
          series: [{ name: '按时率', values: s.dorms.map((d) => d.onTimeRate ?? 0) }],
          unit: '%',
        },
      ],
    };
  },
};
