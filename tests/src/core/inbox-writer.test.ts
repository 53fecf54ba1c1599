import { describe, it, expect } from 'vitest';
import { useDatabase } from '../../helpers/db.ts';
import { InboundEvent } from '../../../src/models/index.ts';
import { batchedSets, InboxWriter } from '../../../src/core/inbox.ts';

useDatabase('inbox_writer');

const doc = (id: string) => ({ _id: `console:${id}`, channel: 'console', event: { id, text: id, value: {} }, receivedAt: new Date() });

describe('inbox writer (events recorded many per write)', () => {
  it('records each event once when deliveries race, redeliveries in the same batch included', async () => {
    const inbox = new InboxWriter();
    const ids = Array.from({ length: 20 }, (_, i) => `e${i}`);
    // every event delivered twice at once, and ten of them a third time after the first batch
    const results = await Promise.all([...ids, ...ids].map((id) => inbox.record(doc(id))));
    const late = await Promise.all(ids.slice(0, 10).map((id) => inbox.record(doc(id))));
    expect(results.filter(Boolean)).toHaveLength(20);
    expect(late.filter(Boolean)).toHaveLength(0);
    const stored = await InboundEvent.find({ _id: { $in: ids.map((id) => `console:${id}`) } }).lean();
    expect(stored).toHaveLength(20);
    // stored exactly as received, with the inbox defaults
    expect(stored.find((s) => s._id === 'console:e3')).toMatchObject({ status: 'received', attempts: 0, event: { id: 'e3', value: {} } });
  });

  it('applies every status write made at the same time, each to its own record', async () => {
    const inbox = new InboxWriter();
    const ids = Array.from({ length: 30 }, (_, i) => `s${i}`);
    await Promise.all(ids.map((id) => inbox.record(doc(id))));
    const sets = batchedSets(InboundEvent);
    await Promise.all(ids.map((id, i) => sets.push({ _id: `console:${id}`, set: { status: i % 2 ? 'done' : 'failed', attempts: i } })));
    const stored = await InboundEvent.find({ _id: { $in: ids.map((id) => `console:${id}`) } }).lean();
    expect(stored.map((r) => [r._id, r.status, r.attempts]).sort()).toEqual(ids.map((id, i) => [`console:${id}`, i % 2 ? 'done' : 'failed', i]).sort());
  });
});
