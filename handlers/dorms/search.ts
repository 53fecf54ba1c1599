import { readAll } from '../../src/core/period-keys.ts';
import type { SearchHit, SearchSource } from '../../src/core/reporting.ts';
import { dayAt, lastDayBefore, latest, visiblePeople } from '../../src/core/search.ts';
import { timeLabel } from './cards.ts';
import { dormsLedBy, isManager } from './common.ts';
import { type OutEntry, outOf, RollCall, type RollCallRecord, type RollCallRow, rollCallRows } from './models.ts';

/*
 * 查找 in dorms: a person's absences (未归) and late returns (未归, then 归宿 登记), evening by
 * evening. As 查房记录 shows them: 综合部 and 行政部 every dorm's, a dorm leader their dorms', and
 * everyone their own. An evening's hit is dated at its 22:00 roll call. The person's evenings are
 * found in the roll calls' rows (models.ts rollCallRows), a month at a time from the newest, and
 * only the roll calls shown are read whole: any filter on the roll calls themselves decodes every
 * one ever made on FerretDB 1.24.
 */

const EVENING_HOUR = 22;

const absentOf = (entries: readonly OutEntry[], people: readonly string[]) =>
  entries.filter((e) => e.status === 'absent' && people.includes(e.staffId));

const newestFirst = (a: RollCallRow, b: RollCallRow) =>
  a.date > b.date ? -1 : a.date < b.date ? 1 : a._id > b._id ? -1 : a._id < b._id ? 1 : 0;

export const dormSearch: SearchSource = {
  kind: '缺勤',
  async find(ctx, query, limit, before) {
    const tz = ctx.services.config.timezone;
    const manager = isManager(ctx);
    const me = ctx.sender.staffId;
    const ids = visiblePeople(ctx, query, true);
    if (!ids.length) return [];
    const led = manager ? [] : await dormsLedBy(me);
    const lastDay = before ? lastDayBefore(before, EVENING_HOUR, tz) : undefined;
    const months = (await rollCallRows.partitions())
      .filter((key) => !lastDay || key <= lastDay.slice(0, 7).replace('-', ''))
      .reverse();
    // the newest `limit` evenings with an absence are enough: each is at least one hit
    const read = async (people: string[], dorms?: string[]) => {
      const found: RollCallRow[] = [];
      for (const key of months) {
        if (found.length >= limit) break;
        const rows = (await rollCallRows.rows(
          {
            absent: { $in: people },
            ...(lastDay ? { date: { $lte: lastDay } } : {}),
            ...(dorms ? { dorm: { $in: dorms } } : {}),
          },
          { keys: [key] },
        )) as RollCallRow[];
        found.push(...rows.filter((r) => absentOf(outOf(r), people).length).sort(newestFirst));
      }
      return readAll(
        found.slice(0, limit).map((r) => r._id),
        (id) => RollCall.findById(id).lean<RollCallRecord>(),
      );
    };
    const others = ids.filter((id) => id !== me);
    const found = await Promise.all([
      manager ? read(ids) : ids.includes(me ?? '') ? read([me!]) : [],
      !manager && others.length && led.length ? read(others, led) : [],
    ]);
    const hits: SearchHit[] = found.flat().flatMap((rc) =>
      absentOf(rc.report?.entries ?? [], ids)
        .filter((e) => manager || e.staffId === me || led.includes(rc.dorm))
        .map((e) => ({
          at: dayAt(rc.date, EVENING_HOUR, tz),
          kind: e.returnedAt ? '晚归' : '未归',
          line: `${e.name} ${rc.dorm}${e.returnedAt ? `，${timeLabel(e.returnedAt, tz)} 归宿` : ''}`,
          open: manager || led.includes(rc.dorm) ? `查房记录 ${rc.dorm} ${rc.date.slice(0, 7)}` : undefined,
        })),
    );
    return latest(hits, limit);
  },
};
