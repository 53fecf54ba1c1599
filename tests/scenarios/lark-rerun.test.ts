import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { InboxOutcome, InboxPending, SentReply } from '../../src/models/inbox.ts';
import { InboundEvent } from '../../src/models/index.ts';
import { useDatabase } from '../helpers/db.ts';
import { waitProcessed } from '../helpers/harness.ts';
import { type LarkBot, p2p, startLarkBot } from '../helpers/lark-bot.ts';
import { messageEvent } from '../helpers/lark-standin.ts';

/*
 * An event re-run long after its first attempt, through the Lark stand-in, which (like Lark) drops
 * a repeated message uuid only within an hour: the replies the first attempt sent are not sent again.
 */

useDatabase('lark_rerun');

const ADMIN = 'ou_admin';
let lark: LarkBot;

beforeAll(async () => {
  lark = await startLarkBot({ BOT_ADMINS: `lark:${ADMIN}` });
});
afterAll(() => lark?.close());
afterEach(() => vi.useRealTimers());

describe('an event re-run hours after it first ran', () => {
  // before: Lark sends were not recorded (the uuid was trusted to drop a repeat), so 2 h later the re-run replied again
  it('whose first attempt sent its reply and crashed before being marked done replies once, re-run 2 hours later', async () => {
    const event = messageEvent({ token: lark.token, openId: ADMIN, text: '我是谁' });
    const key = `lark:${(event.event.message as { message_id: string }).message_id}`;
    expect((await lark.deliver(event)).status).toBe(200);
    await waitProcessed(key);
    await lark.standin.waitFor(() => lark.standin.sent(p2p(ADMIN)).length === 1, 'the reply');

    // what a process killed after the send, before the event was marked done, leaves behind
    const recorded = await InboundEvent.findById(key).lean();
    await InboxOutcome.deleteOne({ _id: key });
    await InboxPending.create({
      _id: key,
      channel: 'lark',
      event: recorded!.event,
      receivedAt: recorded!.receivedAt,
      by: 'killed-instance',
      beatAt: recorded!.receivedAt,
    });

    // every instance was down; two hours later one starts and recovery takes the event over
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + 2 * 3600_000);
    expect(await lark.bot.pipeline.recover()).toBe(1);
    expect(await InboxOutcome.findById(key).lean()).toMatchObject({ status: 'done', attempts: 2 });

    const sends = lark.standin.sendAttempts().filter((r) => r.body.receive_id === p2p(ADMIN));
    // the stand-in would have delivered a repeat: its uuid is two hours old
    expect(sends.filter((r) => r.deduplicated)).toHaveLength(0);
    expect(lark.standin.sent(p2p(ADMIN))).toHaveLength(1);
    expect(await SentReply.countDocuments({ event: key })).toBe(1);
  });
});
