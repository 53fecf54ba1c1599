import mongoose from 'mongoose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RollCall, rollCallId } from '../../../handlers/dorms/models.ts';
import { recordsOf } from '../../../handlers/dorms/records.ts';
import { Dorm, Staff } from '../../../src/models/index.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';

/*
 * A week's or a month's roll calls are read from their rows (models.ts rollCallRows), only the
 * months concerned, never from the roll calls: on FerretDB 1.24 a `date` filter decodes every roll
 * call ever made — a year of 300 dorms took 90 s of its CPU for one week — and reading them by key
 * (`<date>:<dorm>`) was still 2,100 reads of ~10 KB for a week (npm run bench:reports).
 */

useDatabase('dorm_records_by_key');

const leader = { staffId: 's1', name: '队长甲' };
const rollCall = (date: string, dorm: string, late = false) => ({
  _id: rollCallId(date, dorm),
  date,
  dorm,
  residents: [leader],
  leaders: [leader],
  askedAt: new Date(`${date}T13:30:00Z`),
  report: { at: new Date(`${date}T14:05:00Z`), by: leader, late, entries: [{ ...leader, status: 'present' }] },
});

/** The collections read, and the filters of every read of the roll calls, while `work` runs. */
async function rollCallReads(work: () => Promise<unknown>): Promise<{ records: unknown[]; collections: Set<string> }> {
  const records: unknown[] = [];
  const collections = new Set<string>();
  mongoose.set('debug', (collection: string, method: string, filter: unknown) => {
    if (method === 'find' || method === 'findOne') collections.add(collection);
    if (collection === RollCall.collection.collectionName) records.push(filter);
  });
  try {
    await work();
  } finally {
    mongoose.set('debug', false);
  }
  return { records, collections };
}

beforeEach(async () => {
  await clearCollections();
  await Dorm.create([{ name: '城南宿舍' }, { name: '城北宿舍' }]);
  // a dorm known only from its residents is a dorm too
  await Staff.create({ name: '队员乙', phone: '13800000001', dorm: '河西宿舍' });
  await RollCall.create([
    rollCall('2026-11-22', '城南宿舍'),
    rollCall('2026-11-23', '城南宿舍'),
    rollCall('2026-11-23', '城北宿舍', true),
    rollCall('2026-11-29', '河西宿舍'),
    rollCall('2026-11-30', '城南宿舍'),
    rollCall('2026-12-01', '城北宿舍'),
  ]);
});
afterEach(() => mongoose.set('debug', false));

describe('roll calls of a period', () => {
  it("reads a week of every dorm from its month's rows only, oldest first, and finds each roll call of it", async () => {
    let got: Awaited<ReturnType<typeof recordsOf>> = [];
    const reads = await rollCallReads(async () => {
      got = await recordsOf({ from: '2026-11-23', to: '2026-11-29' });
    });
    expect(got.map((r) => `${r.date} ${r.dorm}${r.late ? ' late' : ''}`)).toEqual([
      '2026-11-23 城北宿舍 late',
      '2026-11-23 城南宿舍',
      '2026-11-29 河西宿舍',
    ]);
    expect(reads.records).toEqual([]);
    expect([...reads.collections].filter((c) => c.startsWith('rollcall'))).toEqual(['rollcallrows_202611']);
  });

  it("reads one dorm's month from that month's rows only, the month's last day included", async () => {
    let got: Awaited<ReturnType<typeof recordsOf>> = [];
    const reads = await rollCallReads(async () => {
      got = await recordsOf({ dorm: '城南宿舍', month: '2026-11' });
    });
    expect(got.map((r) => r.date)).toEqual(['2026-11-22', '2026-11-23', '2026-11-30']);
    expect(reads.records).toEqual([]);
    expect([...reads.collections].filter((c) => c.startsWith('rollcall'))).toEqual(['rollcallrows_202611']);
  });

  it('a week across two months reads the rows of both', async () => {
    let got: Awaited<ReturnType<typeof recordsOf>> = [];
    const reads = await rollCallReads(async () => {
      got = await recordsOf({ from: '2026-11-30', to: '2026-12-06' });
    });
    expect(got.map((r) => `${r.date} ${r.dorm}`)).toEqual(['2026-11-30 城南宿舍', '2026-12-01 城北宿舍']);
    expect([...reads.collections].filter((c) => c.startsWith('rollcall')).sort()).toEqual([
      'rollcallrows_202611',
      'rollcallrows_202612',
    ]);
  });
});
