import mongoose from 'mongoose';
import { beforeEach, describe, expect, it } from 'vitest';
import { ClientLog, type ClientLogRecord, clientLogRows } from '../../../handlers/clients/models.ts';
import { clientsWeekly } from '../../../handlers/clients/weekly.ts';
import type { Services } from '../../../src/core/context.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { testConfig } from '../../helpers/harness.ts';

/*
 * Client calls and visits keep a narrow row each (models.ts clientLogRows): on FerretDB 1.24 a
 * filter on the logs decodes every log (1 s of its CPU for a year's 7,000). The rows follow every
 * write, and 周报's 客户回访 counts the week's calls and visits from them.
 */

useDatabase('client_log_rows');

const services = { config: testConfig(), now: () => new Date('2026-12-01T02:00:00Z') } as unknown as Services;
const week = {
  from: new Date('2026-11-22T16:00:00Z'),
  to: new Date('2026-11-29T16:00:00Z'),
  label: '2026-11-23 至 2026-11-29',
};
const log = (kind: 'call' | 'visit', at: string, staffId = 's1') => ({
  clientId: 'c1',
  clientName: '万达物业',
  kind,
  day: at.slice(0, 10),
  at: new Date(at),
  by: { staffId, name: '张三' },
  content: '夜班两人，客户满意'.repeat(20),
});
const rowsCollection = () => mongoose.connection.db!.collection('clientlogrows');

beforeEach(async () => {
  await clearCollections();
  await rowsCollection().deleteMany({});
});

describe('client logs’ narrow rows', () => {
  it('keeps a row as each log is written and its photos added, with the log’s ObjectId', async () => {
    const made = await ClientLog.create(log('visit', '2026-11-24T03:00:00Z'));
    await ClientLog.updateOne({ _id: made._id }, { $set: { photos: ['img_1'], by: { staffId: 's2', name: '李四' } } });
    const record = (await ClientLog.findById(made._id).lean<ClientLogRecord>())!;
    expect(await rowsCollection().find({}).toArray()).toEqual([clientLogRows.rowOf(record)]);
    expect(JSON.stringify(clientLogRows.rowOf(record))).not.toContain('夜班');
  });

  it('counts 周报 客户回访’s calls and visits of the week from the rows, not the logs', async () => {
    await ClientLog.create([
      log('call', '2026-11-23T02:00:00Z'),
      log('visit', '2026-11-25T06:00:00Z'),
      log('call', '2026-11-29T15:00:00Z'),
      log('call', '2026-11-30T01:00:00Z'),
    ]);
    // a log written around the model (no row): not counted, so the count is the rows'
    await ClientLog.collection.insertOne(log('visit', '2026-11-26T02:00:00Z') as never);
    const part = await clientsWeekly.build(services, week);
    // calls 2 (the one on the 30th is next week), visits 1 (the one without a row is not seen)
    expect(part.charts?.[0]?.series[0]?.values).toEqual([2, 1, 0]);
    expect(part.lines.slice(0, 2).map((l) => l.match(/本周完成 (\d+) 次/)?.[1])).toEqual(['2', '1']);
  });
});
