import { DateTime } from 'luxon';
import { NUMERAL_CHARS, wholeNumber } from './numerals.ts';

/*
 * Dates and months as people type them, read in BOT_TIMEZONE: one parser for every workflow.
 */

/**
 * A date as typed (2026-11-27, 2026/11/27, 2026.11.27, 11-27, 11.27, 11月27日, 11月27号, 十一月二十七日,
 * 今天, 昨天, 前天, 大前天, 上周五, 周五, 这周一) → yyyy-MM-dd in `tz`. Without a year the latest such day
 * not after today is meant (in January, "12-30" is last year); a bare weekday (周五) is the latest one
 * not after today, 上周五 is the Friday of last week (weeks start on Monday), 这周五 this week's.
 */
export function resolveDate(text: string, now: Date, tz: string): string | undefined {
  const today = DateTime.fromJSDate(now, { zone: tz }).startOf('day');
  const t = chineseDayNumbers(text.normalize('NFKC').trim());
  const rel: Record<string, number> = { 今天: 0, 今日: 0, 昨天: 1, 昨日: 1, 前天: 2, 大前天: 3 };
  if (t in rel) return today.minus({ days: rel[t]! }).toISODate()!;
  const week = weekday(t, today);
  if (week) return week;
  let m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$/.exec(t);
  if (m) {
    const d = DateTime.fromObject({ year: +m[1]!, month: +m[2]!, day: +m[3]! }, { zone: tz });
    return d.isValid ? d.toISODate()! : undefined;
  }
  m = /^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$/.exec(t);
  if (m) {
    let d = DateTime.fromObject({ year: today.year, month: +m[1]!, day: +m[2]! }, { zone: tz });
    if (!d.isValid) return undefined;
    if (d > today) d = d.minus({ years: 1 });
    return d.isValid ? d.toISODate()! : undefined;
  }
  return undefined;
}

const WEEKDAYS: Record<string, number> = {
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  日: 7,
  天: 7,
  '1': 1,
  '2': 2,
  '3': 3,
  '4': 4,
  '5': 5,
  '6': 6,
  '7': 7,
};

/** 上周五 / 这周五 / 周五 (also 星期五, 礼拜五) as a day relative to `today`. */
function weekday(t: string, today: DateTime): string | undefined {
  const m = /^(上上|上|这|本)?(?:周|星期|礼拜)([一二三四五六日天1-7])$/.exec(t);
  if (!m) return undefined;
  const day = WEEKDAYS[m[2]!]!;
  const monday = today.minus({ days: today.weekday - 1 });
  const weeksBack = { 上上: 2, 上: 1, 这: 0, 本: 0 }[m[1] ?? ''];
  if (weeksBack !== undefined)
    return monday
      .minus({ weeks: weeksBack })
      .plus({ days: day - 1 })
      .toISODate()!;
  // a bare weekday: the latest such day not after today
  const back = (today.weekday - day + 7) % 7;
  return today.minus({ days: back }).toISODate()!;
}

/** 十二月五日 → 12月5日: Chinese numerals before 年/月/日/号 as digits (二〇二六年 too). */
function chineseDayNumbers(t: string): string {
  return t.replace(new RegExp(`[${NUMERAL_CHARS}]+(?=\\s*[年月日号])`, 'g'), (n) => {
    const v = wholeNumber(n) ?? digitByDigit(n);
    return v === undefined ? n : String(v);
  });
}

/** 二〇二六 → 2026 (a year read digit by digit). */
function digitByDigit(n: string): number | undefined {
  if (!/^[零〇一二三四五六七八九]{4}$/.test(n)) return undefined;
  return Number(
    [...n]
      .map((c) => '零〇一二三四五六七八九'.indexOf(c))
      .map((i) => (i <= 1 ? 0 : i - 1))
      .join(''),
  );
}

/** Whether the text is a date resolveDate understands (for a form field checked before `now` is known). */
export function looksLikeDate(text: string): boolean {
  return resolveDate(text, new Date('2000-06-15T00:00:00Z'), 'UTC') !== undefined;
}

/** A month like 2026-11 / 2026年11月 / 11月 (this year in `tz`) → yyyy-MM. */
export function parseMonth(text: string, now: Date, tz: string): string | undefined {
  const t = text.replace(/\s+/g, '');
  const valid = (y: number, mo: number) =>
    mo >= 1 && mo <= 12 && y >= 2000 && y <= 2100 ? `${y}-${String(mo).padStart(2, '0')}` : undefined;
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

/** 0–59 as typed in digits or Chinese numerals (八, 十二, 二十三, 两, 零五). */
function smallNumber(s: string): number | undefined {
  const n = wholeNumber(s);
  return n !== undefined && n <= 59 ? n : undefined;
}

/** The 24-hour hour of `hour` said with a part of the day (下午3点 → 15); undefined where it makes no sense (上午15点). */
function hourOfDay(part: string, hour: number): number | undefined {
  if (!part) return hour <= 23 ? hour : undefined;
  if (/^(凌晨|早上|早晨|上午)$/.test(part)) return hour <= 12 ? (part === '凌晨' && hour === 12 ? 0 : hour) : undefined;
  if (part === '中午') return hour >= 11 && hour <= 13 ? hour : hour >= 1 && hour <= 2 ? hour + 12 : undefined;
  if (/^(下午|傍晚)$/.test(part))
    return hour >= 1 && hour <= 11 ? hour + 12 : hour >= 12 && hour <= 23 ? hour : undefined;
  // 晚上: 8点 is 20:00; 12点 or 1点 is after midnight, which day is unclear, so it is left to be typed as 00:30
  return hour >= 5 && hour <= 11 ? hour + 12 : hour >= 17 && hour <= 23 ? hour : undefined;
}

const DAY_PART = '凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|夜间';
// digits or Chinese numerals, not both, so 上周五10点 is 上周五 at 10 and not 上周 at 「五10」
const NUMERAL = '\\d{1,2}|[零〇一二两三四五六七八九十]{1,3}';
/** A time of day after the day: 晚上10点, 22点半, 9:05, 下午三点二十分. */
const CLOCK_RE = new RegExp(
  `^\\s*(${DAY_PART})?\\s*(${NUMERAL})\\s*(?::\\s*(\\d{2})|[点时]\\s*(?:(半)|(${NUMERAL})\\s*分?)?)$`,
);

/**
 * A moment as typed — 刚才, 今天 08:40, 昨天 22:30, 14:30 (today), 12-04 09:00, 2026-12-04 09:00,
 * 下午3点半, 昨晚八点 — read in `tz` at `now`, to the minute (so showing it as yyyy-MM-dd HH:mm and
 * reading that back gives the same moment). The day is any resolveDate understands; without one it is
 * today. Undefined for what is no moment (a day without a time, 25:00, 乱写). A moment after `now` is
 * returned: whether that is allowed is the caller's rule.
 */
export function parseDateTime(text: string, now: Date, tz: string): Date | undefined {
  const t = text
    .normalize('NFKC')
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/^昨晚/, '昨天晚上')
    .replace(/^今晚/, '今天晚上')
    .replace(/^今早/, '今天早上');
  const current = DateTime.fromJSDate(now, { zone: tz }).startOf('minute');
  if (/^(刚才|刚刚|现在|此刻)$/.test(t)) return current.toJSDate();
  // the stored form read back, e.g. from a card prefilled with a value
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(t)) {
    const iso = DateTime.fromISO(t, { zone: tz });
    return iso.isValid ? iso.startOf('minute').toJSDate() : undefined;
  }
  // the day is what comes before the time; the first split that reads as both wins (周五十点 is 周五 at 10)
  for (let i = 0; i <= t.length; i++) {
    const m = CLOCK_RE.exec(t.slice(i));
    if (!m) continue;
    const dayText = t.slice(0, i).trim();
    const [, part = '', hourText = '', colonMinute, half, minuteText] = m;
    const day = dayText ? resolveDate(dayText, now, tz) : current.toISODate()!;
    const hour12 = smallNumber(hourText);
    const hour = hour12 === undefined ? undefined : hourOfDay(part, hour12);
    const minute =
      colonMinute !== undefined ? Number(colonMinute) : half ? 30 : minuteText ? smallNumber(minuteText) : 0;
    if (!day || hour === undefined || minute === undefined || minute > 59) continue;
    const at = DateTime.fromISO(day, { zone: tz }).set({ hour, minute });
    if (at.isValid) return at.toJSDate();
  }
  return undefined;
}
