import { describe, expect, it } from 'vitest';
import { readListWords, readMonth } from '../../../src/core/list-filter.ts';

const NOW = new Date('2026-12-04T06:00:00Z');
const TZ = 'Asia/Shanghai';
const STATUS: Record<string, string> = { 待调查: 'registered', 现有: 'current' };
const status = (w: string) => (Object.hasOwn(STATUS, w) ? STATUS[w] : undefined);

describe('the words every list reads the same', () => {
  it('reads 全部, 我的, a status word and leaves the rest (a name) to the list', () => {
    expect(readListWords('全部 待调查 万达 物业', NOW, TZ, status)).toEqual({
      all: true,
      mine: false,
      status: 'registered',
      statusWord: '待调查',
      rest: ['万达', '物业'],
    });
    expect(readListWords('我的', NOW, TZ, status)).toMatchObject({ all: false, mine: true, rest: [] });
  });

  it("reads 本月, 上月, a month, a day and a range (spaces around ~ too) as periods in the bot's time zone", () => {
    const period = (w: string) => {
      const r = readListWords(w, NOW, TZ);
      if ('error' in r || !r.period) throw new Error(w);
      return [r.period.from.toISOString(), r.period.to.toISOString(), r.period.month];
    };
    expect(period('本月')).toEqual(['2026-11-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z', '2026-12']);
    expect(period('上月')).toEqual(['2026-10-31T16:00:00.000Z', '2026-11-30T16:00:00.000Z', '2026-11']);
    expect(period('11月')).toEqual(period('2026-11'));
    expect(period('今天')).toEqual(['2026-12-03T16:00:00.000Z', '2026-12-04T16:00:00.000Z', undefined]);
    expect(period('2026-11-01 ~ 2026-11-15')).toEqual([
      '2026-10-31T16:00:00.000Z',
      '2026-11-15T16:00:00.000Z',
      undefined,
    ]);
  });

  it('refuses a date that is none (2026-13) and two periods, instead of reading them as a name', () => {
    expect(readListWords('2026-13', NOW, TZ)).toEqual({ error: expect.stringContaining('日期「2026-13」看不懂') });
    expect(readListWords('本月 上月', NOW, TZ)).toEqual({ error: expect.stringContaining('只能写一个') });
  });

  it('reads the month of a monthly list: 本月, 上月, 2026-11, 11月', () => {
    expect(readMonth('本月', NOW, TZ)).toBe('2026-12');
    expect(readMonth('上个月', NOW, TZ)).toBe('2026-11');
    expect(readMonth('2026-11', NOW, TZ)).toBe('2026-11');
    expect(readMonth('11月', NOW, TZ)).toBe('2026-11');
    expect(readMonth('乱写', NOW, TZ)).toBeUndefined();
  });
});
