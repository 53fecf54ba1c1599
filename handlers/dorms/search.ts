import type { SearchHit, SearchSource } from '../../src/core/reporting.ts';
import { dayAt, lastDayBefore, latest, visiblePeople } from '../../src/core/search.ts';
import { timeLabel } from './cards.ts';
import { dormsLedBy, isManager } from './common.ts';
import { RollCall, type RollCallRecord } from './models.ts';

/*
 * 查找 in dorms: a person's absences (未归) and late returns (未归, then 归宿 登记), evening by
 * evening. As 查房记录 shows them: 综合部 and 行政部 every dorm's, a dorm leader their dorms', and
 * everyone their own. An evening's hit is dated at its 22:00 roll call. Index (models.ts):
 * {report.entries.staffId, report.entries.status, date}, read with $elemMatch so both bound it.
 */

const EVENING_HOUR = 22;

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
    const read = (people: string[], dorms?: string[]) =>
      RollCall.find({
        'report.entries': { $elemMatch: { staffId: { $in: people }, status: 'absent' } },
        ...day,
        ...(dorms ? { dorm: { $in: dorms } } : {}),
      })
        .sort({ date: -1 })
        .limit(limit)
        .lean<RollCallRecord[]>();
    const others = ids.filter((id) => id !== me);
    const found = await Promise.all([
      manager ? read(ids) : ids.includes(me ?? '') ? read([me!]) : [],
      !manager && others.length && led.length ? read(others, led) : [],
    ]);
    const hits: SearchHit[] = found.flat().flatMap((rc) =>
      (rc.report?.entries ?? [])
        .filter((e) => e.status === 'absent' && ids.includes(e.staffId))
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
