import type { SearchHit, SearchSource } from '../../src/core/reporting.ts';
import { dayAt, lastDayBefore, latest, visiblePeople } from '../../src/core/search.ts';
import { timeLabel } from './cards.ts';
import { dormsLedBy, isManager } from './common.ts';
import { RollCall, type RollCallRecord } from './models.ts';

/*
 * 查找 in dorms: a person's absences (未归) and late returns (未归, then 归宿 登记), evening by
 * evening. As 查房记录 shows them: 综合部 and 行政部 every dorm's, a dorm leader their dorms', and
 * everyone their own. An evening's hit is dated at its 22:00 roll call. Index (models.ts):
 * {report.entries.staffId, date}: the person's evenings, newest first.
 */

const EVENING_HOUR = 22;
/** Evenings read at a time, and how many batches at most: about three years of one person's evenings. */
const BATCH = 50;
const MAX_BATCHES = 20;

const absentOf = (rc: RollCallRecord, people: readonly string[]) =>
  (rc.report?.entries ?? []).filter((e) => e.status === 'absent' && people.includes(e.staffId));

export const dormSearch: SearchSource = {
  kind: '缺勤',
  async find(ctx, query, limit, before) {
    const tz = ctx.services.config.timezone;
    const manager = isManager(ctx);
    const me = ctx.sender.staffId;
    const ids = visiblePeople(ctx, query, true);
    if (!ids.length) return [];
    const led = manager ? [] : await dormsLedBy(me);
    const day = before ? { date: { $lte: lastDayBefore(before, EVENING_HOUR, tz) } } : {};
    // FerretDB 1.24 has no $elemMatch on fields: the person's evenings are read by the staffId index
    // and their own entry checked here, a batch at a time, until there are enough absences
    const read = async (people: string[], dorms?: string[]) => {
      const out: RollCallRecord[] = [];
      for (let batch = 0, absences = 0; batch < MAX_BATCHES && absences < limit; batch++) {
        const docs = await RollCall.find({
          'report.entries.staffId': { $in: people },
          ...day,
          ...(dorms ? { dorm: { $in: dorms } } : {}),
        })
          .sort({ date: -1, _id: -1 })
          .skip(batch * BATCH)
          .limit(BATCH)
          .lean<RollCallRecord[]>();
        out.push(...docs);
        absences += docs.filter((rc) => absentOf(rc, people).length).length;
        if (docs.length < BATCH) break;
      }
      return out;
    };
    const others = ids.filter((id) => id !== me);
    const found = await Promise.all([
      manager ? read(ids) : ids.includes(me ?? '') ? read([me!]) : [],
      !manager && others.length && led.length ? read(others, led) : [],
    ]);
    const hits: SearchHit[] = found.flat().flatMap((rc) =>
      absentOf(rc, ids)
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
