import { describe, it, expect } from 'vitest';
import { looksLikeDate, monthOf, monthRange, parseDateTime, parseMonth, resolveDate } from '../../../src/core/dates.ts';

const TZ = 'Asia/Shanghai';
const NOW = new Date('2026-11-27T04:00:00Z');

describe('dates as people type them', () => {
  it('resolves dates as typed, a month-day without year to the latest such day', () => {
    expect(resolveDate('今天', NOW, TZ)).toBe('2026-11-27');
    expect(resolveDate('昨天', NOW, TZ)).toBe('2026-11-26');
    expect(resolveDate('11月3日', NOW, TZ)).toBe('2026-11-03');
    expect(resolveDate('12-30', NOW, TZ)).toBe('2025-12-30');
    expect(resolveDate('2026/2/30', NOW, TZ)).toBeUndefined();
    expect(looksLikeDate('2026.11.27')).toBe(true);
    expect(looksLikeDate('明年')).toBe(false);
  });

  it('reads months, a bare month in this year of the bot’s zone', () => {
    expect(parseMonth('2026年11月', NOW, TZ)).toBe('2026-11');
    expect(parseMonth('3月', new Date('2027-01-05T00:00:00Z'), TZ)).toBe('2027-03');
    expect(parseMonth('13月', NOW, TZ)).toBeUndefined();
    // 23:30 on 31 December UTC is already the new year in Shanghai
    expect(monthOf(new Date('2026-12-31T16:30:00Z'), TZ)).toBe('2027-01');
  });

  it('gives a month as a range that starts at local midnight', () => {
    const { start, end } = monthRange('2026-11', TZ);
    expect(start.toISOString()).toBe('2026-10-31T16:00:00.000Z');
    expect(end.toISOString()).toBe('2026-11-30T16:00:00.000Z');
  });

  it('reads moments as typed, relative words at the moment of the message, to the minute', () => {
    const at = (typed: string) => {
      const d = parseDateTime(typed, new Date('2026-11-27T02:17:33Z'), TZ); // 10:17:33 in Shanghai
      return d && d.toISOString();
    };
    expect(at('刚才')).toBe('2026-11-27T02:17:00.000Z');
    expect(at('刚刚')).toBe('2026-11-27T02:17:00.000Z');
    expect(at('今天 08:40')).toBe('2026-11-27T00:40:00.000Z');
    expect(at('今天08:40')).toBe('2026-11-27T00:40:00.000Z');
    expect(at('昨天 22:30')).toBe('2026-11-26T14:30:00.000Z');
    expect(at('14:30')).toBe('2026-11-27T06:30:00.000Z'); // today, even if later: the caller refuses the future
    expect(at('12-04 09:00')).toBe('2025-12-04T01:00:00.000Z'); // the latest 4 December not after today
    expect(at('2026-12-04 09:00')).toBe('2026-12-04T01:00:00.000Z');
    expect(at('２０２６－１１－２０　０９：００')).toBe('2026-11-20T01:00:00.000Z');
    expect(at('11月20号 9点')).toBe('2026-11-20T01:00:00.000Z');
    expect(at('上午8点半')).toBe('2026-11-27T00:30:00.000Z');
    expect(at('下午三点半')).toBe('2026-11-27T07:30:00.000Z');
    expect(at('晚上8点')).toBe('2026-11-27T12:00:00.000Z');
    expect(at('昨晚十点二十')).toBe('2026-11-26T14:20:00.000Z');
    expect(at('2026-11-27T08:40:00.000+08:00')).toBe('2026-11-27T00:40:00.000Z');
    for (const bad of ['乱写', '今天', '明天 09:00', '25:00', '昨天 23:60', '上午15点', '晚上12点', '9:5']) expect(at(bad), bad).toBeUndefined();
  });
});
