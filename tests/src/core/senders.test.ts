import mongoose from 'mongoose';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DIRECTORY_MAX_AGE_MS,
  invalidateSender,
  refreshDueAt,
  resolveSender,
  watchSenderWrites,
} from '../../../src/core/senders.ts';
import { Identity, PeopleStamp, Staff } from '../../../src/models/index.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';

useDatabase('senders');
watchSenderWrites();

const who = { channel: 'lark', userId: 'ou_zhang' };

async function bound(): Promise<string> {
  const s = await Staff.create({ name: '张三', phone: '13800000001', roles: ['guard'] });
  await Identity.create({
    _id: 'lark:ou_zhang',
    staffId: s._id,
    channel: 'lark',
    userId: 'ou_zhang',
    boundAt: new Date(),
  });
  return String(s._id);
}

describe('sender directory', () => {
  beforeEach(async () => {
    invalidateSender();
    await clearCollections();
  });

  it('adds people at the same moment on an empty database: the people stamp is created once, no write fails', async () => {
    await PeopleStamp.deleteMany({});
    const made = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        Staff.create({ name: `队员${i}`, phone: `1390000${String(i).padStart(4, '0')}` }),
      ),
    );
    expect(made.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual(
      [],
    );
    expect(await PeopleStamp.countDocuments()).toBe(1);
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
    const before = (await PeopleStamp.findById('people').lean())?.token;
    await Staff.updateOne({ _id: id }, { $set: { roles: ['guard', 'team_leader'] } });
    // the write returns only after the stamp moved, so other instances see it from then on
    expect((await PeopleStamp.findById('people').lean())?.token).not.toBe(before);
    expect([...(await resolveSender(who, []))!.roles]).toEqual(['guard', 'team_leader']);
  });

  it('sees a change made by another instance at once: that instance stamps PeopleStamp after its write', async () => {
    const id = await bound();
    expect(await resolveSender(who, [])).not.toBeNull();
    // another process: the driver's own collections bypass this process's mongoose and its hooks
    const db = mongoose.connection.db!;
    await db
      .collection(Staff.collection.collectionName)
      .updateOne({ _id: new mongoose.Types.ObjectId(id) }, { $set: { active: false } });
    await db
      .collection(PeopleStamp.collection.collectionName)
      .updateOne({ _id: 'people' as never }, { $set: { token: 'other-instance' } }, { upsert: true });
    expect(await resolveSender(who, [])).toBeNull();
  });

  it('sees a change made outside the bot (no stamp) by a reload in the background once the directory is DIRECTORY_MAX_AGE_MS old, without holding a lookup', async () => {
    const id = await bound();
    const t = Date.now();
    expect(await resolveSender(who, [], t)).not.toBeNull();
    await mongoose.connection
      .db!.collection(Staff.collection.collectionName)
      .updateOne({ _id: new mongoose.Types.ObjectId(id) }, { $set: { active: false } });
    expect(await resolveSender(who, [], t + 10)).not.toBeNull();
    // the lookup that finds the directory too old is answered from it and starts the reload
    expect(await resolveSender(who, [], t + DIRECTORY_MAX_AGE_MS)).not.toBeNull();
    await vi.waitFor(async () => expect(await resolveSender(who, [], t + DIRECTORY_MAX_AGE_MS + 1)).toBeNull());
  });

  it('spaces reloads for age by their cost: a directory that took 2 s to load is reloaded after 100 s, not 60 s', () => {
    expect(refreshDueAt(0, 20)).toBe(DIRECTORY_MAX_AGE_MS);
    expect(refreshDueAt(0, 2000)).toBe(100_000);
  });

  it('answers lookups from memory: per lookup one read of the stamp, none of staff or identities', async () => {
    await bound();
    await resolveSender(who, []);
    const reads: string[] = [];
    mongoose.set('debug', (collection: string) => void reads.push(collection));
    try {
      await Promise.all(Array.from({ length: 20 }, () => resolveSender(who, [])));
    } finally {
      mongoose.set('debug', false);
    }
    expect(reads.filter((c) => c !== PeopleStamp.collection.collectionName)).toEqual([]);
    // lookups made at the same time share reads
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.length).toBeLessThan(20);
  });

  it('recognises a new binding at once (unknown senders are not cached)', async () => {
    expect(await resolveSender(who, [])).toBeNull();
    await bound();
    expect((await resolveSender(who, []))?.name).toBe('张三');
  });
});
