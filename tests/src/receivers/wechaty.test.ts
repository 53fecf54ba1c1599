import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Outbox } from '../../../src/core/outbox.ts';
import type { EventSink } from '../../../src/core/types.ts';
import { SEND_JITTER, sendGapMs, WechatyReceiver } from '../../../src/receivers/wechaty.ts';
import { silentLog, testConfig } from '../../helpers/harness.ts';
import { startWechatFixture, type WechatFixture, waitFor } from '../../helpers/wechat-fixture.ts';

/*
 * The spacing of WeChat sends: a personal account that posts to many groups at an exact beat gets
 * limited, so each gap is the interval plus a bounded random extra. The random source is injected.
 */

const INTERVAL_MS = 120;

let wx: WechatFixture;
beforeAll(async () => {
  wx = await startWechatFixture();
});
afterAll(async () => {
  await wx?.stop();
});

const sink: EventSink = {
  intake: async () => 'accepted',
  intakeAndWait: async () => ({ result: 'accepted' }),
  onError: () => 'test',
};

describe('sendGapMs', () => {
  it('is the interval plus up to half of it, never less and never more', () => {
    expect(sendGapMs(1000, () => 0)).toBe(1000);
    expect(sendGapMs(1000, () => 0.999999)).toBe(1000 + Math.floor(0.999999 * 1000 * SEND_JITTER));
    expect(sendGapMs(1000, () => 0.5)).toBe(1250);
    for (let i = 0; i < 1000; i++) {
      const gap = sendGapMs(1000);
      expect(gap).toBeGreaterThanOrEqual(1000);
      expect(gap).toBeLessThanOrEqual(1500);
    }
    // a faulty source cannot take it out of bounds
    expect(sendGapMs(1000, () => 7)).toBe(1500);
    expect(sendGapMs(1000, () => -1)).toBe(1000);
    expect(sendGapMs(0, () => 0.9)).toBe(0);
  });
});

describe('a bulk send to many groups', () => {
  it('spaces the sends unevenly: every gap at least the interval, those drawn high half an interval longer', async () => {
    // alternately the lowest and the highest draw
    let n = 0;
    const random = () => (n++ % 2 === 0 ? 0 : 0.999);
    const config = testConfig({ ...wx.env(), WECHAT_SEND_INTERVAL_MS: String(INTERVAL_MS) });
    const receiver = new WechatyReceiver(config.wechat!, silentLog, { random });
    await receiver.start(sink);
    try {
      await waitFor(() => receiver.state() === 'up', 'the receiver to log in');
      const outbox = new Outbox(silentLog);
      outbox.register(receiver.sender);
      const people = Object.values(wx.people);
      const from = people.map((p) => wx.deliveredTo(p.id).length);
      // what a notice to every group does: all queued at once
      await Promise.all(
        [...people, ...people].map((p, i) => outbox.send({ channel: 'wechat', userId: p.id }, `通知 ${i}`)),
      );
      const sent = people.flatMap((p, i) => wx.deliveredTo(p.id).slice(from[i]));
      expect(sent).toHaveLength(people.length * 2);

      const times = wx
        .deliveries()
        .filter((d) => d.text.startsWith('通知 '))
        .map((d) => d.at)
        .sort((a, b) => a - b);
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      // a timer may fire a millisecond early; the gap is measured where the puppet service took the message
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(INTERVAL_MS - 5);
      // the gaps after a high draw are the interval plus nearly half of it
      const long = gaps.filter((g) => g >= INTERVAL_MS * (1 + SEND_JITTER) - 10);
      expect(long.length, `gaps ${gaps.map((g) => Math.round(g)).join(', ')}`).toBeGreaterThanOrEqual(
        Math.floor(gaps.length / 2),
      );
    } finally {
      await receiver.stop();
    }
  });
});
