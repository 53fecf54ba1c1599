import { describe, it, expect } from 'vitest';
import { looksLikeDate, monthOf, monthRange, parseMonth, resolveDate } from '../../../src/core/dates.ts';

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
});
