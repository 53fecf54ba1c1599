import mongoose, { Schema } from 'mongoose';
import { beforeEach, describe, expect, it } from 'vitest';
import { NarrowCopy } from '../../../src/core/narrow-copy.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';

useDatabase('narrow_copy');

interface Case {
  _id: string;
  day: string;
  status: string;
  by: { staffId: string; name: string };
  responsible: { staffId: string; name: string }[];
  notes: string[];
  version: number;
}

const schema = new Schema<Case>({
  _id: String,
  day: String,
  status: String,
  by: { staffId: String, name: String },
  responsible: [{ _id: false, staffId: String, name: String }],
  notes: [String],
  version: { type: Number, default: 0 },
});
const rows = new NarrowCopy<Case>(
  { name: 'narrowtestrows', fields: ['status', 'day', 'by.staffId', 'responsible.staffId'] },
  () => Sample,
);
rows.watch(schema);
const Sample = mongoose.model<Case>('NarrowSample', schema, 'narrowsamples');

const monthly = new NarrowCopy<Case>(
  { name: 'narrowmonthrows', fields: ['status', 'day'], partition: (c) => c.day.slice(0, 7) },
  () => Sample,
);

// rows only for the closed cases (a state a case never leaves here), one collection per month
const closedOnly = new NarrowCopy<Case>(
  {
    name: 'narrowclosedrows',
    fields: ['status'],
    partition: (c) => c.day.slice(0, 7),
    keep: (c) => c.status === 'closed',
  },
  () => Sample,
);

const sample = (id: string, over: Partial<Case> = {}): Case => ({
  _id: id,
  day: '2026-11-03',
  status: 'open',
  by: { staffId: 's1', name: '张三' },
  responsible: [
    { staffId: 's2', name: '李四' },
    { staffId: 's3', name: '王五' },
  ],
  notes: ['a long history the lists never filter on'],
  version: 0,
  ...over,
});

beforeEach(async () => {
  await clearCollections();
});

describe('a narrow copy of a collection', () => {
  it('keeps only the listed paths, objects and arrays in their shape', () => {
    expect(rows.rowOf(sample('A'))).toEqual({
      _id: 'A',
      status: 'open',
      day: '2026-11-03',
      by: { staffId: 's1' },
      responsible: [{ staffId: 's2' }, { staffId: 's3' }],
    });
  });

  it('follows create, updateOne, findOneAndUpdate, updateMany and deletes', async () => {
    await Sample.create(sample('A'));
    await Sample.insertMany([sample('B', { status: 'closed' })]);
    expect((await rows.rows({ status: 'open' })).map((r) => r._id)).toEqual(['A']);
    await Sample.updateOne({ _id: 'A' }, { $set: { status: 'closed' } });
    expect(await rows.rows({ status: 'open' })).toEqual([]);
    await Sample.findOneAndUpdate({ _id: 'B' }, { $set: { status: 'open' } });
    expect((await rows.rows({ status: 'open' })).map((r) => r._id)).toEqual(['B']);
    await Sample.updateMany({ status: 'open' }, { $set: { 'by.staffId': 's9' } });
    expect((await rows.rows({ 'by.staffId': 's9' })).map((r) => r._id)).toEqual(['B']);
    await Sample.deleteOne({ _id: 'B' });
    expect((await rows.rows({})).map((r) => r._id)).toEqual(['A']);
  });

  it('runs the record query on the rows, array paths included, then reads the records by id', async () => {
    await Sample.create([sample('A'), sample('B', { responsible: [{ staffId: 's7', name: '赵六' }] })]);
    const found = await rows.all({ 'responsible.staffId': 's7' });
    expect(found.map((c) => [c._id, c.notes.length])).toEqual([['B', 1]]);
  });

  it('does not return a record that no longer matches when its row is behind (a crash between the writes)', async () => {
    await Sample.create(sample('A'));
    // written around the hooks, as a process killed before the row's write leaves it
    await Sample.collection.updateOne({ _id: 'A' as never }, { $set: { status: 'closed' } });
    expect((await rows.rows({ status: 'open' })).length).toBe(1);
    expect(await rows.all({ status: 'open' })).toEqual([]);
    await rows.syncIds(['A']);
    expect(await rows.rows({ status: 'open' })).toEqual([]);
  });

  it('ends with the row of the last write when an earlier write’s row lands after it', async () => {
    await Sample.create(sample('A'));
    const put = rows.put.bind(rows);
    let open = () => {};
    const gate = new Promise<void>((r) => {
      open = r;
    });
    // the first write's row is held back until the second write (and its row) is done
    rows.put = async (record: Case) => {
      if (record.status === 'first') await gate;
      return put(record);
    };
    try {
      const first = Sample.updateOne({ _id: 'A' }, { $set: { status: 'first' } }).exec();
      await new Promise((r) => setTimeout(r, 100));
      await Sample.updateOne({ _id: 'A' }, { $set: { status: 'second' } });
      open();
      await first;
    } finally {
      rows.put = put;
    }
    expect((await rows.rows({ _id: 'A' })).map((r) => r.status)).toEqual(['second']);
  });

  it('builds in the background: readers of the rows wait for the build, writes during it end in their rows', async () => {
    await Sample.collection.insertMany(
      Array.from({ length: 1200 }, (_, i) => sample(`R${String(i).padStart(4, '0')}`)) as never,
    );
    const failed: unknown[] = [];
    rows.buildInBackground((err) => failed.push(err));
    // a write while the build reads: its hook writes the row, the build may overwrite it with what it read
    await Sample.updateOne({ _id: 'R0000' }, { $set: { status: 'closed' } });
    expect((await rows.rows({ status: 'open' })).length).toBe(1199);
    expect((await rows.rows({ status: 'closed' })).map((r) => r._id)).toEqual(['R0000']);
    await rows.built();
    expect(failed).toEqual([]);
  });

  it('sorts and limits across rows', async () => {
    await Sample.create([sample('A', { day: '2026-11-05' }), sample('B', { day: '2026-11-01' }), sample('C')]);
    const found = await rows.all({}, { sort: { day: -1 }, limit: 2 });
    expect(found.map((c) => c._id)).toEqual(['A', 'C']);
  });

  it('rebuilds the rows of records written before the copy, once per database', async () => {
    await Sample.collection.insertMany([sample('A'), sample('B', { day: '2026-12-01' })] as never);
    expect(await monthly.rebuild()).toBe(2);
    expect(await monthly.partitions()).toEqual(['202611', '202612']);
    expect((await monthly.rows({}, { keys: ['202612'] })).map((r) => r._id)).toEqual(['B']);
    expect((await monthly.rows({ status: 'open' }, { sort: { day: -1 } })).map((r) => r._id)).toEqual(['B', 'A']);
    expect(await monthly.rebuild()).toBe(0);
  });

  it('keeps rows only for the records `keep` says yes to', async () => {
    await Sample.create(sample('A'));
    await Sample.create(sample('B', { status: 'closed', day: '2026-12-01' }));
    expect(await closedOnly.rebuild()).toBe(1);
    expect(await closedOnly.partitions()).toEqual(['202612']);
    expect((await closedOnly.rows({})).map((r) => r._id)).toEqual(['B']);
    await closedOnly.put({ ...sample('A'), status: 'closed' });
    expect((await closedOnly.rows({}, { keys: ['2026-11'] })).map((r) => r._id)).toEqual(['A']);
  });
});
