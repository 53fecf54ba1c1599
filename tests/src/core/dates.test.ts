import { describe, expect, it } from 'vitest';
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

  // #21: 「上周五」, 「12月5号」 and 「十二月五日」 were 「日期格式不对」
  it('reads 12月5日, 12.5, 2026/12/05, 昨天, 前天 and 上周五 (last week’s Friday) where a date is expected', () => {
    const thursday = new Date('2026-12-10T04:00:00Z');
    const day = (typed: string, now = thursday) => resolveDate(typed, now, TZ);
    expect(day('12月5日')).toBe('2026-12-05');
    expect(day('12.5')).toBe('2026-12-05');
    expect(day('2026/12/05')).toBe('2026-12-05');
    expect(day('昨天')).toBe('2026-12-09');
    expect(day('前天')).toBe('2026-12-08');
    expect(day('上周五')).toBe('2026-12-04');
    // on a Saturday too, 上周五 is the Friday of the week before, not yesterday
    expect(day('上周五', new Date('2026-12-12T04:00:00Z'))).toBe('2026-12-04');
    expect(day('上星期日')).toBe('2026-12-06');
    expect(day('周五')).toBe('2026-12-04');
    expect(day('这周一')).toBe('2026-12-07');
    expect(day('12月5号')).toBe('2026-12-05');
    expect(day('十二月五日')).toBe('2026-12-05');
    expect(day('周八')).toBeUndefined();
  });

  it('reads 晚上10点, 22点半 and a day before them, 上周五10点 too', () => {
    const at = (typed: string) => parseDateTime(typed, new Date('2026-12-10T04:00:00Z'), TZ)?.toISOString();
    expect(at('晚上10点')).toBe('2026-12-10T14:00:00.000Z');
    expect(at('22点半')).toBe('2026-12-10T14:30:00.000Z');
    expect(at('上周五 晚上10点')).toBe('2026-12-04T14:00:00.000Z');
    expect(at('上周五10点')).toBe('2026-12-04T02:00:00.000Z');
    expect(at('周五十点')).toBe('2026-12-04T02:00:00.000Z');
    expect(at('12.5 22:00')).toBe('2026-12-05T14:00:00.000Z');
    expect(at('十二月五日 晚上十点')).toBe('2026-12-05T14:00:00.000Z');
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
    for (const bad of ['乱写', '今天', '明天 09:00', '25:00', '昨天 23:60', '上午15点', '晚上12点', '9:5'])
      expect(at(bad), bad).toBeUndefined();
  });
});
