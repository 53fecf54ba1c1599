import mongoose from 'mongoose';
import { describe, it, expect, beforeEach } from 'vitest';
import { useDatabase, clearCollections } from '../../helpers/db.ts';
import { Identity, Staff } from '../../../src/models/index.ts';
import { invalidateSender, resolveSender, SENDER_CACHE_MS, watchSenderWrites } from '../../../src/core/senders.ts';

useDatabase('senders');
watchSenderWrites();

const who = { channel: 'lark', userId: 'ou_zhang' };

async function bound(): Promise<string> {
  const s = await Staff.create({ name: '张三', phone: '13800000001', roles: ['guard'] });
  await Identity.create({ _id: 'lark:ou_zhang', staffId: s._id, channel: 'lark', userId: 'ou_zhang', boundAt: new Date() });
  return String(s._id);
}

describe('sender cache', () => {
  beforeEach(async () => {
    invalidateSender();
    await clearCollections();
  });

  it('refuses a disabled person at once on the instance that disabled them', async () => {
    const id = await bound();
    expect((await resolveSender(who, []))?.name).toBe('张三');
    await Staff.findByIdAndUpdate(id, { $set: { active: false } });
    expect(await resolveSender(who, [])).toBeNull();
  });

  it('uses new roles at once after they are set on this instance', async () => {
    const id = await bound();
    expect([...(await resolveSender(who, []))!.roles]).toEqual(['guard']);
    await Staff.updateOne({ _id: id }, { $set: { roles: ['guard', 'team_leader'] } });
    expect([...(await resolveSender(who, []))!.roles]).toEqual(['guard', 'team_leader']);
  });

  it('sees a change made by another instance within SENDER_CACHE_MS', async () => {
    const id = await bound();
    const t = Date.now();
    expect(await resolveSender(who, [], t)).not.toBeNull();
    // another process writes: the driver's own collection bypasses this process's mongoose
    await mongoose.connection.db!.collection(Staff.collection.collectionName).updateOne({ _id: new mongoose.Types.ObjectId(id) }, { $set: { active: false } });
    expect(await resolveSender(who, [], t + 10)).not.toBeNull();
    expect(await resolveSender(who, [], t + SENDER_CACHE_MS)).toBeNull();
  });

  it('recognises a new binding at once (unknown senders are not cached)', async () => {
    expect(await resolveSender(who, [])).toBeNull();
    await bound();
    expect((await resolveSender(who, []))?.name).toBe('张三');
  });
});
