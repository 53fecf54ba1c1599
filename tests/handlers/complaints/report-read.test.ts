import mongoose from 'mongoose';
import { beforeAll, expect, it } from 'vitest';
import { Complaint } from '../../../handlers/complaints/models.ts';
import { readReport } from '../../../handlers/complaints/report.ts';
import { useDatabase } from '../../helpers/db.ts';

/*
 * §4.3's report (投诉报告, and the complaints' part of 周报) reads the cases' rows in one query: on
 * FerretDB 1.24 every query but a bare `_id` reads all the documents of a collection, so five
 * queries cost five full reads, and a read of the complaints themselves ten times one of their
 * rows (npm run bench:reports, docs/performance.md).
 */

useDatabase('complaint_report_read');

const by = { staffId: 's1', name: '客服甲' };
const week = { from: new Date('2026-11-22T16:00:00Z'), to: new Date('2026-11-29T16:00:00Z'), label: '' };
const now = new Date('2026-12-01T02:00:00Z');
const base = (id: string, acceptedAt: string, more: Record<string, unknown> = {}) => ({
  _id: id,
  clientName: '万达物业',
  reason: '睡岗',
  demand: '换人',
  category: 'general',
  type: '服务态度',
  acceptedBy: by,
  acceptedAt: new Date(acceptedAt),
  clientToldAt: new Date(acceptedAt),
  ackDueAt: new Date(acceptedAt),
  dueAt: new Date(new Date(acceptedAt).getTime() + 72 * 3600_000),
  ...more,
});

beforeAll(async () => {
  // through the model, so the defaults are as the bot writes them
  await Complaint.insertMany([
    base('TS-20261124-001', '2026-11-24T02:00:00Z'),
    base('TS-20261125-001', '2026-11-25T02:00:00Z', { status: 'closed', closedAt: new Date('2026-11-28T02:00:00Z') }),
    // accepted before the week, closed in it
    base('TS-20261101-001', '2026-11-01T02:00:00Z', { status: 'closed', closedAt: new Date('2026-11-26T02:00:00Z') }),
    // overdue and still open, from long before
    base('TS-20261002-001', '2026-10-02T02:00:00Z', {
      status: 'investigated',
      overdueAt: new Date('2026-10-05T02:00:00Z'),
    }),
    // overdue but resolved since: not listed
    base('TS-20261003-001', '2026-10-03T02:00:00Z', {
      status: 'following_up',
      overdueAt: new Date('2026-10-06T02:00:00Z'),
    }),
    // the client not told in time
    base('TS-20261130-001', '2026-11-30T02:00:00Z', { clientToldAt: null, ackDueAt: new Date('2026-11-30T04:00:00Z') }),
    // not told, but not due yet
    base('TS-20261201-001', '2026-12-01T01:00:00Z', { clientToldAt: null, ackDueAt: new Date('2026-12-01T03:00:00Z') }),
    base('TS-20261015-001', '2026-10-15T02:00:00Z', {
      status: 'decided',
      approval: { status: 'pending', requestedBy: by, requestedAt: new Date('2026-10-16T02:00:00Z') },
    }),
  ] as never[]);
});

it('reads the week, the closed, the overdue, the untold and those awaiting the chairman in one read of the rows, the named cases by number', async () => {
  // was one query of the complaints themselves: on FerretDB 1.24 still a decode of every case (41 MB
  // in the year); now one read of their rows, and the cases the card names read by a bare `_id`
  const reads: { collection: string; method: string; filter: unknown }[] = [];
  mongoose.set('debug', (collection: string, method: string, filter: unknown) => {
    reads.push({ collection, method, filter });
  });
  const data = await readReport(week, now).finally(() => mongoose.set('debug', false));
  expect(reads.filter((r) => r.collection === 'complaintrows')).toHaveLength(1);
  const records = reads.filter((r) => r.collection === Complaint.collection.collectionName);
  expect(records.length).toBe(3);
  for (const r of records) expect(Object.keys(r.filter as object)).toEqual(['_id']);
  expect(data.accepted.map((c) => c.status).sort()).toEqual(['closed', 'registered']);
  expect(data.closed).toBe(2);
  expect(data.overdue.map((c) => c._id)).toEqual(['TS-20261002-001']);
  expect(data.untold.map((c) => c._id)).toEqual(['TS-20261130-001']);
  expect(data.awaitingChairman.map((c) => c._id)).toEqual(['TS-20261015-001']);
});
