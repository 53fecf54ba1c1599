import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { mock } from 'wechaty-puppet-mock';
import { Bot } from '../../src/bot.ts';
import { HOW_TO_BIND } from '../../src/core/app.ts';
import { InboundEvent } from '../../src/models/index.ts';
import { WechatyReceiver } from '../../src/receivers/wechaty.ts';
import { composition } from '../../src/workflows.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { silentLog, testConfig, waitProcessed } from '../helpers/harness.ts';
import { type SayOptions, startWechatFixture, type WechatFixture, waitFor } from '../helpers/wechat-fixture.ts';

/*
 * Puppets name chats differently: PuppetMock and padlocal rooms end in '@chatroom', WeCom-style
 * puppets give rooms numeric ids and wechat4u's contact ids start with '@'. Whether a chat is a
 * group comes from the puppet, never from the id's shape. This fixture uses the awkward ids.
 */

useDatabase('wechat_ids');

let wx: WechatFixture;
let bot: Bot | undefined;

async function startBot(): Promise<void> {
  const config = testConfig({ ...wx.env(), BOT_ADMINS: `wechat:${wx.people.admin.id}` });
  const receiver = new WechatyReceiver(config.wechat!, silentLog);
  bot = new Bot({ config, log: silentLog, workflows: composition, receivers: [receiver], jobs: [] });
  await bot.start();
  await waitFor(() => receiver.state() === 'up', 'the bot to log in to WeChat');
}

async function talkOne(from: mock.ContactMock, text: string, opts: SayOptions = {}): Promise<string> {
  const chatId = opts.inRoom ? wx.room.id : from.id;
  const before = wx.deliveredTo(chatId).length;
  const id = wx.say(from, text, opts);
  await waitProcessed(`wechat:${id}`);
  const replies = await waitFor(() => {
    const r = wx.deliveredTo(chatId).slice(before);
    return r.length ? r : undefined;
  }, `the answer to "${text}"`);
  expect(replies, `replies to "${text}"`).toHaveLength(1);
  return replies[0]!;
}

beforeAll(async () => {
  wx = await startWechatFixture({ ids: 'wecom' });
  await startBot();
});
afterAll(async () => {
  await bot?.stop();
  await wx?.stop();
});
beforeEach(async () => {
  await clearCollections();
});

describe('chats whose ids do not look like padlocal ids', () => {
  it('the fixture really uses them: a numeric room id and contact ids starting with @', () => {
    expect(wx.room.id).toMatch(/^\d+$/);
    expect(wx.people.admin.id.startsWith('@')).toBe(true);
  });

  it('answers a private chat with a contact whose id starts with @', async () => {
    expect(await talkOne(wx.people.stranger, '帮助')).toBe(HOW_TO_BIND);
    expect(await talkOne(wx.people.admin, '帮助')).toContain('添加人员');
  });

  it('records a message in a numeric-id room as a group message and answers in the room', async () => {
    const before = wx.deliveredTo(wx.room.id).length;
    const id = wx.say(wx.people.admin, '帮助', { inRoom: true, mentionBot: true });
    await waitProcessed(`wechat:${id}`);
    const rec = await InboundEvent.findById(`wechat:${id}`).lean();
    expect(rec?.event).toMatchObject({ chat: { id: wx.room.id, isGroup: true }, userId: wx.people.admin.id });
    const replies = await waitFor(() => {
      const r = wx.deliveredTo(wx.room.id).slice(before);
      return r.length ? r : undefined;
    }, 'the answer in the room');
    expect(replies[0]).toContain('添加人员');
  });

  it('after a restart, sends to a room and a person it has not heard from since (asks the puppet which is which)', async () => {
    await bot!.stop();
    await startBot();
    const roomBefore = wx.deliveredTo(wx.room.id).length;
    const liBefore = wx.deliveredTo(wx.people.li.id).length;
    await bot!.services.outbox.send({ channel: 'wechat', chatId: wx.room.id }, '今晚 22:00 查房，请宿舍队长准时点名。');
    await bot!.services.outbox.send({ channel: 'wechat', chatId: wx.people.li.id }, '你的报销已批准。');
    await waitFor(
      () => wx.deliveredTo(wx.room.id).length > roomBefore && wx.deliveredTo(wx.people.li.id).length > liBefore,
      'both notices',
    );
    expect(wx.deliveredTo(wx.room.id).slice(roomBefore)).toEqual(['今晚 22:00 查房，请宿舍队长准时点名。']);
    expect(wx.deliveredTo(wx.people.li.id).slice(liBefore)).toEqual(['你的报销已批准。']);
  });
});
