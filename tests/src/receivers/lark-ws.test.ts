import { afterEach, describe, expect, it } from 'vitest';
import type { OnError } from '../../../src/core/errors.ts';
import type { BotEvent, EventSink, IntakeResult } from '../../../src/core/types.ts';
import {
  CARD_SLOW_TOAST,
  type LarkOptions,
  LarkReceiver,
  MESSAGE_DEADLINE_MS,
} from '../../../src/receivers/lark/index.ts';
import { silentLog } from '../../helpers/harness.ts';
import { cardActionEvent, LarkStandin, messageEvent } from '../../helpers/lark-standin.ts';
import { LarkWsStandin } from '../../helpers/lark-ws-standin.ts';

/*
 * LarkReceiver in long-connection mode (LARK_EVENT_MODE=ws) against the long-connection stand-in:
 * the real SDK WSClient calls the endpoint, connects, and answers each pushed frame with an ACK.
 * Lark pushes an event again when that ACK is not code 200 within 3 s, so an event the bot has not
 * recorded must not be ACKed as handled.
 */

const APP_ID = 'cli_0123456789abcdef';
const SECRET = 'secret_ws_unit';

/** A sink the test controls. */
class FakeSink implements EventSink {
  events: BotEvent[] = [];
  errors: string[] = [];
  constructor(
    private readonly onIntake: (e: BotEvent) => Promise<IntakeResult> = async () => 'accepted',
    private readonly onWait: (
      e: BotEvent,
    ) => Promise<{ result: IntakeResult; toast?: string; later?: boolean }> = async () => ({ result: 'accepted' }),
  ) {}
  onError: OnError = (_err, scope) => {
    this.errors.push(`${scope.channel}: ${scope.what}`);
    return 'REF00001';
  };
  async intake(e: BotEvent) {
    this.events.push(e);
    return this.onIntake(e);
  }
  async intakeAndWait(e: BotEvent) {
    this.events.push(e);
    return this.onWait(e);
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The Open API and long-connection stand-ins, and a started ws-mode receiver on them. */
async function connect(sink: FakeSink, o: { secret?: string; silent?: boolean; pongTimeoutSeconds?: number } = {}) {
  const api = await LarkStandin.start({ appId: APP_ID, appSecret: SECRET });
  cleanups.push(() => api.close());
  const ws = await LarkWsStandin.start(api, { appId: APP_ID, appSecret: SECRET });
  cleanups.push(() => ws.close());
  if (o.silent) ws.answerPings = false;
  const opts: LarkOptions = { appId: APP_ID, appSecret: o.secret ?? SECRET, domain: api.url, eventMode: 'ws' };
  const receiver = new LarkReceiver(opts, silentLog, { pongTimeoutSeconds: o.pongTimeoutSeconds });
  await receiver.start(sink);
  cleanups.push(() => receiver.stop());
  return { api, ws, receiver };
}

const message = (text = '帮助') => messageEvent({ token: 'unused-over-ws', openId: 'ou_a', text });

describe('LarkReceiver over the long connection', () => {
  it('connects with the app id and secret, is up, and ACKs a recorded message with code 200', async () => {
    const sink = new FakeSink();
    const { ws, receiver } = await connect(sink);
    await ws.waitForConnections(1);
    expect(ws.endpointCalls).toEqual([{ appId: APP_ID, code: 0 }]);
    await ws.push(message('我是谁'));
    expect(receiver.state()).toBe('up');
    const ack = ws.acks[0]!;
    expect(ack).toMatchObject({ code: 200, late: false, data: undefined });
    expect(sink.events.map((e) => e.text)).toEqual(['我是谁']);
  });

  it('refuses a wrong app secret at the endpoint call like Lark: no connection, the channel is down and the error hook says so', async () => {
    const sink = new FakeSink();
    const { ws, receiver } = await connect(sink, { secret: 'not-the-secret' });
    const deadline = Date.now() + 3000;
    while (receiver.state() !== 'down' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(receiver.state()).toBe('down');
    expect(ws.endpointCalls).toEqual([{ appId: APP_ID, code: 514 }]);
    expect(ws.connections()).toHaveLength(0);
    expect(sink.errors).toEqual(['lark: lark long connection gave up']);
  });

  it('ACKs a message with code 500 when recording it fails, so Lark pushes it again, and keeps serving', async () => {
    let fail = true;
    const sink = new FakeSink(async () => {
      if (fail) throw new Error('database down');
      return 'accepted';
    });
    const { ws } = await connect(sink);
    await ws.waitForConnections(1);
    const event = message();
    expect((await ws.push(event))?.code).toBe(500);
    expect(sink.errors).toEqual(['lark: lark message event failed']);
    fail = false;
    // Lark's second push of the same event
    expect((await ws.push(event))?.code).toBe(200);
  });

  it('ACKs a message with code 500 while the bot is stopping, so Lark pushes it again later', async () => {
    const { ws } = await connect(new FakeSink(async () => 'stopped'));
    await ws.waitForConnections(1);
    expect((await ws.push(message()))?.code).toBe(500);
  });

  // the deadline is a constant below Lark's 3 s; what is tested is that a hang takes the deadline path
  it("ACKs a message the database has not recorded within the deadline with code 500, before Lark's 3 s", async () => {
    const { ws } = await connect(new FakeSink(() => new Promise(() => {})));
    await ws.waitForConnections(1);
    const ack = await ws.push(message(), { waitMs: 5000 });
    expect(ack?.code).toBe(500);
    expect(ack!.ms).toBeGreaterThanOrEqual(MESSAGE_DEADLINE_MS - 50);
    expect(ack!.late).toBe(false);
  });

  it('answers a card click in the ACK: the toast, base64 JSON in data, within 3 s', async () => {
    const { ws } = await connect(new FakeSink(undefined, async () => ({ result: 'accepted', toast: '已停用 张三' })));
    await ws.waitForConnections(1);
    const ack = await ws.push(
      cardActionEvent({
        token: 'unused-over-ws',
        openId: 'ou_a',
        value: { action: 'x' },
        messageId: 'om_1',
        chatId: 'oc_1',
      }),
    );
    expect(ack).toMatchObject({ code: 200, late: false, data: { toast: { type: 'info', content: '已停用 张三' } } });
  });

  it('answers a card click whose processing hangs with the "still working" toast, within 3 s', async () => {
    const { ws } = await connect(new FakeSink(undefined, () => new Promise(() => {})));
    await ws.waitForConnections(1);
    const ack = await ws.push(
      cardActionEvent({
        token: 'unused-over-ws',
        openId: 'ou_a',
        value: { action: 'x' },
        messageId: 'om_1',
        chatId: 'oc_1',
      }),
      { waitMs: 5000 },
    );
    expect(ack).toMatchObject({ code: 200, late: false, data: { toast: { type: 'info', content: CARD_SLOW_TOAST } } });
  });

  it('merges an event sent in fragments, last first and cut inside characters, into one event', async () => {
    const sink = new FakeSink();
    const { ws } = await connect(sink);
    await ws.waitForConnections(1);
    const text = '报销 交通费 128.50 元，万达广场夜班打车回宿舍'.repeat(4);
    const ack = await ws.push(message(text), { fragments: 7, reverse: true });
    expect(ack?.code).toBe(200);
    expect(sink.events.map((e) => e.text)).toEqual([text]);
    // one ACK for the event, not one per fragment
    await new Promise((r) => setTimeout(r, 50));
    expect(ws.acks).toHaveLength(1);
  });

  it('drops a connection whose pings Lark stopped answering and connects again, instead of waiting on a dead link', async () => {
    const { ws, receiver } = await connect(new FakeSink(), { silent: true, pongTimeoutSeconds: 1 });
    await ws.waitForConnections(1);
    const first = ws.connections()[0]!.id;
    ws.answerPings = true;
    // the ping on open went unanswered: a second later the client hangs up and asks for a new endpoint
    const deadline = Date.now() + 4000;
    while (!(ws.connections().length === 1 && ws.connections()[0]!.id !== first) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(ws.connections().map((c) => c.id)).not.toContain(first);
    expect(ws.connections()).toHaveLength(1);
    expect(ws.endpointCalls).toHaveLength(2);
    expect(receiver.state()).toBe('up');
    expect((await ws.push(message()))?.code).toBe(200);
  });
});
