import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { OnError } from '../../../src/core/errors.ts';
import type { BotEvent, EventSink, IntakeResult } from '../../../src/core/types.ts';
import { createHttpServer, listen } from '../../../src/http.ts';
import {
  CARD_SLOW_TOAST,
  cardActionToBotEvent,
  type LarkCardActionData,
  type LarkMessageEventData,
  type LarkOptions,
  LarkReceiver,
  larkSignature,
  messageEventToBotEvent,
  rateLimitWaitMs,
  requestToken,
  safeEqual,
} from '../../../src/receivers/lark/index.ts';
import { silentLog } from '../../helpers/harness.ts';
import { cardActionEvent, loadFixture, messageEvent, signBody } from '../../helpers/lark-standin.ts';

/** What the SDK's dispatcher hands a handler: the 2.0 envelope flattened. */
function flat<T>(envelope: { header: object; event: object }): T {
  return { ...envelope.header, ...envelope.event } as T;
}

const TOKEN = 'vt_unit';

describe('messageEventToBotEvent', () => {
  it('turns the recorded private text message into a BotEvent keyed by message_id', () => {
    const now = new Date('2026-11-27T02:00:00Z');
    const conv = messageEventToBotEvent(flat(loadFixture('im.message.receive_v1')), { now });
    expect(conv).toEqual({
      kind: 'event',
      event: {
        id: 'om_5ce6d572455d361153b7cb51da133945',
        channel: 'lark',
        chat: { id: 'oc_5ce6d572455d361153b7xx51da133945', isGroup: false },
        userId: 'ou_84aad35d084aa403a838cf73ee18467',
        kind: 'message',
        text: '帮助',
        receivedAt: now,
      },
    });
  });

  it('ignores group chatter that neither @s the bot nor starts with /', () => {
    const conv = messageEventToBotEvent(
      flat(messageEvent({ token: TOKEN, openId: 'ou_a', text: '今天谁值班', chatType: 'group', chatId: 'oc_g' })),
    );
    expect(conv.kind).toBe('ignored');
  });

  it('takes a group message that @s the bot, without the @_user_N placeholder', () => {
    const mentions = [{ key: '@_user_1', id: { open_id: 'ou_bot' }, name: '保安助手' }];
    const conv = messageEventToBotEvent(
      flat(
        messageEvent({
          token: TOKEN,
          openId: 'ou_a',
          text: '@_user_1  人员 张三',
          chatType: 'group',
          chatId: 'oc_g',
          mentions,
        }),
      ),
      { botOpenId: 'ou_bot' },
    );
    expect(conv.kind === 'event' && conv.event).toMatchObject({
      text: '人员 张三',
      chat: { id: 'oc_g', isGroup: true },
    });
  });

  it('reads a bare @mention as 帮助', () => {
    const mentions = [{ key: '@_user_1', id: { open_id: 'ou_bot' }, name: '保安助手' }];
    const conv = messageEventToBotEvent(
      flat(
        messageEvent({ token: TOKEN, openId: 'ou_a', text: '@_user_1', chatType: 'group', chatId: 'oc_g', mentions }),
      ),
      { botOpenId: 'ou_bot' },
    );
    expect(conv.kind === 'event' && conv.event.text).toBe('帮助');
  });

  // before: without its open_id the bot took any mention as its own (every @ in a group got an answer)
  it('a mention of someone else does not address the bot; before it knows its open_id such a message waits', () => {
    const mentions = [{ key: '@_user_1', id: { open_id: 'ou_colleague' }, name: '李四' }];
    const data = flat<LarkMessageEventData>(
      messageEvent({
        token: TOKEN,
        openId: 'ou_a',
        text: '@_user_1 你好',
        chatType: 'group',
        chatId: 'oc_g',
        mentions,
      }),
    );
    expect(messageEventToBotEvent(data, { botOpenId: 'ou_bot' }).kind).toBe('ignored');
    // Lark is asked to push it again; by then the bot knows whether it is the one mentioned
    expect(messageEventToBotEvent(data).kind).toBe('wait');
  });

  it('takes a group message starting with a full-width slash', () => {
    const conv = messageEventToBotEvent(
      flat(messageEvent({ token: TOKEN, openId: 'ou_a', text: '／帮助', chatType: 'group', chatId: 'oc_g' })),
    );
    expect(conv.kind === 'event' && conv.event.text).toBe('／帮助');
  });

  it('passes a picture in private on as an attachment reference, and ignores one in a group', () => {
    const content = JSON.stringify({ image_key: 'img_v2_x' });
    const p2p = messageEventToBotEvent(
      flat(messageEvent({ token: TOKEN, openId: 'ou_a', messageType: 'image', content, messageId: 'om_img' })),
    );
    expect(p2p.kind === 'event' && p2p.event.attachments).toEqual([{ kind: 'image', ref: 'lark:om_img:img_v2_x' }]);
    expect(p2p.kind === 'event' && p2p.event.text).toBe('');
    const group = messageEventToBotEvent(
      flat(
        messageEvent({
          token: TOKEN,
          openId: 'ou_a',
          messageType: 'image',
          content,
          chatType: 'group',
          chatId: 'oc_g',
        }),
      ),
    );
    expect(group.kind).toBe('ignored');
  });

  it('reads a post: title and paragraphs as lines, links by their text, @s left out, pictures as attachments', () => {
    const content = JSON.stringify({
      title: '报销',
      content: [
        [
          { tag: 'at', user_id: '@_user_1', user_name: '保安助手' },
          { tag: 'text', text: ' 金额 120' },
        ],
        [
          { tag: 'a', text: '发票', href: 'https://example.com/x' },
          { tag: 'emotion', emoji_type: 'SMILE' },
        ],
        [{ tag: 'img', image_key: 'img_v2_p' }],
      ],
    });
    const mentions = [{ key: '@_user_1', id: { open_id: 'ou_bot' }, name: '保安助手' }];
    const data = flat<LarkMessageEventData>(
      messageEvent({
        token: TOKEN,
        openId: 'ou_a',
        messageType: 'post',
        content,
        chatType: 'group',
        chatId: 'oc_g',
        messageId: 'om_post',
        mentions,
      }),
    );
    const conv = messageEventToBotEvent(data, { botOpenId: 'ou_bot' });
    expect(conv.kind === 'event' && conv.event).toMatchObject({
      text: '报销\n金额 120\n发票',
      attachments: [{ kind: 'image', ref: 'lark:om_post:img_v2_p' }],
    });
    expect(messageEventToBotEvent(data, { botOpenId: 'ou_other_bot' }).kind).toBe('ignored');
  });

  it('reads a post wrapped by locale, and ignores one that is not a post at all', () => {
    const wrapped = JSON.stringify({ en_us: { title: '', content: [[{ tag: 'text', text: '我是谁' }]] } });
    const conv = messageEventToBotEvent(
      flat(messageEvent({ token: TOKEN, openId: 'ou_a', messageType: 'post', content: wrapped })),
    );
    expect(conv.kind === 'event' && conv.event.text).toBe('我是谁');
    for (const bad of ['not json', '[]', '"text"']) {
      const c = messageEventToBotEvent(
        flat(messageEvent({ token: TOKEN, openId: 'ou_a', messageType: 'post', content: bad })),
      );
      expect(c.kind, bad).toBe('ignored');
    }
  });

  it('takes a group message starting with / before the bot knows its open_id', () => {
    const mentions = [{ key: '@_user_1', id: { open_id: 'ou_colleague' }, name: '李四' }];
    const conv = messageEventToBotEvent(
      flat(
        messageEvent({
          token: TOKEN,
          openId: 'ou_a',
          text: '/我是谁 @_user_1',
          chatType: 'group',
          chatId: 'oc_g',
          mentions,
        }),
      ),
    );
    expect(conv.kind === 'event' && conv.event.text).toBe('/我是谁');
  });

  it('marks a sticker in private as unsupported', () => {
    const content = JSON.stringify({ file_key: 'sticker_x' });
    const p2p = messageEventToBotEvent(
      flat(messageEvent({ token: TOKEN, openId: 'ou_a', messageType: 'sticker', content, messageId: 'om_st' })),
    );
    expect(p2p).toEqual({ kind: 'unsupported', messageType: 'sticker', chatId: 'oc_p2p_ou_a', messageId: 'om_st' });
  });

  it('ignores messages from other bots and malformed content', () => {
    const fromApp = flat<LarkMessageEventData>(messageEvent({ token: TOKEN, openId: 'ou_a', text: '帮助' }));
    fromApp.sender!.sender_type = 'app';
    expect(messageEventToBotEvent(fromApp).kind).toBe('ignored');
    const broken = flat<LarkMessageEventData>(messageEvent({ token: TOKEN, openId: 'ou_a', content: 'not json' }));
    expect(messageEventToBotEvent(broken).kind).toBe('ignored');
    expect(messageEventToBotEvent({}).kind).toBe('ignored');
  });
});

describe('cardActionToBotEvent', () => {
  it('turns the recorded button click into an action event routed by value.action', () => {
    const event = cardActionToBotEvent(flat(loadFixture('card.action.trigger')));
    expect(event).toMatchObject({
      id: 'f7984f25108f8137722bb63cee927e66',
      channel: 'lark',
      chat: { id: 'oc_e4d2605ca917e695f54f11aaf56d7a01', isGroup: true },
      userId: 'ou_3c14f3a59eaf2825dbe25359f15b8f0e',
      kind: 'action',
      action: {
        action: 'staff.setActive',
        value: { staffId: '0123456789abcdef01234567', active: 'false' },
        messageId: 'om_574d639e4a44e4dd646eaf628e2f1b2a',
      },
    });
    expect(event?.action?.form).toBeUndefined();
  });

  it('gives form values as strings and ticked lists (multi_select_static) as arrays, and takes the chat kind from the receiver when it knows it', () => {
    const data = flat<LarkCardActionData>(
      cardActionEvent({
        token: TOKEN,
        openId: 'ou_a',
        value: { action: 'form.submit', form: 'staff.add', n: 3 },
        formValue: { name: '李四', count: 2, roles: ['guard', 'driver'], empty: null },
        messageId: 'om_1',
        chatId: 'oc_1',
      }),
    );
    const event = cardActionToBotEvent(data, { isGroup: (id) => (id === 'oc_1' ? false : undefined) });
    expect(event?.action).toEqual({
      action: 'form.submit',
      value: { form: 'staff.add', n: '3' },
      form: { name: '李四', count: '2', roles: 'guard,driver', empty: '' },
      ticked: { roles: ['guard', 'driver'] },
      messageId: 'om_1',
    });
    expect(event?.chat.isGroup).toBe(false);
  });

  it('without an event_id, derives a stable id from the callback itself', () => {
    const data = flat<LarkCardActionData>(
      cardActionEvent({ token: TOKEN, openId: 'ou_a', value: { action: 'x' }, messageId: 'om_1', chatId: 'oc_1' }),
    );
    delete data.event_id;
    const a = cardActionToBotEvent(data)!;
    const b = cardActionToBotEvent({ ...data })!;
    const c = cardActionToBotEvent({ ...data, token: 'c-other' })!;
    expect(a.id).toBe(b.id);
    expect(a.id).not.toBe(c.id);
  });

  it('returns null without an operator or a routed value', () => {
    expect(cardActionToBotEvent({ action: { value: { action: 'x' } } })).toBeNull();
    expect(cardActionToBotEvent({ operator: { open_id: 'ou_a' }, action: { value: { foo: 'bar' } } })).toBeNull();
  });
});

describe('webhook checks', () => {
  it('signs as sha256(timestamp + nonce + encryptKey + body)', () => {
    const body = '{"encrypt":"abc"}';
    expect(larkSignature('1700000000', 'n1', 'key', body)).toBe(
      signBody(body, 'key', '1700000000', 'n1')['x-lark-signature'],
    );
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });

  it('reads the verification token from header.token in 2.0 and the top level otherwise', () => {
    expect(requestToken({ schema: '2.0', header: { token: 'h' }, token: 'top' })).toBe('h');
    expect(requestToken({ schema: '2.0', event: {} })).toBeUndefined();
    expect(requestToken({ type: 'url_verification', token: 't', challenge: 'c' })).toBe('t');
    expect(requestToken({ uuid: 'u', token: 'v1', event: { type: 'message' } })).toBe('v1');
  });

  it('waits what x-ogw-ratelimit-reset says, 1 s when it says nothing usable', () => {
    expect(rateLimitWaitMs('1')).toBe(1000);
    expect(rateLimitWaitMs('2.5')).toBe(2500);
    expect(rateLimitWaitMs(undefined)).toBe(1000);
    expect(rateLimitWaitMs('soon')).toBe(1000);
  });
});

/** A sink the test controls. */
class FakeSink implements EventSink {
  events: BotEvent[] = [];
  /** What went to the error hook: the scope's `what` and channel. */
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

describe('LarkReceiver over HTTP (no encrypt key)', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  const opts: LarkOptions = {
    appId: 'cli_0123456789abcdef',
    appSecret: 'secret',
    domain: 'http://127.0.0.1:9',
    eventMode: 'webhook',
    verificationToken: TOKEN,
  };

  async function serve(receiver: LarkReceiver): Promise<string> {
    const server = createHttpServer({ log: silentLog, health: async () => ({ ok: true }), routes: receiver.routes });
    servers.push(server);
    return `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}/lark/events`;
  }
  const post = (url: string, payload: unknown) =>
    fetch(url, { method: 'POST', body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });

  it('takes a plain event with the right token, refuses a wrong one without touching the sink', async () => {
    const receiver = new LarkReceiver(opts, silentLog);
    const sink = new FakeSink();
    await receiver.start(sink);
    const url = await serve(receiver);
    const ok = await post(url, messageEvent({ token: TOKEN, openId: 'ou_a', text: '帮助' }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({});
    const bad = await post(url, messageEvent({ token: 'nope', openId: 'ou_a', text: '帮助' }));
    expect(bad.status).toBe(401);
    expect(sink.events.map((e) => e.text)).toEqual(['帮助']);
  });

  // the deadline itself is a constant below Lark's 3 s; what is tested is that a hang takes the deadline path
  it('answers a card callback with a "still working" toast when processing hangs', async () => {
    const receiver = new LarkReceiver(opts, silentLog);
    await receiver.start(new FakeSink(undefined, () => new Promise(() => {})));
    const url = await serve(receiver);
    const res = await post(
      url,
      cardActionEvent({ token: TOKEN, openId: 'ou_a', value: { action: 'x' }, messageId: 'om_1', chatId: 'oc_1' }),
    );
    expect(await res.json()).toEqual({ toast: { type: 'info', content: CARD_SLOW_TOAST } });
  });

  it('answers 503 to a message while the app is stopping, so Lark pushes it again later', async () => {
    const receiver = new LarkReceiver(opts, silentLog);
    await receiver.start(new FakeSink(async () => 'stopped'));
    const url = await serve(receiver);
    expect((await post(url, messageEvent({ token: TOKEN, openId: 'ou_a', text: '帮助' }))).status).toBe(503);
  });

  it('answers 500 when the sink fails, and keeps serving', async () => {
    const receiver = new LarkReceiver(opts, silentLog);
    let fail = true;
    await receiver.start(
      new FakeSink(async () => {
        if (fail) throw new Error('database down');
        return 'accepted';
      }),
    );
    const url = await serve(receiver);
    expect((await post(url, messageEvent({ token: TOKEN, openId: 'ou_a', text: '帮助' }))).status).toBe(500);
    fail = false;
    expect((await post(url, messageEvent({ token: TOKEN, openId: 'ou_a', text: '帮助' }))).status).toBe(200);
  });

  it("reports a request that failed to the bot's error hook, as a channel error", async () => {
    const receiver = new LarkReceiver(opts, silentLog);
    const sink = new FakeSink(async () => {
      throw new Error('database down');
    });
    await receiver.start(sink);
    const url = await serve(receiver);
    expect((await post(url, messageEvent({ token: TOKEN, openId: 'ou_a', text: '帮助' }))).status).toBe(500);
    expect(sink.errors).toEqual(['lark: lark webhook failed']);
  });

  it('answers a card callback whose event was left to a later attempt with the "still working" toast', async () => {
    const receiver = new LarkReceiver(opts, silentLog);
    await receiver.start(new FakeSink(undefined, async () => ({ result: 'accepted', later: true })));
    const url = await serve(receiver);
    const res = await post(
      url,
      cardActionEvent({ token: TOKEN, openId: 'ou_a', value: { action: 'x' }, messageId: 'om_1', chatId: 'oc_1' }),
    );
    expect(await res.json()).toEqual({ toast: { type: 'info', content: CARD_SLOW_TOAST } });
  });

  it('declares its webhook route in webhook mode only', () => {
    expect(new LarkReceiver(opts, silentLog).routes.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /lark/events']);
    expect(new LarkReceiver({ ...opts, eventMode: 'ws' }, silentLog).routes).toEqual([]);
  });

  it('is starting before start, up after, down after stop', async () => {
    const receiver = new LarkReceiver(opts, silentLog);
    expect(receiver.state()).toBe('starting');
    await receiver.start(new FakeSink());
    expect(receiver.state()).toBe('up');
    await receiver.stop();
    expect(receiver.state()).toBe('down');
    const url = await serve(receiver);
    expect((await post(url, messageEvent({ token: TOKEN, openId: 'ou_a', text: '帮助' }))).status).toBe(503);
  });

  it('in long-connection mode asks the configured domain for the endpoint and reports down when refused', async () => {
    const seen: string[] = [];
    const endpoint = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${(JSON.parse(body) as { AppID?: string }).AppID}`);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 1000040345, msg: 'app not found', data: {} }));
      });
    });
    servers.push(endpoint);
    const port = await listen(endpoint, 0, '127.0.0.1');
    const receiver = new LarkReceiver({ ...opts, eventMode: 'ws', domain: `http://127.0.0.1:${port}` }, silentLog);
    await receiver.start(new FakeSink());
    const deadline = Date.now() + 3000;
    while (receiver.state() !== 'down' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(receiver.state()).toBe('down');
    // (the bot also asks the same domain who it is: its identity's requests are not the endpoint's)
    expect(seen.filter((r) => r.includes('/callback/'))).toEqual(['POST /callback/ws/endpoint cli_0123456789abcdef']);
    await receiver.stop();
  });
});
