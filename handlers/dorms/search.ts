import { newestKept } from '../../src/core/period-keys.ts';
import type { SearchHit, SearchSource } from '../../src/core/reporting.ts';
import { dayAt, lastDayBefore, visiblePeople } from '../../src/core/search.ts';
import { absenceKeys, absenceKeysFilled } from './absence-keys.ts';
import { timeLabel } from './cards.ts';
import { dormsLedBy, isManager } from './common.ts';
import { type OutEntry, RollCall, type RollCallRecord } from './models.ts';

/*
 * 查找 in dorms: a person's absences (未归) and late returns (未归, then 归宿 登记), evening by
 * evening. As 查房记录 shows them: 综合部 and 行政部 every dorm's, a dorm leader their dorms', and
 * everyone their own. An evening's hit is dated at its 22:00 roll call. The person's evenings are
 * found through their absence keys (absence-keys.ts: the roll call ids that reported them 未归,
 * read by `_id`); a roll call's id starts with its date, so the newest are read first and only
 * those shown are read at all: any filter on the roll calls, or a month of their rows, decodes
 * thousands of documents on FerretDB 1.24.
 */

const EVENING_HOUR = 22;

const absentOf = (entries: readonly OutEntry[], people: readonly string[]) =>
  entries.filter((e) => e.status === 'absent' && people.includes(e.staffId));

/** `<yyyy-MM-dd>:<dorm>` */
const dateOf = (id: string) => id.slice(0, 10);
const dormOf = (id: string) => id.slice(11);

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
    // the newest `limit` evenings with an absence are enough: each is at least one hit
    const read = async (people: string[], dorms?: string[]) => {
      // records from before the keys are keyed in the background at start: wait for it
      await absenceKeysFilled();
      const keyed = await absenceKeys.ids(people);
      return newestKept(dorms ? keyed.filter((id) => dorms.includes(dormOf(id))) : keyed, {
        dayOf: dateOf,
        lastDay,
        read: (id) => RollCall.findById(id).lean<RollCallRecord>(),
        // a key is a hint: the roll call must still have one of them 未归
        keep: (rc) => absentOf(rc.report?.entries ?? [], people).length > 0 && (!dorms || dorms.includes(rc.dorm)),
        limit,
      });
    };
    const others = ids.filter((id) => id !== me);
    const found = await Promise.all([
      manager ? read(ids) : ids.includes(me ?? '') ? read([me!]) : [],
      !manager && others.length && led.length ? read(others, led) : [],
    ]);
    const seen = new Set<string>();
    const hits: SearchHit[] = found
      .flat()
      .filter((rc) => !seen.has(rc._id) && !!seen.add(rc._id))
      .flatMap((rc) =>
        absentOf(rc.report?.entries ?? [], ids)
          .filter((e) => manager || e.staffId === me || led.includes(rc.dorm))
          .map((e) => ({
            at: dayAt(rc.date, EVENING_HOUR, tz),
            kind: e.returnedAt ? '晚归' : '未归',
            line: `${e.name} ${rc.dorm}${e.returnedAt ? `，${timeLabel(e.returnedAt, tz)} 归宿` : ''}`,
            open: manager || led.includes(rc.dorm) ? `查房记录 ${rc.dorm} ${rc.date.slice(0, 7)}` : undefined,
          })),
      );
    // not latest(): it tells hits apart by their line, and two evenings of one person in one dorm
    // read the same (each roll call and person is one hit here already)
    return hits.sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, limit);
  },
};
