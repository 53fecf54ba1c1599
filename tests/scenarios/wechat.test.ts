import type { Types } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { types } from 'wechaty';
import type { mock } from 'wechaty-puppet-mock';
import { Bot } from '../../src/bot.ts';
import { composition } from '../../src/workflows.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { silentLog, testConfig, waitProcessed } from '../helpers/harness.ts';
import { type SayOptions, startWechatFixture, type WechatFixture, waitFor } from '../helpers/wechat-fixture.ts';

const { routes } = composition;

import { BindCode } from '../../handlers/foundation/models.ts';
import { DISABLED_REPLY, HOW_TO_BIND } from '../../src/core/app.ts';
import type { RouteTable } from '../../src/core/router.ts';
import { InboxOutcome } from '../../src/models/inbox.ts';
import { FormSession, Identity, InboundEvent, Staff } from '../../src/models/index.ts';
import { ONLY_TEXT_HINT, WechatyReceiver } from '../../src/receivers/wechaty.ts';

/*
 * WeChat end to end: mock contacts write through PuppetServer → gRPC → wechaty-puppet-service →
 * WechatyReceiver → the app → the real database, and the answers travel back the same way.
 */

useDatabase('wechat');

let wx: WechatFixture;
let bot: Bot | undefined;
let receiver: WechatyReceiver;

async function startBot(routeTable?: RouteTable, opts: { waitForLogin?: boolean } = {}): Promise<void> {
  const config = testConfig({ ...wx.env(), BOT_ADMINS: `wechat:${wx.people.admin.id}` });
  receiver = new WechatyReceiver(config.wechat!, silentLog);
  bot = new Bot({
    config,
    log: silentLog,
    workflows: composition,
    receivers: [receiver],
    jobs: [],
    routes: routeTable,
  });
  await bot.start();
  if (opts.waitForLogin ?? true) await waitFor(() => receiver.state() === 'up', 'the bot to log in to WeChat');
}

async function stopBot(): Promise<void> {
  await bot?.stop();
  bot = undefined;
}

/** `from` writes; resolves with what the bot answered in that chat once the message is processed. */
async function talk(from: mock.ContactMock, text: string, opts: SayOptions = {}): Promise<string[]> {
  const chatId = opts.inRoom ? wx.room.id : from.id;
  const before = wx.deliveredTo(chatId).length;
  const id = wx.say(from, text, opts);
  await waitProcessed(`wechat:${id}`);
  return wx.deliveredTo(chatId).slice(before);
}

async function talkOne(from: mock.ContactMock, text: string, opts: SayOptions = {}): Promise<string> {
  const replies = await talk(from, text, opts);
  expect(replies, `replies to "${text}"`).toHaveLength(1);
  return replies[0]!;
}

async function addZhangSan() {
  return Staff.create({ name: '张三', phone: '13800000001', roles: ['guard'], post: '万达广场' });
}

async function bindDirectly(contact: mock.ContactMock, staffId: Types.ObjectId): Promise<void> {
  await Identity.create({
    _id: `wechat:${contact.id}`,
    staffId,
    channel: 'wechat',
    userId: contact.id,
    boundAt: new Date(),
  });
}

beforeAll(async () => {
  wx = await startWechatFixture();
  await startBot();
});
afterAll(async () => {
  await stopBot();
  await wx?.stop();
});
beforeEach(async () => {
  await clearCollections();
});

describe('帮助 lists only what the sender may use', () => {
  it('shows an admin the admin commands such as 添加人员', async () => {
    const reply = await talkOne(wx.people.admin, '帮助');
    expect(reply).toContain('常用的命令');
    expect(reply).toContain('添加人员');
    expect(reply).toContain('绑定码');
  });

  it('shows a bound guard the staff commands but not 添加人员', async () => {
    const zhang = await addZhangSan();
    await bindDirectly(wx.people.zhang, zhang._id);
    const reply = await talkOne(wx.people.zhang, '帮助');
    expect(reply).toContain('张三（队员）');
    expect(reply).toContain('我是谁');
    expect(reply).not.toContain('添加人员');
    expect(reply).not.toContain('• 绑定码');
  });

  it('tells an unbound stranger only how to bind', async () => {
    expect(await talkOne(wx.people.stranger, '帮助')).toBe(HOW_TO_BIND);
    expect(await talkOne(wx.people.stranger, '人员列表')).toBe(HOW_TO_BIND);
  });
});

describe('binding a WeChat account with a one-time code', () => {
  it('binds the contact that sends the code an admin issued, and refuses the code a second time', async () => {
    const zhang = await addZhangSan();
    const issued = await talkOne(wx.people.admin, '绑定码 张三');
    const code = /绑定码：([A-Z0-9]{8})/.exec(issued)?.[1];
    expect(code, issued).toBeDefined();

    expect(await talkOne(wx.people.zhang, `绑定 ${code}`)).toContain('绑定成功');
    const link = await Identity.findById(`wechat:${wx.people.zhang.id}`).lean();
    expect(String(link?.staffId)).toBe(String(zhang._id));
    expect(link?.displayName).toBe('张三');
    expect(await talkOne(wx.people.zhang, '我是谁')).toContain('你是 张三');

    expect(await talkOne(wx.people.li, `绑定 ${code}`)).toContain('已经用过');
    expect(await Identity.findById(`wechat:${wx.people.li.id}`).lean()).toBeNull();
  });
});

describe('in the group the bot answers only when addressed', () => {
  it('ignores a message without @bot or a leading slash: no reply and nothing recorded', async () => {
    const intake = vi.spyOn(bot!.pipeline, 'intake');
    try {
      const ignored = wx.say(wx.people.admin, '帮助', { inRoom: true });
      // a message that is answered, sent after the ignored one, marks the point where it was handled
      await talk(wx.people.admin, '/我是谁', { inRoom: true });
      expect(intake.mock.calls.map(([e]) => e.id)).not.toContain(ignored);
      expect(await InboundEvent.findById(`wechat:${ignored}`).lean()).toBeNull();
      expect(wx.deliveredTo(wx.room.id).some((t) => t.includes('常用的命令'))).toBe(false);
    } finally {
      intake.mockRestore();
    }
  });

  it('answers /帮助, ／帮助 and @bot 帮助 in the group', async () => {
    expect(await talkOne(wx.people.admin, '/帮助', { inRoom: true })).toContain('添加人员');
    expect(await talkOne(wx.people.admin, '／帮助', { inRoom: true })).toContain('添加人员');
    expect(await talkOne(wx.people.admin, '帮助', { inRoom: true, mentionBot: true })).toContain('添加人员');
    expect(await talkOne(wx.people.stranger, '帮助', { inRoom: true, mentionBot: true })).toBe(HOW_TO_BIND);
  });

  it('records a group message with the group as chat and the @mention stripped', async () => {
    const id = wx.say(wx.people.admin, '帮助', { inRoom: true, mentionBot: true });
    await waitProcessed(`wechat:${id}`);
    const rec = await InboundEvent.findById(`wechat:${id}`).lean();
    expect(rec?.event).toMatchObject({
      channel: 'wechat',
      chat: { id: wx.room.id, isGroup: true, name: '万达广场值班群' },
      userId: wx.people.admin.id,
      userName: '王经理',
      kind: 'message',
      text: '帮助',
    });
  });
});

describe('delivery', () => {
  it('has one effect when WeChat delivers the same message twice', async () => {
    await addZhangSan();
    const before = wx.deliveredTo(wx.people.admin.id).length;
    const id = wx.say(wx.people.admin, '绑定码 张三');
    await waitProcessed(`wechat:${id}`);
    const intake = vi.spyOn(bot!.pipeline, 'intake');
    try {
      wx.redeliver(id);
      await waitFor(
        () => intake.mock.calls.some(([e]) => e.id === id),
        'the redelivered message to reach the pipeline',
      );
      expect(await intake.mock.results[0]!.value).toBe('duplicate');
    } finally {
      intake.mockRestore();
    }
    expect(await BindCode.countDocuments()).toBe(1);
    expect(await InboundEvent.countDocuments()).toBe(1);
    const replies = wx.deliveredTo(wx.people.admin.id).slice(before);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('张三 的绑定码：');
  });

  it('answers a voice message in a private chat with a text-only hint and records nothing', async () => {
    const before = wx.deliveredTo(wx.people.stranger.id).length;
    wx.say(wx.people.stranger, '', { type: types.Message.Audio });
    const replies = await waitFor(() => {
      const r = wx.deliveredTo(wx.people.stranger.id).slice(before);
      return r.length ? r : undefined;
    }, 'the text-only hint');
    expect(replies).toEqual([ONLY_TEXT_HINT]);
    expect(await InboundEvent.countDocuments()).toBe(0);
  });
});

describe('pictures', () => {
  it('records a picture sent in private as an attachment and tells a stranger how to bind', async () => {
    const id = wx.say(wx.people.stranger, '', { type: types.Message.Image });
    await waitProcessed(`wechat:${id}`);
    const rec = await InboundEvent.findById(`wechat:${id}`).lean();
    expect((rec?.event as { attachments?: unknown } | undefined)?.attachments).toEqual([
      { kind: 'image', ref: `wechat:${id}` },
    ]);
    expect(wx.deliveredTo(wx.people.stranger.id).at(-1)).toBe(HOW_TO_BIND);
  });
});

describe('a failing handler', () => {
  const boomRoutes: RouteTable = {
    commands: [
      ...routes.commands,
      {
        name: 'boom',
        words: ['爆炸'],
        allow: 'staff',
        summary: 'x',
        example: '爆炸',
        handler: async () => {
          throw new Error('boom');
        },
      },
    ],
    actions: routes.actions,
  };

  beforeAll(async () => {
    await stopBot();
    await startBot(boomRoutes);
  });
  afterAll(async () => {
    await stopBot();
    await startBot();
  });

  it('answers with a reference id (编号) and the next 帮助 still works', async () => {
    const id = wx.say(wx.people.admin, '爆炸');
    await waitProcessed(`wechat:${id}`);
    const rec = await InboxOutcome.findById(`wechat:${id}`).lean();
    expect(rec?.status).toBe('failed');
    expect(rec?.refId).toMatch(/^[0-9A-F]{8}$/);
    const [reply] = wx.deliveredTo(wx.people.admin.id).slice(-1);
    expect(reply).toContain(`编号 ${rec!.refId}`);

    expect(await talkOne(wx.people.admin, '帮助')).toContain('添加人员');
  });
});

describe('guided forms over WeChat', () => {
  it('keeps a half-filled 添加人员 across a restart and saves the staff member at the end', async () => {
    expect(await talkOne(wx.people.admin, '添加人员')).toContain('请输入姓名');
    expect(await talkOne(wx.people.admin, '李四')).toContain('手机号');

    const before = receiver;
    await stopBot();
    await startBot();
    expect(receiver).not.toBe(before);
    expect((await FormSession.findOne().lean())?.values).toEqual({ name: '李四' });

    expect(await talkOne(wx.people.admin, '13900000002')).toContain('角色');
    expect(await talkOne(wx.people.admin, '队长、司机')).toContain('驻点');
    expect(await talkOne(wx.people.admin, '万达广场')).toContain('宿舍');
    const card = await talkOne(wx.people.admin, '跳过');
    expect(card).toContain('【员工档案：李四】');

    const li = await Staff.findOne({ phone: '13900000002' }).lean();
    expect(li).toMatchObject({
      name: '李四',
      roles: ['team_leader', 'driver'],
      post: '万达广场',
      dorm: '',
      active: true,
    });
    expect(await FormSession.countDocuments()).toBe(0);
  });

  it('leaves the form on 取消 with nothing saved, and commands work again', async () => {
    await talkOne(wx.people.admin, '添加人员');
    await talkOne(wx.people.admin, '王五');
    expect(await talkOne(wx.people.admin, '取消')).toContain('没有保存');
    expect(await Staff.countDocuments()).toBe(0);
    expect(await FormSession.countDocuments()).toBe(0);
    expect(await talkOne(wx.people.admin, '帮助')).toContain('常用的命令');
  });
});

describe('cards rendered as text', () => {
  it('disables 张三 when the admin answers 1 to the 人员 card, and 张三 can no longer use the bot', async () => {
    const zhang = await addZhangSan();
    await bindDirectly(wx.people.zhang, zhang._id);

    const card = await talkOne(wx.people.admin, '人员 张三');
    expect(card).toContain('【员工档案：张三】');
    expect(card).toContain('[1] 停用');
    expect(card).toContain('[2] 生成绑定码');

    const replies = await talk(wx.people.admin, '1');
    expect(replies.join('\n')).toContain('已停用 张三');
    expect((await Staff.findById(zhang._id).lean())?.active).toBe(false);
    expect(await talkOne(wx.people.zhang, '帮助')).toBe(DISABLED_REPLY);
  });
});

describe('the connection to the puppet service', () => {
  it("survives reconnects (what Wechaty's watchdog does after 60 s without a heartbeat) and keeps answering", async () => {
    // the watchdog's timer is not reachable from outside; reset() is what it calls. Twenty, because
    // without PuppetServiceWithSafeCache ten resets crashed one run in four, twenty crashed every run.
    // The MaxListenersExceededWarning it prints is wechaty-puppet's: WatchdogAgent.stop() removes
    // its listeners with fresh arrow functions, so they pile up by one per reset.
    const wechaty = (receiver as unknown as { bot: { puppet: { reset(): Promise<void> } } }).bot;
    for (let i = 0; i < 20; i++) {
      await wechaty.puppet.reset();
      await waitFor(() => receiver.state() === 'up', 'the bot to log in again');
    }
    expect(await talkOne(wx.people.admin, '帮助')).toContain('添加人员');
  });

  it('keeps trying when the puppet service is down at start, and answers once it is back', async () => {
    await stopBot();
    await wx.serviceDown();
    await startBot(undefined, { waitForLogin: false });
    expect(bot!.health()).toEqual({ wechat: 'down' });

    await wx.serviceUp();
    await waitFor(() => receiver.state() === 'up', 'the bot to connect to the restored service', 25_000);
    expect(await talkOne(wx.people.admin, '帮助')).toContain('添加人员');
  }, 45_000);
});
