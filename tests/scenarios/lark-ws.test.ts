import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Bot } from '../../src/bot.ts';
import { InboundEvent } from '../../src/models/index.ts';
import { LarkReceiver } from '../../src/receivers/lark/index.ts';
import { composition } from '../../src/workflows.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { silentLog, waitProcessed } from '../helpers/harness.ts';
import { type LarkBot, p2p, startLarkBot } from '../helpers/lark-bot.ts';
import { messageEvent } from '../helpers/lark-standin.ts';

/*
 * What only the long connection has (the scenarios themselves run over it from tests/scenarios/ws/):
 * Lark's second push of an event, the connection Lark drops and the client re-opens, the pings,
 * and two instances sharing the pushes. The real WSClient talks to the long-connection stand-in.
 */

useDatabase('lark_ws');

const ADMIN = 'ou_admin';
let lark: LarkBot;

beforeAll(async () => {
  lark = await startLarkBot({ BOT_ADMINS: `lark:${ADMIN}` }, { mode: 'ws' });
});
afterAll(() => lark?.close());
beforeEach(async () => {
  await clearCollections();
  lark.standin.reset();
});

const ws = () => lark.ws!;

async function sayOver(text: string, o: { to?: number | 'random' } = {}) {
  const event = messageEvent({ token: lark.token, openId: ADMIN, text });
  const ack = await ws().push(event, o);
  return { event, ack, key: `lark:${(event.event.message as { message_id: string }).message_id}` };
}

describe('Lark long connection', () => {
  it('ACKs a message within 3 s and answers it once; Lark pushing the same event again changes nothing', async () => {
    const { event, ack, key } = await sayOver('我是谁');
    expect(ack).toMatchObject({ code: 200, late: false });
    await waitProcessed(key);
    // Lark pushes again when it missed the ACK: a new frame, the same event
    expect((await ws().push(event))?.code).toBe(200);
    await lark.say(ADMIN, '我是谁');
    expect(await InboundEvent.countDocuments()).toBe(2);
    expect(lark.standin.texts(p2p(ADMIN))).toHaveLength(2);
  });

  it('reconnects when Lark drops the connection, pings at the interval Lark sets, and answers over the new connection', async () => {
    const first = ws().connections()[0]!;
    expect(first.pings).toBeGreaterThanOrEqual(1);
    ws().setClientConfig({ PingInterval: 1 });
    ws().dropAll();
    await ws().waitForConnections(1);
    const second = ws().connections()[0]!;
    expect(second.id).not.toBe(first.id);
    expect(ws().endpointCalls.at(-1)).toEqual({ appId: lark.config.lark!.appId, code: 0 });
    await lark.standin.waitFor(() => lark.receiver.state() === 'up', 'the channel up again');
    // the first ping on open, the next one a second later as ClientConfig.PingInterval says
    await lark.standin.waitFor(() => second.pings >= 2, 'a second ping', 3000);
    await lark.say(ADMIN, '我是谁');
    expect(lark.standin.texts(p2p(ADMIN))[0]).toContain('你是');
  });

  // Lark picks one connection at random for each event; here they alternate, so both surely get some
  it('two instances on one database: each event goes to one of the connections and is answered exactly once', async () => {
    const other = new Bot({
      config: lark.config,
      log: silentLog,
      receivers: [new LarkReceiver(lark.config.lark!, silentLog)],
      workflows: composition,
      jobs: [],
    });
    await other.start();
    try {
      await ws().waitForConnections(2);
      const sent = await Promise.all(Array.from({ length: 12 }, (_, i) => sayOver('我是谁', { to: i % 2 })));
      expect(sent.every((s) => s.ack?.code === 200)).toBe(true);
      expect(new Set(sent.map((s) => s.ack!.connection)).size).toBe(2);
      for (const s of sent) await waitProcessed(s.key);
      await lark.standin.waitFor(() => lark.standin.texts(p2p(ADMIN)).length >= 12, 'twelve answers');
      expect(await InboundEvent.countDocuments()).toBe(12);
      expect(lark.standin.texts(p2p(ADMIN))).toHaveLength(12);
    } finally {
      await other.stop();
    }
  });
});
