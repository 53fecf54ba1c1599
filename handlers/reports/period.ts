import { DateTime } from 'luxon';
import { monthRange, resolveDate } from '../../src/core/dates.ts';
import { readMonth } from '../../src/core/list-filter.ts';
import type { Period } from '../../src/core/reporting.ts';
import { echo } from '../../src/core/text.ts';

/*
 * The periods of 周报 and 月报 as typed, in BOT_TIMEZONE. A week is Monday to Sunday: 周报 alone and
 * 周报 上周 are the last whole week (what the Monday report sends), 本周 the week so far, a date the
 * week it falls in. A month is 本月, 上月 or 2026-11 / 11月; 月报 alone is last month.
 */

function weekStarting(monday: DateTime): Period {
  const sunday = monday.plus({ days: 6 });
  return {
    from: monday.toJSDate(),
    to: monday.plus({ weeks: 1 }).toJSDate(),
    label: `${monday.toISODate()} 至 ${sunday.toISODate()}`,
  };
}

/** The Monday-to-Sunday week of `day`. */
export function weekOf(day: Date, tz: string): Period {
  const d = DateTime.fromJSDate(day, { zone: tz }).startOf('day');
  return weekStarting(d.minus({ days: d.weekday - 1 }));
}

/** The last whole week before `now` (on a Monday: Monday to Sunday before). */
export function lastWeek(now: Date, tz: string): Period {
  return weekOf(DateTime.fromJSDate(now, { zone: tz }).minus({ weeks: 1 }).toJSDate(), tz);
}

export function parseWeek(text: string, now: Date, tz: string): Period | { error: string } {
  const t = text.trim();
  if (!t || t === '上周') return lastWeek(now, tz);
  if (t === '本周' || t === '这周') return weekOf(now, tz);
  const day = resolveDate(t, now, tz);
  if (!day) return { error: `「${echo(t)}」不是日期。请写 上周、本周 或一个日期，例如：周报 2026-11-25` };
  return weekOf(DateTime.fromISO(day, { zone: tz }).toJSDate(), tz);
}

export function monthPeriod(month: string, tz: string): Period {
  const { start, end } = monthRange(month, tz);
  return { from: start, to: end, label: DateTime.fromJSDate(start, { zone: tz }).toFormat('yyyy年M月') };
}

/** 月报 alone is last month; otherwise the month words every list reads (本月, 上月, 2026-11, 11月). */
export function parseMonthWord(text: string, now: Date, tz: string): Period | { error: string } {
  const t = text.trim();
  const month = readMonth(t || '上月', now, tz);
  if (!month) return { error: `「${echo(t)}」不是月份。请写 上月、本月 或 2026-11` };
  return monthPeriod(month, tz);
}
