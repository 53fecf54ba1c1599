import { DateTime } from 'luxon';
import type { StaffContext } from './context.ts';
import type { SearchHit, SearchQuery } from './reporting.ts';
import { maskPhonesIn } from './text.ts';

/*
 * What every 查找 source (handlers/<w>/search.ts) does the same way: page by `before`, keep to the
 * people the asker may see, and put its queries' hits in one most-recent-first list.
 */

/** `{ $lt: before }` for a date field, or nothing on the first page. */
export function olderThan(field: string, before: Date | undefined): Record<string, unknown> {
  return before ? { [field]: { $lt: before } } : {};
}

/**
 * The ids of the people the words name that the asker may see the records of: all of them for
 * someone whose role lists allow it (`mayAll`), else only the asker (a guard finds their own).
 */
export function visiblePeople(ctx: StaffContext, query: SearchQuery, mayAll: boolean): string[] {
  const ids = query.people.map((p) => p.staffId);
  return mayAll ? ids : ids.filter((id) => id === ctx.sender.staffId);
}

/**
 * The latest evening (yyyy-MM-dd) whose `hour` o'clock is before `before`: a record kept by day
 * (a roll call) is dated at that hour, and this is the last day a page older than `before` holds.
 */
export function lastDayBefore(before: Date, hour: number, tz: string): string {
  return DateTime.fromMillis(before.getTime() - 1, { zone: tz })
    .minus({ hours: hour })
    .toISODate()!;
}

/** A day (yyyy-MM-dd) at `hour` o'clock in the bot's zone, as a hit's time. */
export function dayAt(day: string, hour: number, tz: string): Date {
  return DateTime.fromISO(day, { zone: tz }).set({ hour }).toJSDate();
}

/** Several queries' hits as one list: each record once, most recent first, at most `limit`. */
export function latest(hits: readonly SearchHit[], limit: number): SearchHit[] {
  const seen = new Set<string>();
  return [...hits]
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .filter((h) => {
      const key = `${h.kind}|${h.open ?? ''}|${h.line}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, limit);
}

/** A line as the chat may show it: every phone in it masked in a group. */
export function shownIn(ctx: Pick<StaffContext, 'chat'>, line: string): string {
  return ctx.chat.isGroup ? maskPhonesIn(line) : line;
}
