import { DateTime } from 'luxon';
import type { Services } from '../../src/core/context.ts';
import type { Period, ReportPart, WeeklySection } from '../../src/core/reporting.ts';
import { allDormNames } from './common.ts';
import { type EveningRecord, summarize } from './figures-rules.ts';
import { RollCall, type RollCallRecord, rollCallId } from './models.ts';
import { toRecord } from './records.ts';
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

const READS_AT_ONCE = 50;

/**
 * The roll calls of these evenings, read by their ids (`<date>:<dorm>`) rather than by a date range:
 * FerretDB 1.24 answers a read by `_id` from its index but decodes every roll call ever made for a
 * range (20 s at 27,000), so a week costs dorms × 7 reads however long the history is.
 */
async function rollCallsOf(dates: readonly string[], dorms: readonly string[]): Promise<EveningRecord[]> {
  const ids = dates.flatMap((date) => dorms.map((dorm) => rollCallId(date, dorm)));
  const found: RollCallRecord[] = [];
  for (let i = 0; i < ids.length; i += READS_AT_ONCE) {
    const batch = await Promise.all(
      ids.slice(i, i + READS_AT_ONCE).map((id) => RollCall.findById(id).lean<RollCallRecord>()),
    );
    for (const rc of batch) if (rc) found.push(rc);
  }
  return found.map(toRecord);
}

export const dormsWeekly: WeeklySection = {
  title: '宿舍点名',
  async build(services: Services, week: Period): Promise<ReportPart> {
    const repeatAt = dormSettings.of(services.config).repeatAbsences;
    const records = await rollCallsOf(evenings(week, services.config.timezone), await allDormNames());
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
