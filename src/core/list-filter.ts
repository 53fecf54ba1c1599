import { DateTime } from 'luxon';
import { monthOf, monthRange, parseMonth, parsePeriod } from './dates.ts';
import { echo } from './text.ts';

/*
 * The words every list command reads the same way (投诉列表, 客户列表, 承诺, 巡回访问, 人员列表, and
 * the monthly ones): 全部, 我的, a period (本月, 上月, 今天, 2026-11, 11月, 2026-11-01~2026-11-15) and
 * the list's own status words. What is left is the list's to read (a client, a post, a category).
 */

export interface Period {
  from: Date;
  to: Date;
  /** The words as typed, for the list's heading. */
  label: string;
  /** yyyy-MM when the period is one whole month. */
  month?: string;
}

export interface ListWords<S> {
  /** 全部 / 所有: no default narrowing (every status, every owner). */
  all: boolean;
  /** 我的 / 我负责的: the sender's own. */
  mine: boolean;
  period?: Period;
  status?: S;
  /** The status word as typed. */
  statusWord?: string;
  /** The words that are none of these, in order. */
  rest: string[];
}

const ALL_WORDS = new Set(['全部', '所有', '全体', 'all']);
const MINE_WORDS = new Set(['我的', '我负责的', '我', 'mine']);

/** 本月 / 上月 (and their spoken forms) → yyyy-MM, or a month as parseMonth reads it. */
export function readMonth(word: string, now: Date, tz: string): string | undefined {
  const w = word.replace(/\s+/g, '');
  const here = DateTime.fromJSDate(now, { zone: tz });
  if (/^(本月|这个月|这月|当月)$/.test(w)) return monthOf(now, tz);
  if (/^(上月|上个月)$/.test(w)) return here.minus({ months: 1 }).toFormat('yyyy-MM');
  return parseMonth(w, now, tz);
}

/** A period word (本月, 上月, 今天, 昨天, 本周, 上周, a day, a month, a range); 'bad' for a date that is none. */
export function readPeriod(word: string, now: Date, tz: string): Period | 'bad' | undefined {
  const w = word.replace(/\s+/g, '');
  const month = readMonth(w, now, tz);
  if (month) {
    const { start, end } = monthRange(month, tz);
    return { from: start, to: end, label: w, month };
  }
  const today = DateTime.fromJSDate(now, { zone: tz }).startOf('day');
  const weeks: Record<string, number> = { 本周: 0, 这周: 0, 上周: 1 };
  if (w in weeks) {
    const start = today.startOf('week').minus({ weeks: weeks[w]! });
    return { from: start.toJSDate(), to: start.plus({ weeks: 1 }).toJSDate(), label: w };
  }
  const days: Record<string, number> = { 今天: 0, 今日: 0, 昨天: 1, 昨日: 1 };
  if (w in days) {
    const start = today.minus({ days: days[w]! });
    return { from: start.toJSDate(), to: start.plus({ days: 1 }).toJSDate(), label: w };
  }
  const range = parsePeriod(w, now, tz);
  return range === 'bad' || !range ? range : { ...range, label: w };
}

/** How a period is written, said when one was not understood. */
export const PERIOD_HINT = '本月、上月、2026-11、11月 或 2026-11-01~2026-11-15';

/**
 * A list command's words: the common ones read the same in every list, `status` reads the list's own
 * status words. Refuses a date that is none (2026-13) and a second period.
 */
export function readListWords<S>(
  args: string,
  now: Date,
  tz: string,
  status?: (word: string) => S | undefined,
): ListWords<S> | { error: string } {
  const out: ListWords<S> = { all: false, mine: false, rest: [] };
  // 2026-11-01 ~ 2026-11-30 is one word
  const words = args
    .replace(/\s*(~|～|至|到)\s*/g, '~')
    .split(/\s+/)
    .filter(Boolean);
  for (const w of words) {
    if (ALL_WORDS.has(w.toLowerCase())) {
      out.all = true;
      continue;
    }
    if (MINE_WORDS.has(w.toLowerCase())) {
      out.mine = true;
      continue;
    }
    const s = status?.(w);
    if (s !== undefined) {
      out.status = s;
      out.statusWord = w;
      continue;
    }
    const period = readPeriod(w, now, tz);
    if (period === 'bad') return { error: `日期「${echo(w)}」看不懂，请写成 ${PERIOD_HINT}。` };
    if (period) {
      if (out.period) return { error: `只能写一个日期或月份（写了「${echo(out.period.label)}」和「${echo(w)}」）。` };
      out.period = period;
      continue;
    }
    out.rest.push(w);
  }
  return out;
}
