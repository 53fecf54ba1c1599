import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot.ts';
import { HOW_TO_BIND } from '../../src/core/app.ts';
import { InboxOutcome, SentReply } from '../../src/models/inbox.ts';
import { Identity, InboundEvent, Staff } from '../../src/models/index.ts';
import type { LarkReceiver } from '../../src/receivers/lark/index.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { waitProcessed } from '../helpers/harness.ts';
import { type LarkBot, larkEventMode, startLarkBot } from '../helpers/lark-bot.ts';
import {
  cardActionEvent,
  encryptPayload,
  findButtonValue,
  formInputNames,
  type LarkStandin,
  larkRequest,
  type MessageOverrides,
  messageEvent,
  signBody,
} from '../helpers/lark-standin.ts';

/*
 * The Lark channel end to end: events reach the bot as Lark sends them (POSTed encrypted and signed
 * to its real HTTP server, or, in tests/scenarios/ws/, pushed over the SDK's long connection), go
 * through LarkReceiver into the real app and database, and every answer leaves through the real
 * SDK to a stand-in Open API on 127.0.0.1.
 */

useDatabase('lark');

const ADMIN = 'ou_admin';

let lark: LarkBot;
let standin: LarkStandin;
let receiver: LarkReceiver;
let bot: Bot;
let VERIFICATION_TOKEN: string;
let ENCRYPT_KEY: string;
let APP_SECRET: string;

beforeAll(async () => {
  lark = await startLarkBot({ BOT_ADMINS: `lark:${ADMIN}` });
  ({ standin, receiver, bot, token: VERIFICATION_TOKEN, encryptKey: ENCRYPT_KEY } = lark);
  APP_SECRET = lark.config.lark!.appSecret;
});

afterAll(() => lark?.close());

beforeEach(async () => {
  await clearCollections();
  standin.reset();
});

async function post(
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(lark.webhookUrl, { method: 'POST', body, headers });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Delivers a payload exactly as Lark does in this file's event mode (webhook: encrypted, signed). */
async function deliver(
  payload: unknown,
  opts: { sign?: boolean } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const { status, json } = await lark.deliver(payload, opts);
  return { status, json };
}

const p2p = (openId: string) => `oc_p2p_${openId}`;

/** A person types `text` to the bot in private; resolves with the texts the bot sent back. */
async function say(openId: string, text: string, extra: Partial<MessageOverrides> = {}): Promise<string[]> {
  const chatId = extra.chatId ?? p2p(openId);
  const before = standin.sent(chatId).length;
  const event = messageEvent({ token: VERIFICATION_TOKEN, openId, text, ...extra });
  const res = await deliver(event);
  expect(res.status).toBe(200);
  await waitProcessed(`lark:${(event.event.message as { message_id: string }).message_id}`);
  return standin
    .sent(chatId)
    .slice(before)
    .map((r) => (r.body.msg_type === 'text' ? String(r.content?.text) : JSON.stringify(r.content)));
}

/** Clicks a button (or submits a form) on a card the bot sent; resolves with Lark's answer. */
async function click(
  openId: string,
  messageId: string,
  chatId: string,
  value: Record<string, unknown>,
  formValue?: Record<string, unknown>,
) {
  const event = cardActionEvent({ token: VERIFICATION_TOKEN, openId, value, formValue, messageId, chatId });
  const res = await deliver(event);
  return { ...res, eventId: event.header.event_id as string };
}

// the long connection's own checks are in lark-ws.test.ts
describe.skipIf(larkEventMode() !== 'webhook')('Lark webhook', () => {
  it('answers the URL verification with its challenge (Lark sends it encrypted and unsigned)', async () => {
    const challenge = randomBytes(8).toString('hex');
    const res = await deliver({ challenge, token: VERIFICATION_TOKEN, type: 'url_verification' }, { sign: false });
    expect(res).toEqual({ status: 200, json: { challenge } });

    const wrong = await deliver({ challenge, token: 'not-the-token', type: 'url_verification' }, { sign: false });
    expect(wrong.status).toBe(401);
    expect(wrong.json.challenge).toBeUndefined();
  });

  it('reports the channel as up once started', () => {
    expect(bot.health()).toEqual({ lark: 'up' });
  });

  it('refuses a forged signature, an unsigned event and a wrong verification token with 401, and records nothing', async () => {
    const forged = larkRequest(messageEvent({ token: VERIFICATION_TOKEN, openId: ADMIN, text: '帮助' }), ENCRYPT_KEY);
    forged.headers['x-lark-signature'] = signBody(
      forged.body,
      'some-other-key',
      forged.headers['x-lark-request-timestamp'],
      forged.headers['x-lark-request-nonce'],
    )['x-lark-signature'];
    expect((await post(forged.body, forged.headers)).status).toBe(401);

    const unsigned = await deliver(messageEvent({ token: VERIFICATION_TOKEN, openId: ADMIN, text: '帮助' }), {
      sign: false,
    });
    expect(unsigned.status).toBe(401);

    const wrongToken = await deliver(messageEvent({ token: 'stolen-or-stale-token', openId: ADMIN, text: '帮助' }));
    expect(wrongToken.status).toBe(401);

    // a body changed after signing no longer matches
    const tampered = larkRequest(messageEvent({ token: VERIFICATION_TOKEN, openId: ADMIN, text: '帮助' }), ENCRYPT_KEY);
    const otherBody = JSON.stringify({
      encrypt: encryptPayload(
        messageEvent({ token: VERIFICATION_TOKEN, openId: ADMIN, text: '人员列表' }),
        ENCRYPT_KEY,
      ),
    });
    expect((await post(otherBody, tampered.headers)).status).toBe(401);

    // a genuine event after them is answered: had any refused one been taken, it would be answered by now too
    const [sentinel] = await say(ADMIN, '我是谁');
    expect(sentinel).toContain('你是');
    expect(await InboundEvent.countDocuments()).toBe(1);
    expect(standin.sendAttempts()).toHaveLength(1);
  });

  it('refuses bodies that are not JSON, not encrypted, not decryptable or too large, and records nothing', async () => {
    const notJson = 'this is not json';
    expect(
      (await post(notJson, { 'content-type': 'application/json', ...signBody(notJson, ENCRYPT_KEY) })).status,
    ).toBe(400);

    const plain = JSON.stringify(messageEvent({ token: VERIFICATION_TOKEN, openId: ADMIN, text: '帮助' }));
    expect((await post(plain, { 'content-type': 'application/json', ...signBody(plain, ENCRYPT_KEY) })).status).toBe(
      400,
    );

    const garbage = JSON.stringify({ encrypt: randomBytes(48).toString('base64') });
    expect(
      (await post(garbage, { 'content-type': 'application/json', ...signBody(garbage, ENCRYPT_KEY) })).status,
    ).toBe(400);

    const wrongKey = JSON.stringify({
      encrypt: encryptPayload(messageEvent({ token: VERIFICATION_TOKEN, openId: ADMIN, text: '帮助' }), 'other-key'),
    });
    expect(
      (await post(wrongKey, { 'content-type': 'application/json', ...signBody(wrongKey, ENCRYPT_KEY) })).status,
    ).toBe(400);

    const huge = JSON.stringify({ encrypt: 'A'.repeat(1024 * 1024 + 10) });
    expect((await post(huge, { 'content-type': 'application/json', ...signBody(huge, ENCRYPT_KEY) })).status).toBe(413);

    expect(await InboundEvent.countDocuments()).toBe(0);
    expect(standin.sendAttempts()).toHaveLength(0);
  });

  it('gives the same event delivered twice one effect: one inbox record, one reply', async () => {
    const event = messageEvent({ token: VERIFICATION_TOKEN, openId: ADMIN, text: '我是谁' });
    const messageId = (event.event.message as { message_id: string }).message_id;
    const first = larkRequest(event, ENCRYPT_KEY);
    expect((await post(first.body, first.headers)).status).toBe(200);
    // Lark's retry is the same event, encrypted and signed again
    expect((await deliver(event)).status).toBe(200);
    await waitProcessed(`lark:${messageId}`);
    // the same person's next message is handled after everything before it in this chat
    await say(ADMIN, '我是谁');

    expect(await InboundEvent.countDocuments()).toBe(2);
    expect(standin.sent(p2p(ADMIN))).toHaveLength(2);
    expect(standin.texts(p2p(ADMIN))[0]).toContain('系统初始管理员');
  });
});

describe('Lark conversations', () => {
  it("帮助 lists an admin's commands; an unbound stranger is only told how to bind", async () => {
    const [adminHelp] = await say(ADMIN, '帮助');
    expect(adminHelp).toContain('添加人员');
    expect(adminHelp).toContain('人员列表');
    expect(adminHelp).toContain('行政部');

    const [strangerHelp, ...more] = await say('ou_stranger', '帮助');
    expect(strangerHelp).toBe(HOW_TO_BIND);
    expect(more).toEqual([]);
    // replies go to the chat the message came from, as plain text messages
    const reply = standin.sent(p2p('ou_stranger'))[0]!;
    expect(reply.query.receive_id_type).toBe('chat_id');
    expect(reply.body.msg_type).toBe('text');
  });

  it('binds a new Lark user with the code an admin issued', async () => {
    const zhang = await Staff.create({ name: '张三', phone: '13800000001', roles: ['team_leader'], post: '万达广场' });
    const [issued] = await say(ADMIN, '绑定码 张三');
    const code = /绑定码：([A-Z0-9]{8})/.exec(issued ?? '')?.[1];
    expect(code, issued).toBeDefined();

    const [bound] = await say('ou_zhang', `绑定 ${code}`);
    expect(bound).toContain('绑定成功');
    expect(bound).toContain('张三');
    const link = await Identity.findById('lark:ou_zhang').lean();
    expect(String(link?.staffId)).toBe(String(zhang._id));
    expect(link?.channel).toBe('lark');

    const [who] = await say('ou_zhang', '我是谁');
    expect(who).toContain('队长');
  });

  it('in a group answers only messages that @ the bot or start with /, without the @ placeholder', async () => {
    const group = 'oc_group_wanda';
    const mention = [standin.mention()];
    const [answer] = await say(ADMIN, '@_user_1 我是谁', { chatId: group, chatType: 'group', mentions: mention });
    expect(answer).toContain('你是');

    const [slash] = await say(ADMIN, '／我是谁', { chatId: group, chatType: 'group' });
    expect(slash).toContain('你是');

    const chatter = messageEvent({
      token: VERIFICATION_TOKEN,
      openId: ADMIN,
      text: '今天谁值班？',
      chatId: group,
      chatType: 'group',
    });
    expect((await deliver(chatter)).status).toBe(200);
    const [after] = await say(ADMIN, '／我是谁', { chatId: group, chatType: 'group' });
    expect(after).toContain('你是');
    expect(await InboundEvent.countDocuments()).toBe(3);
    expect(standin.sent(group)).toHaveLength(3);
  });

  it('answers a sticker in private with a short hint and records nothing', async () => {
    const image = messageEvent({
      token: VERIFICATION_TOKEN,
      openId: ADMIN,
      messageType: 'sticker',
      content: JSON.stringify({ file_key: 'sticker_xxx' }),
    });
    expect((await deliver(image)).status).toBe(200);
    const hint = await standin.waitFor(() => standin.texts(p2p(ADMIN))[0], 'the unsupported-message hint');
    expect(hint).toContain('暂时只支持文字消息');
    expect(await InboundEvent.countDocuments()).toBe(0);
  });

  it('retries a send refused with 429 after x-ogw-ratelimit-reset, and the message arrives once', async () => {
    // 2 s, not Lark's usual 1 s, so the wait provably comes from the header
    standin.rateLimitNextSend(2);
    const replies = await say(ADMIN, '我是谁');
    expect(replies).toHaveLength(1);
    const attempts = standin.sendAttempts().filter((r) => r.body.receive_id === p2p(ADMIN));
    expect(attempts.map((r) => r.status)).toEqual([429, 200]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1950);
    expect((await InboxOutcome.findOne().lean())?.status).toBe('done');
    // recorded although Lark drops a repeated uuid: it does so for an hour only, a re-run may come later
    expect(await SentReply.countDocuments()).toBe(1);
  });
});

describe('Lark sending', () => {
  it('sends to a person by open_id, text as a text message', async () => {
    const ref = await bot.services.outbox.send({ channel: 'lark', userId: 'ou_zhang' }, '明天 8 点到岗');
    const [sent] = standin.sent('ou_zhang');
    expect(sent?.query.receive_id_type).toBe('open_id');
    expect(sent?.body.msg_type).toBe('text');
    expect(sent?.content).toEqual({ text: '明天 8 点到岗' });
    expect(ref).toEqual({ channel: 'lark', messageId: sent!.messageId });
  });

  it('turns a refusal inside a 200 reply into an error that names the Lark code and no secret', async () => {
    standin.failNextSend(230002, 'Bot/User can NOT be out of the chat.');
    const err = (await receiver.sender
      .send({ channel: 'lark', chatId: 'oc_gone' }, '你好')
      .catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toContain('230002');
    expect(err.message).not.toContain(APP_SECRET);
    expect(err.message).not.toContain('t-standin');
    expect(standin.sent('oc_gone')).toHaveLength(0);

    standin.failNextSend(99992402, 'field validation failed', 400);
    const httpErr = (await receiver.sender
      .send({ channel: 'lark', chatId: 'oc_x' }, '你好')
      .catch((e: unknown) => e)) as Error;
    expect(httpErr.message).toContain('HTTP 400');
    expect(Object.keys(httpErr)).not.toContain('config');
  });
});

describe('Lark cards', () => {
  it('停用 on the staff card answers with a toast within 3 s, updates the card in place and deactivates 张三', async () => {
    const zhang = await Staff.create({ name: '张三', phone: '13800000001', roles: ['guard'], post: '万达广场' });
    await say(ADMIN, '人员 张三');
    const [sent] = standin.cards(p2p(ADMIN));
    expect(sent, 'an interactive card').toBeDefined();
    const value = findButtonValue(sent!.card, 'staff.setActive');
    expect(value).toEqual({ action: 'staff.setActive', staffId: String(zhang._id), active: 'false' });

    const res = await click(ADMIN, sent!.messageId, p2p(ADMIN), value!);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ toast: { type: 'info', content: '已停用 张三' } });

    expect((await Staff.findById(zhang._id).lean())?.active).toBe(false);
    const [patch] = standin.patches(sent!.messageId);
    expect(patch?.status).toBe(200);
    const patched = JSON.stringify(patch!.content);
    expect(patched).toContain('已停用');
    expect(findButtonValue(patch!.content!, 'staff.setActive')?.active).toBe('true');
    // a private chat: the updated card may show the full number
    expect(patched).toContain('13800000001');
    expect(standin.cards(p2p(ADMIN))).toHaveLength(1);
    expect(await InboxOutcome.findById(`lark:${res.eventId}`).lean()).toMatchObject({ status: 'done' });
  });

  it('a card click from someone who is not an admin changes nothing', async () => {
    const zhang = await Staff.create({ name: '张三', phone: '13800000001', roles: ['guard'] });
    await say(ADMIN, '人员 张三');
    const [sent] = standin.cards(p2p(ADMIN));
    const value = findButtonValue(sent!.card, 'staff.setActive')!;

    const res = await click('ou_stranger', sent!.messageId, p2p(ADMIN), value);
    expect(res.status).toBe(200);
    expect(String((res.json.toast as { content?: string } | undefined)?.content)).toContain('绑定');
    expect((await Staff.findById(zhang._id).lean())?.active).toBe(true);
    expect(standin.patches()).toHaveLength(0);
  });

  it('添加人员 gives a form card; a bad phone comes back inline and saves nothing; a correct one creates the staff member', async () => {
    await say(ADMIN, '添加人员');
    const [form] = standin.cards(p2p(ADMIN));
    expect(form, 'a form card').toBeDefined();
    expect(formInputNames(form!.card)).toEqual(['name', 'phone', 'roles', 'post', 'dorm']);
    const submit = findButtonValue(form!.card, 'form.submit');
    expect(submit).toEqual({ action: 'form.submit', form: 'staff.add' });

    const bad = await click(ADMIN, form!.messageId, p2p(ADMIN), submit!, {
      name: '李四',
      phone: '12345',
      roles: '队员',
      post: '万达广场',
      dorm: '',
    });
    expect(bad.status).toBe(200);
    expect(String((bad.json.toast as { content?: string }).content)).toContain('红字');
    const [patch] = standin.patches(form!.messageId);
    expect(JSON.stringify(patch?.content)).toContain('不是 11 位手机号');
    // what was typed stays in the form
    expect(JSON.stringify(patch?.content)).toContain('李四');
    expect(await Staff.countDocuments()).toBe(0);

    const good = await click(ADMIN, form!.messageId, p2p(ADMIN), submit!, {
      name: '李四',
      phone: '13900000002',
      roles: '队员、司机',
      post: '万达广场',
      dorm: '',
    });
    expect(good.status).toBe(200);
    const li = await Staff.findOne({ name: '李四' }).lean();
    expect(li).toMatchObject({ phone: '13900000002', roles: ['guard', 'driver'], post: '万达广场', active: true });
    const cards = await standin.waitFor(
      () => (standin.cards(p2p(ADMIN)).length === 2 ? standin.cards(p2p(ADMIN)) : undefined),
      'the new staff card',
    );
    expect(JSON.stringify(cards[1]!.card)).toContain('员工档案：李四');
  });
});
