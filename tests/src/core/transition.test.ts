import mongoose, { Schema } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { transition } from '../../../src/core/transition.ts';
import { useDatabase } from '../../helpers/db.ts';

useDatabase('transition');

const Thing = mongoose.model(
  'TransitionThing',
  new Schema({ _id: String, status: String, version: { type: Number, default: 0 }, decidedBy: String, log: [String] }),
);

describe('transition', () => {
  it('lets exactly one of twenty simultaneous approvals through', async () => {
    await Thing.create({ _id: 'c1', status: 'pending' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        transition(
          Thing,
          'c1',
          0,
          { $set: { status: 'approved', decidedBy: `p${i}` }, $push: { log: `p${i}` } },
          `p${i}`,
        ),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const after = await Thing.findById('c1').lean();
    expect(after?.version).toBe(1);
    expect(after?.log).toHaveLength(1);
    expect(after?.log[0]).toBe(after?.decidedBy);
  });

  it('refuses a change made from a version that is no longer current', async () => {
    await Thing.create({ _id: 'c2', status: 'pending' });
    expect(await transition(Thing, 'c2', 0, { $set: { status: 'approved' } }, 'a')).toBe(true);
    expect(await transition(Thing, 'c2', 0, { $set: { status: 'rejected' } }, 'b')).toBe(false);
    expect(await transition(Thing, 'c2', 1, { $set: { status: 'paid' } }, 'c')).toBe(true);
    expect((await Thing.findById('c2').lean())?.status).toBe('paid');
  });
});
