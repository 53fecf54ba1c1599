import { beforeEach, describe, expect, it } from 'vitest';
import { dailyNumber } from '../../../src/core/numbering.ts';
import { DayIndex, daysIn, numbersIssued, readAll, readEach } from '../../../src/core/period-keys.ts';
import { Counter } from '../../../src/models/index.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';

useDatabase('period_keys');

const TZ = 'Asia/Shanghai';

beforeEach(async () => {
  await clearCollections();
});

describe('reading a period by key', () => {
  it('lists the local days of a week, the last one included and the end excluded', () => {
    const days = daysIn({ from: new Date('2026-11-22T16:00:00Z'), to: new Date('2026-11-29T16:00:00Z') }, TZ);
    expect(days).toEqual([
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
      '2026-11-26',
      '2026-11-27',
      '2026-11-28',
      '2026-11-29',
    ]);
  });

  it('finds every number issued on the days, also past a counter whose last update was lost', async () => {
    const day = new Date('2026-11-27T03:00:00Z');
    for (let i = 0; i < 3; i++) await dailyNumber('TS', day, TZ);
    await dailyNumber('TS', new Date('2026-11-28T03:00:00Z'), TZ);
    await dailyNumber('BX', day, TZ);
    // the counter is a hint that nextSequence updates after the number is taken, ignoring failures
    await Counter.updateOne({ _id: 'TS-20261127' }, { $set: { seq: 1 } });
    expect(await numbersIssued('TS', ['2026-11-26', '2026-11-27', '2026-11-28'])).toEqual([
      'TS-20261127-001',
      'TS-20261127-002',
      'TS-20261127-003',
      'TS-20261128-001',
    ]);
  });

  it('yields the records found in the order of the ids, skipping ids with no record', async () => {
    const store = new Map([
      ['a', 1],
      ['c', 3],
      ['d', 4],
    ]);
    const read = async (id: string) => {
      await new Promise((r) => setTimeout(r, id === 'a' ? 20 : 1));
      return store.get(id) ?? null;
    };
    expect(await readAll(['a', 'b', 'c', 'd'], read, 2)).toEqual([1, 3, 4]);
  });

  it('stops with a failed read as its error, without an unhandled rejection from reads in flight', async () => {
    const read = async (id: string) => {
      if (id !== 'a') throw new Error(`read ${id} failed`);
      await new Promise((r) => setTimeout(r, 20));
      return 1;
    };
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const v of readEach(['a', 'b', 'c'], read, 3)) got.push(v);
      })(),
    ).rejects.toThrow('read b failed');
    expect(got).toEqual([1]);
  });

  it('keeps every id of writers adding to one day at once, each day apart', async () => {
    const paid = new DayIndex('claims.paid');
    await Promise.all(Array.from({ length: 12 }, (_, i) => paid.add('2026-11-27', `BX-${i}`)));
    await paid.add('2026-11-28', 'BX-20', 'BX-21');
    await paid.add('2026-11-28', 'BX-20');
    await new DayIndex('claims.decided').add('2026-11-27', 'BX-99');
    const got = await paid.ids(['2026-11-27']);
    expect(got.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `BX-${i}`).sort());
    expect(await paid.ids(['2026-11-28', '2026-11-29'])).toEqual(['BX-20', 'BX-21']);
  });
});
