import mongoose from 'mongoose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RollCall, rollCallId } from '../../../handlers/dorms/models.ts';
import { recordsOf } from '../../../handlers/dorms/records.ts';
import { Dorm, Staff } from '../../../src/models/index.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';

/*
 * A week's or a month's roll calls are read by their keys (`<date>:<dorm>`): on FerretDB 1.24 a
 * `date` filter decodes every roll call ever made — a year of 300 dorms took 90 s of its CPU for
 * one week (npm run bench:reports, docs/performance.md).
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

/** The filters of every read of the roll calls while `work` runs. */
async function rollCallReads(work: () => Promise<unknown>): Promise<unknown[]> {
  const filters: unknown[] = [];
  mongoose.set('debug', (collection: string, _method: string, filter: unknown) => {
    if (collection === RollCall.collection.collectionName) filters.push(filter);
  });
  try {
    await work();
  } finally {
    mongoose.set('debug', false);
  }
  return filters;
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
  it('reads a week of every dorm by key only, oldest first, and finds each roll call of it', async () => {
    let got: Awaited<ReturnType<typeof recordsOf>> = [];
    const reads = await rollCallReads(async () => {
      got = await recordsOf({ from: '2026-11-23', to: '2026-11-29' });
    });
    expect(got.map((r) => `${r.date} ${r.dorm}${r.late ? ' late' : ''}`)).toEqual([
      '2026-11-23 城北宿舍 late',
      '2026-11-23 城南宿舍',
      '2026-11-29 河西宿舍',
    ]);
    expect(reads.length).toBeGreaterThan(0);
    for (const f of reads) expect(Object.keys(f as object)).toEqual(['_id']);
    for (const f of reads) expect(typeof (f as { _id: unknown })._id).toBe('string');
  });

  it("reads one dorm's month by key only, the month's last day included", async () => {
    let got: Awaited<ReturnType<typeof recordsOf>> = [];
    const reads = await rollCallReads(async () => {
      got = await recordsOf({ dorm: '城南宿舍', month: '2026-11' });
    });
    expect(got.map((r) => r.date)).toEqual(['2026-11-22', '2026-11-23', '2026-11-30']);
    expect(reads).toHaveLength(30);
    for (const f of reads) expect(Object.keys(f as object)).toEqual(['_id']);
  });
});
