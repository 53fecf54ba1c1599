import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InboundEvent } from '../../src/models/index.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { waitProcessed } from '../helpers/harness.ts';
import { type LarkBot, p2p, startLarkBot } from '../helpers/lark-bot.ts';
import { type LarkStandin, type MessageOverrides, messageEvent } from '../helpers/lark-standin.ts';

/*
 * Lark groups and rich text, end to end through the stand-ins (webhook here, the long connection in
 * tests/scenarios/ws/): the bot learns its own open_id from the bot info API and answers in a group
 * only what @s it or starts with /; a rich-text (post) message is read like a text one.
 */

useDatabase('lark_groups');

const ADMIN = 'ou_admin';
const GROUP = 'oc_group_wanda';
let lark: LarkBot;
let standin: LarkStandin;

beforeAll(async () => {
  lark = await startLarkBot({ BOT_ADMINS: `lark:${ADMIN}` });
  standin = lark.standin;
});
afterAll(() => lark?.close());
beforeEach(async () => {
  await clearCollections();
  standin.reset();
});

/** The ids a message event carries: its message (the inbox key) and its envelope. */
const messageKey = (event: ReturnType<typeof messageEvent>) =>
  `lark:${(event.event.message as { message_id: string }).message_id}`;

/** Delivers a message as Lark does; resolves with Lark's view of the answer (status) once it is settled. */
async function send(bot: LarkBot, o: Omit<MessageOverrides, 'token'>): Promise<{ status: number; key: string }> {
  const event = messageEvent({ token: bot.token, ...o });
  const { status } = await bot.deliver(event);
  const key = messageKey(event);
  // recorded before Lark is answered; a message not for the bot is answered 200 and never recorded
  if (status === 200 && (await InboundEvent.exists({ _id: key }))) await waitProcessed(key);
  return { status, key };
}

/** Texts and cards the bot sent to `chat`, as text (cards as their JSON). */
const said = (s: LarkStandin, chat: string) =>
  s.sent(chat).map((r) => (r.body.msg_type === 'text' ? String(r.content?.text) : JSON.stringify(r.content)));

/** A rich-text message's content as Lark sends it: paragraphs of elements, optionally wrapped by locale. */
const post = (title: string, ...paragraphs: Record<string, unknown>[][]) =>
  JSON.stringify({ title, content: paragraphs });

describe('Lark groups: the bot answers what is addressed to it', () => {
  it('learns its open_id from the bot info API as it starts', () => {
    expect(lark.receiver.identity.openId).toBe(standin.bot.open_id);
  });

  // before: the bot did not know its open_id and took any @ in a group as addressed to itself
  it('a group message that @s only a colleague gets no answer; one that @s the bot is answered without the @', async () => {
    const colleague = { key: '@_user_1', id: { open_id: 'ou_colleague' }, name: '李四' };
    const toColleague = await send(lark, {
      openId: ADMIN,
      text: '@_user_1 我是谁',
      chatId: GROUP,
      chatType: 'group',
      mentions: [colleague],
    });
    expect(toColleague.status).toBe(200);
    // both @s in one message: the bot's (the second) counts
    const toBoth = await send(lark, {
      openId: ADMIN,
      text: '@_user_1 @_user_2 我是谁',
      chatId: GROUP,
      chatType: 'group',
      mentions: [colleague, standin.mention(2)],
    });
    expect(toBoth.status).toBe(200);
    await standin.waitFor(() => said(standin, GROUP).length === 1, 'one answer in the group');
    expect(said(standin, GROUP)[0]).toContain('你是');
    expect(await InboundEvent.exists({ _id: toColleague.key })).toBeNull();
    expect(await InboundEvent.exists({ _id: toBoth.key })).toBeTruthy();
  });

  it('answers a group message that starts with / without any @', async () => {
    await send(lark, { openId: ADMIN, text: '/我是谁', chatId: GROUP, chatType: 'group' });
    await standin.waitFor(() => said(standin, GROUP).length === 1, 'the answer to /我是谁');
    expect(said(standin, GROUP)[0]).toContain('你是');
  });
});

describe('Lark rich-text (post) messages', () => {
  // before: a post was not read (in private the bot answered 暂时只支持文字消息, in a group nothing)
  it('reads a post in private: its text, styled pieces joined, is the command', async () => {
    const content = post('', [
      { tag: 'text', text: '我是', style: ['bold'] },
      { tag: 'text', text: '谁' },
    ]);
    const { status } = await send(lark, { openId: ADMIN, messageType: 'post', content });
    expect(status).toBe(200);
    await standin.waitFor(() => said(standin, p2p(ADMIN)).length === 1, 'the answer to the post');
    expect(said(standin, p2p(ADMIN))[0]).toContain('你是');
    expect(said(standin, p2p(ADMIN))[0]).not.toContain('暂时只支持文字消息');
  });

  it('in a group, an @ of the bot inside a post addresses it, and one of a colleague does not', async () => {
    const toBot = post('', [
      { tag: 'at', user_id: '@_user_1', user_name: standin.bot.app_name },
      { tag: 'text', text: ' 我是谁' },
    ]);
    await send(lark, {
      openId: ADMIN,
      messageType: 'post',
      content: toBot,
      chatId: GROUP,
      chatType: 'group',
      mentions: [standin.mention()],
    });
    const toColleague = post('', [
      { tag: 'at', user_id: '@_user_1', user_name: '李四' },
      { tag: 'text', text: ' 我是谁' },
    ]);
    const other = await send(lark, {
      openId: ADMIN,
      messageType: 'post',
      content: toColleague,
      chatId: GROUP,
      chatType: 'group',
      mentions: [{ key: '@_user_1', id: { open_id: 'ou_colleague' }, name: '李四' }],
    });
    await standin.waitFor(() => said(standin, GROUP).length === 1, 'the answer to the post that @s the bot');
    expect(said(standin, GROUP)[0]).toContain('你是');
    expect(await InboundEvent.exists({ _id: other.key })).toBeNull();
  });

  it('reads a post wrapped by locale, its title as the first line', async () => {
    const content = JSON.stringify({
      zh_cn: { title: '我是谁', content: [[{ tag: 'img', image_key: 'img_v2_x' }]] },
    });
    await send(lark, { openId: ADMIN, messageType: 'post', content, chatId: GROUP, chatType: 'group' });
    // no @ and no / in a group: not for the bot; in private the same post is
    expect(said(standin, GROUP)).toEqual([]);
    await send(lark, { openId: ADMIN, messageType: 'post', content });
    await standin.waitFor(() => said(standin, p2p(ADMIN)).length >= 1, 'the answer to the wrapped post');
    expect(said(standin, p2p(ADMIN))[0]).toContain('你是');
  });
});

describe('Lark groups before the bot knows its open_id', () => {
  let late: LarkBot;
  beforeAll(async () => {
    late = await startLarkBot(
      { BOT_ADMINS: `lark:${ADMIN}` },
      {
        identityPending: true,
        // Lark refuses the first bot-info requests; the bot retries them 400 ms apart here
        beforeStart: (s) => {
          s.failBotInfo = 3;
        },
        tuning: { identityRetry: { minTimeout: 400, maxTimeout: 400 } },
      },
    );
  });
  afterAll(() => late?.close());

  it('answers a / message at once, has Lark push again a message that @s it, and answers that push once it knows', async () => {
    expect(late.receiver.identity.openId).toBeUndefined();
    const slash = await send(late, { openId: ADMIN, text: '/我是谁', chatId: GROUP, chatType: 'group' });
    expect(slash.status).toBe(200);

    const event = messageEvent({
      token: late.token,
      openId: ADMIN,
      text: '@_user_1 我是谁',
      chatId: GROUP,
      chatType: 'group',
      mentions: [late.standin.mention()],
    });
    // not recorded: a webhook is answered 503, an ACK over the long connection says 500 (the handler threw)
    expect((await late.deliver(event)).status).toBe(late.mode === 'ws' ? 500 : 503);
    expect(await InboundEvent.exists({ _id: messageKey(event) })).toBeNull();

    await late.standin.waitFor(() => late.receiver.identity.openId, 'the bot to learn its open_id', 10_000);
    const botInfoAsks = late.standin.requests.filter((r) => r.path === '/open-apis/bot/v3/info');
    expect(botInfoAsks.length).toBeGreaterThanOrEqual(4);
    // Lark pushes it again (15 s later in production)
    expect((await late.deliver(event)).status).toBe(200);
    await waitProcessed(messageKey(event));
    expect(said(late.standin, GROUP)).toHaveLength(2);
  });
});
