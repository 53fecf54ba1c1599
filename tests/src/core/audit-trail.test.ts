import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import mongoose, { Schema } from 'mongoose';
import { beforeEach, describe, expect, it } from 'vitest';
import { findAudit } from '../../../src/core/audit-query.ts';
import {
  type AuditActor,
  auditKey,
  auditLine,
  type ChangeNote,
  flushAuditQueue,
  recentChanges,
  trailAs,
} from '../../../src/core/audit-trail.ts';
import { transition } from '../../../src/core/transition.ts';
import { AuditEntry, AuditQueue, pendingAuditField } from '../../../src/models/index.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';

/*
 * src/core/audit-trail.ts (issue #20, "a trail of every change"): an entry is written with the
 * change it describes — in the same write, carried by the record — so a change that happens always
 * has its entry, and one that does not happen (a precondition not met, a lost race, an error) has
 * none; a crash between the change and the copy into the trail is finished by the audit.flush job,
 * once. Nothing in the bot can edit the trail.
 */

useDatabase('core_audit_trail');

const Thing = mongoose.model(
  'AuditedThing',
  new Schema(
    {
      _id: { type: String, required: true },
      key: { type: String, default: '' },
      value: { type: String, default: '' },
      version: { type: Number, default: 0 },
      ...pendingAuditField,
    },
    { versionKey: false },
  ),
);

const by: AuditActor = { staffId: 's-wang', name: '王行政', identity: 'lark:ou_wang', channel: 'lark' };
let clock = new Date('2026-11-27T02:00:00Z');
const trail = trailAs(by, () => clock);
const note = (to: string, extra: Partial<ChangeNote> = {}): ChangeNote => ({
  kind: 'setting',
  record: { type: 'thing', id: 't1', label: '一号' },
  what: '数值',
  to,
  ...extra,
});
const pendingOf = async (id: string) =>
  ((await mongoose.connection.collection('auditedthings').findOne({ _id: id as never }))?.pendingAudit ??
    []) as unknown[];

beforeEach(async () => {
  await clearCollections();
  clock = new Date('2026-11-27T02:00:00Z');
  await Thing.create({ _id: 't1', key: 'k1', value: 'a' });
});

describe('a change and its entry are written together', () => {
  it('writes the entry of a change that happened, with who, when, what, old → new and the channel, and leaves nothing behind', async () => {
    await trail.change(Thing, 't1', note('b', { from: 'a', subject: { staffId: 's-zhang', name: '张三' } }), (carry) =>
      Thing.updateOne({ _id: 't1' }, carry.update({ $set: { value: 'b' } })),
    );
    const [e] = await AuditEntry.find().lean();
    expect(e).toMatchObject({
      at: clock,
      by: { staffId: 's-wang', name: '王行政', identity: 'lark:ou_wang' },
      channel: 'lark',
      kind: 'setting',
      what: '数值',
      from: 'a',
      to: 'b',
    });
    expect(e!.keys).toEqual(['thing:t1', 'staff:s-zhang']);
    expect(await pendingOf('t1')).toEqual([]);
    expect(await AuditQueue.countDocuments()).toBe(0);
  });

  it('writes no entry for a change whose precondition was not met', async () => {
    const res = await trail.change(Thing, 't1', note('c'), (carry) =>
      Thing.updateOne({ _id: 't1', value: 'zzz' }, carry.update({ $set: { value: 'c' } })),
    );
    expect(res.modifiedCount).toBe(0);
    expect(await AuditEntry.countDocuments()).toBe(0);
    expect(await AuditQueue.countDocuments()).toBe(0);
  });

  it('writes no entry when the write fails, and the error reaches the caller', async () => {
    await expect(
      trail.change(Thing, 't1', note('x'), (carry) => Thing.create(carry.doc({ _id: 't1', value: 'x' }))),
    ).rejects.toMatchObject({ code: 11000 });
    expect(await AuditEntry.countDocuments()).toBe(0);
    expect(await AuditQueue.countDocuments()).toBe(0);
  });

  it('writes one entry for a transition that won and none for the one that lost (a double click)', async () => {
    const apply = (to: string) =>
      trail.change(Thing, 't1', note(to), (carry) =>
        transition(Thing, 't1', 0, carry.update({ $set: { value: to } }), by.identity),
      );
    const won = await Promise.all([apply('b'), apply('c')]);
    expect(won.filter(Boolean)).toHaveLength(1);
    const entries = await AuditEntry.find().lean();
    expect(entries.map((e) => e.to)).toEqual([(await Thing.findById('t1').lean())!.value]);
  });

  it('carries the entries of a new record in the record itself', async () => {
    await trail.change(Thing, 't2', note('new', { record: { type: 'thing', id: 't2' } }), (carry) =>
      Thing.create(carry.doc({ _id: 't2', value: 'new' })),
    );
    expect(await AuditEntry.countDocuments({ keys: 'thing:t2' })).toBe(1);
    expect(await pendingOf('t2')).toEqual([]);
  });

  it("finds the record by another unique key the change leaves alone (a supply list's post and item)", async () => {
    await trail.change(Thing, { filter: { key: 'k1' } }, note('b'), (carry) =>
      Thing.updateOne({ key: 'k1' }, carry.update({ $set: { value: 'b' } })),
    );
    expect(await AuditEntry.countDocuments()).toBe(1);
  });

  it("writes each record's own entries for a bulk write, and none for the record it did not change", async () => {
    await Thing.create({ _id: 't3', value: 'a' });
    await trail.changeMany(Thing, ['t1', 't3'], (carryFor) =>
      Thing.bulkWrite([
        { updateOne: { filter: { _id: 't1' }, update: carryFor('t1', [note('b')]).update({ $set: { value: 'b' } }) } },
        {
          updateOne: {
            filter: { _id: 't3', value: 'nope' },
            update: carryFor('t3', [note('c', { record: { type: 'thing', id: 't3' } })]).update({
              $set: { value: 'c' },
            }),
          },
        },
      ]),
    );
    expect((await AuditEntry.find().lean()).map((e) => e.keys[0])).toEqual(['thing:t1']);
  });
});

describe('a removal writes its entry only once the record is gone', () => {
  it('writes the entry when it removed the record, none when there was nothing to remove', async () => {
    const remove = () =>
      trail.removal(
        Thing,
        't1',
        note('', { what: '删除' }),
        async () => (await Thing.deleteOne({ _id: 't1' })).deletedCount === 1,
      );
    expect(await remove()).toBe(true);
    expect(await remove()).toBe(false);
    expect(await AuditEntry.countDocuments({ what: '删除' })).toBe(1);
    expect(await AuditQueue.countDocuments()).toBe(0);
  });
});

describe('a crash between the change and its copy (the audit.flush job)', () => {
  const entry = (id: string) => ({
    _id: id,
    at: clock,
    by: { staffId: 's-wang', name: '王行政', identity: 'lark:ou_wang' },
    channel: 'lark',
    kind: 'setting',
    record: { type: 'thing', id: 't1', label: '' },
    subject: null,
    what: '数值',
    from: '',
    to: 'b',
    note: '',
    keys: ['thing:t1'],
  });

  it('copies what the record carries, once however often it runs, and clears it', async () => {
    // the change was written with its entry, then the process died before copying it
    await mongoose.connection
      .collection('auditedthings')
      .updateOne({ _id: 't1' as never }, { $set: { value: 'b' }, $push: { pendingAudit: entry('e1') } } as never);
    await AuditQueue.create({ _id: 'q:e1', coll: 'auditedthings', filter: { _id: 't1' }, mode: 'carried', at: clock });
    expect(await flushAuditQueue(new Date(clock.getTime() + 30_000))).toBe(0); // still its writer's
    expect(await flushAuditQueue(new Date(clock.getTime() + 120_000))).toBe(1);
    expect(await flushAuditQueue(new Date(clock.getTime() + 180_000))).toBe(0);
    expect(await AuditEntry.countDocuments({ _id: 'e1' })).toBe(1);
    expect(await pendingOf('t1')).toEqual([]);
  });

  it('writes nothing for a change that never reached the record', async () => {
    await AuditQueue.create({ _id: 'q:e2', coll: 'auditedthings', filter: { _id: 't1' }, mode: 'carried', at: clock });
    await flushAuditQueue(new Date(clock.getTime() + 120_000));
    expect(await AuditEntry.countDocuments()).toBe(0);
    expect(await AuditQueue.countDocuments()).toBe(0);
  });

  it("writes a removal's entries if the record is gone, and drops them if it is still there", async () => {
    await AuditQueue.create({
      _id: 'q:e3',
      coll: 'auditedthings',
      filter: { _id: 't1' },
      mode: 'removal',
      entries: [entry('e3')],
      at: clock,
    });
    await AuditQueue.create({
      _id: 'q:e4',
      coll: 'auditedthings',
      filter: { _id: 'gone' },
      mode: 'removal',
      entries: [entry('e4')],
      at: clock,
    });
    await flushAuditQueue(new Date(clock.getTime() + 120_000));
    expect((await AuditEntry.find().lean()).map((e) => e._id)).toEqual(['e4']);
    expect(await AuditQueue.countDocuments()).toBe(0);
  });

  it('does not copy an entry twice when the writer and the job both copy it', async () => {
    await trail.change(Thing, 't1', note('b'), (carry) =>
      Thing.updateOne({ _id: 't1' }, carry.update({ $set: { value: 'b' } })),
    );
    const [e] = await AuditEntry.find().lean();
    // as if the pull had been lost: the record still carries the copied entry
    await mongoose.connection
      .collection('auditedthings')
      .updateOne({ _id: 't1' as never }, { $push: { pendingAudit: { ...e } } } as never);
    await AuditQueue.create({
      _id: 'q:again',
      coll: 'auditedthings',
      filter: { _id: 't1' },
      mode: 'carried',
      at: clock,
    });
    await flushAuditQueue(new Date(clock.getTime() + 120_000));
    expect(await AuditEntry.countDocuments()).toBe(1);
    expect(await pendingOf('t1')).toEqual([]);
  });
});

describe('reading the trail', () => {
  beforeEach(async () => {
    const change = (at: string, n: ChangeNote, who: AuditActor = by) => {
      clock = new Date(at);
      return trailAs(who, () => clock).change(Thing, 't1', n, (carry) =>
        Thing.updateOne({ _id: 't1' }, carry.update({ $set: { value: n.to } })),
      );
    };
    await change('2026-10-30T02:00:00Z', {
      kind: 'roles',
      record: { type: 'staff', id: 's-zhang', label: '张三' },
      subject: { staffId: 's-zhang', name: '张三' },
      what: '角色',
      from: '队员',
      to: '队长',
    });
    await change('2026-11-02T02:00:00Z', {
      kind: 'post',
      record: { type: 'staff', id: 's-zhang', label: '张三' },
      subject: { staffId: 's-zhang', name: '张三' },
      what: '驻点',
      from: '',
      to: '万达广场',
    });
    await change(
      '2026-11-03T02:00:00Z',
      {
        kind: 'permit',
        record: { type: 'permit', id: 'ZJ-1', label: 'ZJ-1' },
        subject: { staffId: 's-li', name: '李四' },
        what: '发准驾证',
        to: '粤B12345',
        alsoKeys: [auditKey('vehicle', '粤B12345')],
      },
      { ...by, staffId: 's-zhang', name: '张三' },
    );
  });

  it('filters by person (who did it or whom it is about), record, kind and period, newest first', async () => {
    expect((await findAudit({ staffId: 's-zhang' })).entries.map((e) => e.what)).toEqual(['发准驾证', '驻点', '角色']);
    expect((await findAudit({ staffId: 's-li' })).entries.map((e) => e.what)).toEqual(['发准驾证']);
    expect((await findAudit({ record: 'ZJ-1' })).entries).toHaveLength(1);
    expect((await findAudit({ kind: 'roles' })).entries.map((e) => e.to)).toEqual(['队长']);
    expect(
      (await findAudit({ from: new Date('2026-11-01T00:00:00+08:00'), to: new Date('2026-12-01T00:00:00+08:00') }))
        .entries,
    ).toHaveLength(2);
  });

  it('pages, saying when there is more', async () => {
    expect(await findAudit({ pageSize: 2 })).toMatchObject({ more: true });
    expect((await findAudit({ pageSize: 2, page: 2 })).entries.map((e) => e.what)).toEqual(['角色']);
    expect((await findAudit({ pageSize: 2, page: 2 })).more).toBe(false);
  });

  it("gives a record its own history, a permit its vehicle's too", async () => {
    expect((await recentChanges(auditKey('staff', 's-zhang'))).map((e) => e.what)).toEqual(['驻点', '角色']);
    expect((await recentChanges(auditKey('vehicle', '粤B12345'))).map((e) => e.what)).toEqual(['发准驾证']);
  });

  it('shows one entry as a short line for a phone', async () => {
    const [e] = (await findAudit({ kind: 'roles' })).entries;
    expect(auditLine(e!, 'Asia/Shanghai')).toBe('10-30 10:00 王行政 角色 张三：队员 → 队长 [飞书]');
  });
});

describe('the trail cannot be edited through the bot', () => {
  it('is written only by src/core/audit-trail.ts: no handler, schedule or other core file touches the collection', () => {
    const root = path.resolve(import.meta.dirname, '../../..');
    const files = (dir: string): string[] =>
      readdirSync(path.join(root, dir)).flatMap((n) => {
        const p = path.join(dir, n);
        return statSync(path.join(root, p)).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
      });
    const touching = ['handlers', 'schedules', 'src']
      .flatMap(files)
      .filter(
        (f) =>
          ![
            'src/core/audit-trail.ts',
            'src/core/audit-query.ts',
            'src/models/audit.ts',
            'src/models/index.ts',
          ].includes(f),
      )
      .filter((f) => /\bAuditEntry\b|collection\('audit'\)/.test(readFileSync(path.join(root, f), 'utf8')));
    expect(touching).toEqual([]);
    // audit-query.ts (审计 and 导出 审计) only reads it
    const reader = readFileSync(path.join(root, 'src/core/audit-query.ts'), 'utf8');
    expect(reader).not.toMatch(/\.(insert\w*|update\w*|delete\w*|replace\w*|bulkWrite|create|save|findOneAnd\w*)\(/);
  });
});
