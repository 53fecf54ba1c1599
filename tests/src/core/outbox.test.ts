import { describe, expect, it } from 'vitest';
import { idempotencyKey, ReplyLedger } from '../../../src/core/inbox.ts';
import { Outbox, RateLimitedError } from '../../../src/core/outbox.ts';
import { windowsOf } from '../../../src/core/rate-limit.ts';
import { type ChannelSender, type Target, TEXT_ONLY } from '../../../src/core/types.ts';
import { CardPrompt } from '../../../src/models/index.ts';
import { LARK_CAPABILITIES, LARK_LIMITS } from '../../../src/receivers/lark/index.ts';
import { useDatabase } from '../../helpers/db.ts';
import { silentLog } from '../../helpers/harness.ts';

useDatabase('outbox');

function recordingSender(
  channel: 'lark' | 'wechat',
  failFirst = 0,
  retryAfterMs = 200,
): ChannelSender & { at: number[]; calls: number } {
  const s = {
    channel,
    capabilities: channel === 'lark' ? LARK_CAPABILITIES : TEXT_ONLY,
    limits: channel === 'lark' ? LARK_LIMITS : { perApp: { intervalCap: 1, interval: 1 } },
    at: [] as number[],
    calls: 0,
    send: async () => {
      s.calls++;
      if (s.calls <= failFirst) throw new RateLimitedError(retryAfterMs);
      s.at.push(Date.now());
      return { channel };
    },
  };
  return s;
}

/** The most messages that left within any window of `ms`. */
function peak(times: number[], ms: number): number {
  let best = 0;
  for (const t of times) best = Math.max(best, times.filter((u) => u >= t && u < t + ms).length);
  return best;
}

describe('outbox', () => {
  it('keeps a Lark chat at 5 messages a second or fewer', async () => {
    const sender = recordingSender('lark');
    const outbox = new Outbox(silentLog);
    outbox.register(sender);
    const chat: Target = { channel: 'lark', chatId: 'oc_1' };
    await Promise.all(Array.from({ length: 12 }, (_, i) => outbox.send(chat, `消息 ${i}`)));
    expect(sender.at).toHaveLength(12);
    expect(peak(sender.at, 1000)).toBeLessThanOrEqual(5);
  });

  it('keeps the Lark app under 50 messages in any second, letting a few go out together', async () => {
    const sender = recordingSender('lark');
    const outbox = new Outbox(silentLog);
    outbox.register(sender);
    await Promise.all(
      Array.from({ length: 110 }, (_, i) => outbox.send({ channel: 'lark', chatId: `oc_app_${i}` }, '通知')),
    );
    expect(sender.at).toHaveLength(110);
    expect(peak(sender.at, 1000)).toBeLessThan(50);
    // a quiet moment's sends are not spaced out one by one (replies at low load wait for nothing)
    expect(peak(sender.at, 5)).toBeGreaterThan(1);
  });

  it('drops the per-chat queues of chats idle for two windows, so a fan-out to many chats does not keep them all', async () => {
    const sender = recordingSender('lark');
    const outbox = new Outbox(silentLog, {
      lark: { perApp: { intervalCap: 1000, interval: 10 }, perChat: { intervalCap: 5, interval: 20 } },
    });
    outbox.register(sender);
    const queues = () => (outbox as unknown as { chatQueues: Map<string, unknown> }).chatQueues.size;
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => outbox.send({ channel: 'lark', chatId: `oc_many_${i}` }, '通知')),
    );
    expect(queues()).toBe(300);
    await new Promise((r) => setTimeout(r, 60));
    await outbox.send({ channel: 'lark', chatId: 'oc_new' }, '通知');
    expect(queues()).toBe(1);
    expect(sender.at).toHaveLength(301);
  });

  it('holds every window of a channel at once: at most 3 in any 100 ms and 10 in any second', async () => {
    const sender = recordingSender('lark');
    const outbox = new Outbox(silentLog, {
      lark: {
        perApp: [
          { intervalCap: 3, interval: 100 },
          { intervalCap: 10, interval: 1000 },
        ],
      },
    });
    outbox.register(sender);
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => outbox.send({ channel: 'lark', chatId: `oc_w_${i}` }, '通知')),
    );
    expect(sender.at).toHaveLength(25);
    expect(peak(sender.at, 100)).toBeLessThanOrEqual(3);
    expect(peak(sender.at, 1000)).toBeLessThanOrEqual(10);
  });

  it('paces Lark at its 1,000 a minute as well as its 50 a second', () => {
    const windows = windowsOf(LARK_LIMITS.perApp);
    expect(windows.some((w) => w.interval >= 60_000 && w.intervalCap <= 1000)).toBe(true);
    expect(windows.some((w) => w.intervalCap / w.interval <= 50 / 1000)).toBe(true);
  });

  it('never drops a message for a limit: refused 8 times in a row, it still goes out, once', async () => {
    const sender = recordingSender('lark', 8, 10);
    const outbox = new Outbox(silentLog);
    outbox.register(sender);
    await outbox.send({ channel: 'lark', chatId: 'oc_patient' }, '你好');
    expect(sender.calls).toBe(9);
    expect(sender.at).toHaveLength(1);
  });

  it('retries a message the platform refused with 429, and sends it once', async () => {
    const sender = recordingSender('lark', 2);
    const outbox = new Outbox(silentLog);
    outbox.register(sender);
    await outbox.send({ channel: 'lark', chatId: 'oc_2' }, '你好');
    expect(sender.calls).toBe(3);
    expect(sender.at).toHaveLength(1);
  });

  it('remembers the buttons of a card shown as text, so a number can answer it', async () => {
    const sender = recordingSender('wechat');
    const outbox = new Outbox(silentLog);
    outbox.register(sender);
    await outbox.send(
      { channel: 'wechat', chatId: 'room@chatroom' },
      { title: 't', lines: [], buttons: [{ label: '批准', action: 'x.approve' }] },
    );
    const prompt = await CardPrompt.findById('wechat:room@chatroom').lean();
    expect(prompt?.buttons).toEqual([{ label: '批准', action: 'x.approve' }]);
  });

  it('keeps a card answering one group member as theirs, so another member’s number cannot press it (#21)', async () => {
    const outbox = new Outbox(silentLog);
    outbox.register(recordingSender('wechat'));
    await outbox.send(
      { channel: 'wechat', chatId: 'room2@chatroom' },
      { title: 't', lines: [], buttons: [{ label: '批准', action: 'x.approve' }] },
      { audience: 'wxid_a' },
    );
    expect(await CardPrompt.findById('wechat:room2@chatroom:wxid_a').lean()).toMatchObject({
      buttons: [{ label: '批准' }],
      usedAt: null,
    });
    expect(await CardPrompt.findById('wechat:room2@chatroom').lean()).toBeNull();
  });

  it('gives every button of an action that asks first a Lark confirmation dialog, also where the card wrote none (#21)', async () => {
    const cards: unknown[] = [];
    const sender = {
      ...recordingSender('lark'),
      send: async (_t: Target, m: unknown) => (cards.push(m), { channel: 'lark' }),
    };
    const outbox = new Outbox(silentLog);
    outbox.register(sender);
    outbox.confirmFirst(['x.pay']);
    await outbox.send(
      { channel: 'lark', chatId: 'oc_1' },
      {
        title: 't',
        lines: [],
        buttons: [
          { label: '付款', action: 'x.pay' },
          { label: '批准', action: 'x.pay', confirm: '报销单 BX-1 ¥5.00' },
          { label: '查看', action: 'x.show' },
        ],
      },
    );
    expect((cards[0] as { buttons: { confirm?: string }[] }).buttons.map((b) => b.confirm)).toEqual([
      '确认「付款」？',
      '报销单 BX-1 ¥5.00',
      undefined,
    ]);
  });
});

describe('outbox for one inbound event', () => {
  it('gives every send the same idempotency key on every run of the event, and skips what a run recorded', async () => {
    const keys: (string | undefined)[] = [];
    const sender: ChannelSender = {
      channel: 'wechat',
      capabilities: TEXT_ONLY,
      limits: { perApp: { intervalCap: 100, interval: 1000 } },
      send: async (_target, _message, opts) => {
        keys.push(opts?.idempotencyKey);
        return { channel: 'wechat', messageId: `m${keys.length}` };
      },
    };
    const outbox = new Outbox(silentLog);
    outbox.register(sender);
    const chat: Target = { channel: 'wechat', chatId: 'room@chatroom' };
    const first = outbox.forEvent(await ReplyLedger.open('wechat:evt-k', false, silentLog));
    await first.send(chat, '一');
    await first.send(chat, '二');
    // a re-run after a crash: both recorded, so nothing goes out again and the refs come back
    const rerun = outbox.forEvent(await ReplyLedger.open('wechat:evt-k', true, silentLog));
    expect(await rerun.send(chat, '一')).toEqual({ channel: 'wechat', messageId: 'm1' });
    expect(await rerun.send(chat, '二')).toEqual({ channel: 'wechat', messageId: 'm2' });
    await rerun.send(chat, '三');
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(3);
    expect(keys[0]).toBe(idempotencyKey('wechat:evt-k:reply:0'));
    expect(keys[2]).toBe(idempotencyKey('wechat:evt-k:reply:2'));
    // the plain outbox (scheduled jobs) sends without a key
    await outbox.send(chat, '四');
    expect(keys[3]).toBeUndefined();
  });
});
