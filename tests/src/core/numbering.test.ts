import { describe, it, expect } from 'vitest';
import { useDatabase } from '../../helpers/db.ts';
import { dailyNumber, formatDateTime } from '../../../src/core/numbering.ts';

useDatabase('numbering');

describe('daily numbers', () => {
  it('gives twenty simultaneous registrations twenty different numbers', async () => {
    const at = new Date('2026-11-27T03:00:00Z');
    const numbers = await Promise.all(Array.from({ length: 20 }, () => dailyNumber('TS', at, 'Asia/Shanghai')));
    expect(new Set(numbers).size).toBe(20);
    expect(numbers.sort()[0]).toBe('TS-20261127-001');
  });

  it('counts the day in the bot\'s time zone, not UTC', async () => {
    // 2026-11-27 17:00 UTC is already the 28th in Shanghai
    expect(await dailyNumber('BX', new Date('2026-11-27T17:00:00Z'), 'Asia/Shanghai')).toBe('BX-20261128-001');
    expect(formatDateTime(new Date('2026-11-27T17:00:00Z'), 'Asia/Shanghai')).toBe('2026-11-28 01:00');
  });
});
