import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { adoptLegacyInbox, Inbox, type InboxRecord, idempotencyKey, ReplyLedger } from '../../../src/core/inbox.ts';
import type { BotEvent, SentRef } from '../../../src/core/types.ts';
import { InboxOutcome, InboxPending, SentReply } from '../../../src/models/inbox.ts';
import { InboundEvent } from '../../../src/models/index.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { silentLog } from '../../helpers/harness.ts';

useDatabase('inbox');
beforeEach(() => clearCollections());

const rec = (id: string): InboxRecord => ({
  _id: `console:${id}`,
  channel: 'console',
  event: {
    id,
    channel: 'console',
    chat: { id: 'c', isGroup: false },
    userId: 'u',
    kind: 'action',
    action: { action: 'x', value: {} },
    receivedAt: new Date(),
  } as BotEvent,
  receivedAt: new Date(),
  by: 'me',
  beatAt: new Date(),
});

describe('inbox (events recorded many per write, the backlog kept apart)', () => {
  it('records each event once when deliveries race, redeliveries in the same batch included', async () => {
    const inbox = new Inbox();
    const ids = Array.from({ length: 20 }, (_, i) => `e${i}`);
    // every event delivered twice at once, and ten of them a third time after the first batch
    const results = await Promise.all([...ids, ...ids].map((id) => inbox.record(rec(id))));
    const late = await Promise.all(ids.slice(0, 10).map((id) => inbox.record(rec(id))));
    expect(results.filter(Boolean)).toHaveLength(20);
    expect(late.filter(Boolean)).toHaveLength(0);
    expect(await InboundEvent.countDocuments()).toBe(20);
    expect(await InboxPending.countDocuments()).toBe(20);
    // stored exactly as received (an empty card value survives)
    expect((await InboundEvent.findById('console:e3').lean())?.event).toMatchObject({
      id: 'e3',
      action: { value: {} },
    });
  });

  it('finishing writes the outcome and empties the backlog; a redelivery afterwards is a duplicate that leaves nothing pending', async () => {
    const inbox = new Inbox();
    const ids = Array.from({ length: 12 }, (_, i) => `f${i}`);
    await Promise.all(ids.map((id) => inbox.record(rec(id))));
    await Promise.all(
      ids.map((id, i) =>
        inbox.finish(`console:${id}`, {
          status: i % 2 ? 'done' : 'failed',
          attempts: 1,
          refId: i % 2 ? null : `R${i}`,
        }),
      ),
    );
    expect(await InboxPending.countDocuments()).toBe(0);
    const outcomes = await InboxOutcome.find().lean();
    expect(outcomes.map((o) => [o._id, o.status]).sort()).toEqual(
      ids.map((id, i) => [`console:${id}`, i % 2 ? 'done' : 'failed']).sort(),
    );
    expect(await Promise.all(ids.map((id) => inbox.record(rec(id))))).toEqual(ids.map(() => false));
    expect(await InboxPending.countDocuments()).toBe(0);
  });

  it('a takeover finds an event finished when its outcome was written but the process died before clearing the backlog', async () => {
    const inbox = new Inbox();
    await inbox.record(rec('half'));
    await InboxOutcome.create({ _id: 'console:half', status: 'done', attempts: 1, finishedAt: new Date() });
    expect(await inbox.isOpen('console:half')).toBe(false);
    await inbox.record(rec('open'));
    expect(await inbox.isOpen('console:open')).toBe(true);
  });

  it('moves unfinished records of the old one-collection inbox to the backlog once, at start-up', async () => {
    const old = { channel: 'console', receivedAt: new Date() };
    await InboundEvent.create([
      { _id: 'console:o1', ...old, event: rec('o1').event, status: 'received' },
      { _id: 'console:o2', ...old, event: rec('o2').event, status: 'processing' },
      { _id: 'console:o3', ...old, event: rec('o3').event, status: 'done' },
    ]);
    expect(await adoptLegacyInbox(silentLog)).toBe(2);
    expect((await InboxPending.find().lean()).map((p) => [p._id, p.by]).sort()).toEqual([
      ['console:o1', null],
      ['console:o2', null],
    ]);
    expect(await adoptLegacyInbox(silentLog)).toBe(0);
  });
});

describe('reply ledger (each reply of an event sent once, however often and late it is run)', () => {
  afterEach(() => vi.useRealTimers());
  const sender = () => {
    const keys: string[] = [];
    const send = async (key: string): Promise<SentRef> => {
      keys.push(key);
      return { channel: 'lark', messageId: `om_${keys.length}` };
    };
    return { keys, send };
  };

  it('a re-run skips a reply recorded before the crash and sends the ones after it', async () => {
    const first = sender();
    const ledger = await ReplyLedger.open('lark:om_1', false, silentLog);
    await ledger.once('lark', first.send);
    // recorded even though Lark drops a repeated uuid: only within an hour
    await vi.waitFor(async () => expect(await SentReply.countDocuments()).toBe(1));

    const again = sender();
    const rerun = await ReplyLedger.open('lark:om_1', true, silentLog);
    expect(await rerun.once('lark', again.send)).toEqual({ channel: 'lark', messageId: 'om_1' });
    await rerun.once('lark', again.send);
    expect(again.keys).toEqual([idempotencyKey('lark:om_1:reply:1')]);
  });

  it('an attempt that stalled past the hour does not send a reply another attempt recorded meanwhile', async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    const stalled = await ReplyLedger.open('lark:om_2', false, silentLog);
    // the takeover sent and recorded reply 0 while this attempt was stuck
    await SentReply.create({
      _id: 'lark:om_2:reply:0',
      event: 'lark:om_2',
      n: 0,
      channel: 'lark',
      messageId: 'om_taken_over',
      at: new Date(),
    });
    vi.setSystemTime(Date.now() + 61 * 60_000);
    const late = sender();
    expect(await stalled.once('lark', late.send)).toEqual({ channel: 'lark', messageId: 'om_taken_over' });
    expect(late.keys).toEqual([]);
    // a reply nobody sent yet still goes
    await stalled.once('lark', late.send);
    expect(late.keys).toHaveLength(1);
  });
});
