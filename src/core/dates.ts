import { DateTime } from 'luxon';

/*
 * Dates and months as people type them, read in BOT_TIMEZONE: one parser for every workflow.
 */

/**
 * A date as typed (2026-11-27, 2026/11/27, 2026.11.27, 11-27, 11月27日, 今天, 昨天, 前天) → yyyy-MM-dd in
 * `tz`. Without a year the latest such day not after today is meant (in January, "12-30" is last year).
 */
export function resolveDate(text: string, now: Date, tz: string): string | undefined {
  const today = DateTime.fromJSDate(now, { zone: tz }).startOf('day');
  const t = text.trim();
  const rel: Record<string, number> = { 今天: 0, 今日: 0, 昨天: 1, 昨日: 1, 前天: 2 };
  if (t in rel) return today.minus({ days: rel[t]! }).toISODate()!;
  let m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(t);
  if (m) {
    const d = DateTime.fromObject({ year: +m[1]!, month: +m[2]!, day: +m[3]! }, { zone: tz });
    return d.isValid ? d.toISODate()! : undefined;
  }
  m = /^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(t);
  if (m) {
    let d = DateTime.fromObject({ year: today.year, month: +m[1]!, day: +m[2]! }, { zone: tz });
    if (!d.isValid) return undefined;
    if (d > today) d = d.minus({ years: 1 });
    return d.isValid ? d.toISODate()! : undefined;
  }
  return undefined;
}

/** Whether the text is a date resolveDate understands (for a form field checked before `now` is known). */
export function looksLikeDate(text: string): boolean {
  return resolveDate(text, new Date('2000-06-15T00:00:00Z'), 'UTC') !== undefined;
}

/** A month like 2026-11 / 2026年11月 / 11月 (this year in `tz`) → yyyy-MM. */
export function parseMonth(text: string, now: Date, tz: string): string | undefined {
  const t = text.replace(/\s+/g, '');
  const valid = (y: number, mo: number) => (mo >= 1 && mo <= 12 && y >= 2000 && y <= 2100 ? `${y}-${String(mo).padStart(2, '0')}` : undefined);
  let m = /^(\d{4})[-./年](\d{1,2})月?$/.exec(t);
  if (m) return valid(Number(m[1]), Number(m[2]));
  m = /^(\d{1,2})月$/.exec(t);
  if (m) return valid(DateTime.fromJSDate(now, { zone: tz }).year, Number(m[1]));
  return undefined;
}

/** The month `now` falls in, yyyy-MM in `tz`. */
export function monthOf(now: Date, tz: string): string {
  return DateTime.fromJSDate(now, { zone: tz }).toFormat('yyyy-MM');
}

/** [start, end) of a yyyy-MM month in `tz`, for range queries. */
export function monthRange(month: string, tz: string): { start: Date; end: Date } {
  const start = DateTime.fromFormat(month, 'yyyy-MM', { zone: tz }).startOf('month');
  return { start: start.toJSDate(), end: start.plus({ months: 1 }).toJSDate() };
}

/**
 * A period as typed in list commands: a day (2026-11-27), a month (2026-11, 11月) or a range
 * (2026-11-01~2026-11-15) → [from, to) in `tz`; 'bad' for something date-like that is not valid;
 * undefined when the word is no date at all.
 */
export function parsePeriod(word: string, now: Date, tz: string): { from: Date; to: Date } | 'bad' | undefined {
  const w = word.replace(/\s+/g, '');
  const range = /^(.+)[~～至到](.+)$/.exec(w);
  if (range) {
    const a = resolveDate(range[1]!, now, tz);
    const b = resolveDate(range[2]!, now, tz);
    if (!a || !b || b < a) return 'bad';
    return { from: dayStart(a, tz), to: dayStart(b, tz, 1) };
  }
  const day = /\d{1,2}[-/.月]\d{1,2}日?$/.test(w) ? resolveDate(w, now, tz) : undefined;
  if (day) return { from: dayStart(day, tz), to: dayStart(day, tz, 1) };
  const month = parseMonth(w, now, tz);
  if (month) {
    const { start, end } = monthRange(month, tz);
    return { from: start, to: end };
  }
  return /\d{4}[-/.年]\d/.test(w) ? 'bad' : undefined;
}

function dayStart(isoDate: string, tz: string, plusDays = 0): Date {
  return DateTime.fromISO(isoDate, { zone: tz }).plus({ days: plusDays }).toJSDate();
}
