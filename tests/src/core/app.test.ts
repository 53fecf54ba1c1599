import { describe, expect, it } from 'vitest';
import { ERROR_REPLY } from '../../../src/core/app.ts';
import type { StaffContext } from '../../../src/core/context.ts';
import { MAX_ATTEMPTS } from '../../../src/core/pipeline.ts';
import { InboxAttempt, InboxInstance, InboxOutcome, InboxPending, SentReply } from '../../../src/models/inbox.ts';
import { Identity, InboundEvent, Staff } from '../../../src/models/index.ts';
import { composition } from '../../../src/workflows.ts';
import { testConfig, useTestBot, waitProcessed } from '../../helpers/harness.ts';

const { routes } = composition;

import type { BotEvent } from '../../../src/core/types.ts';

let calls = 0;

const { bot, chat } = useTestBot('app', {
  config: testConfig({ BOT_ADMINS: 'console:boss' }),
  routes: {
    commands: [
      ...routes.commands,
      {
        name: 'count',
        words: ['计数'],
        allow: 'staff',
        summary: '计数',
        example: '计数',
        handler: async (ctx) => void (calls++, await ctx.reply(`第 ${calls} 次`)),
      },
      {
        name: 'twice',
        words: ['两句'],
        allow: 'staff',
        summary: '两句',
        example: '两句',
        handler: async (ctx) => void (calls++, await ctx.reply('一'), await ctx.reply('二')),
      },
      {
        name: 'boom',
        words: ['爆炸'],
        allow: 'staff',
        summary: '出错',
        example: '爆炸',
        handler: async () => {
          throw new Error('kaboom');
        },
      },
      {
        name: 'ops',
        words: ['调度'],
        allow: ['guard_ops'],
        summary: '人防部专用',
        example: '调度',
        handler: async (ctx: StaffContext) => void (calls++, await ctx.reply('ok')),
      },
    ],
    actions: routes.actions,
  },
  seed: async () => {
    calls = 0;
  },
});

function message(id: string, text: string, userId = 'boss'): BotEvent {
  return {
    id,
    channel: 'console',
    chat: { id: userId, isGroup: false },
    userId,
    kind: 'message',
    text,
    receivedAt: new Date(),
  };
}

describe('delivery', () => {
  it('handles a redelivered event once', async () => {
    const first = await chat.deliver(message('evt-1', '计数'));
    const again = await chat.deliver(message('evt-1', '计数'));
    expect(first).toEqual(['第 1 次']);
    expect(again).toEqual([]);
    expect(calls).toBe(1);
    expect(await InboundEvent.countDocuments()).toBe(1);
    expect(await InboxOutcome.countDocuments()).toBe(1);
  });

  it('records an event before processing it, and a later instance finishes it after a crash', async () => {
    // what a crash between acknowledgement and processing leaves behind
    await InboxPending.create({
      _id: 'console:evt-lost',
      channel: 'console',
      event: message('evt-lost', '计数'),
      receivedAt: new Date(Date.now() - 5 * 60_000),
      by: 'dead',
      beatAt: new Date(Date.now() - 5 * 60_000),
    });
    const recovered = await bot.pipeline.recover();
    expect(recovered).toBe(1);
    expect(calls).toBe(1);
    expect((await InboxOutcome.findById('console:evt-lost').lean())?.status).toBe('done');
    expect(await InboxPending.countDocuments()).toBe(0);
  });
});

describe('crash recovery', () => {
  const longAgo = () => new Date(Date.now() - 5 * 60_000);
  /** What a process killed after recording `text` leaves behind: the record and, optionally, its dead attempts. */
  async function leftBehind(id: string, text: string, deadAttempts = 0, userId = 'boss'): Promise<string> {
    const key = `console:${id}`;
    // an old-format record (no owner): its attempt 0 is an InboxAttempt like the others
    await InboxPending.create({
      _id: key,
      channel: 'console',
      event: { ...message(id, text, userId), receivedAt: longAgo() },
      receivedAt: longAgo(),
      by: null,
      beatAt: null,
    });
    for (let n = 0; n < deadAttempts; n++) {
      await InboxAttempt.create({ _id: `${key}#${n}`, event: key, n, by: 'dead', at: longAgo(), beatAt: longAgo() });
    }
    return key;
  }
  const sentTo = (userId: string) =>
    chat.sent.filter((s) => 'chatId' in s.target && s.target.chatId === userId).map((s) => s.text);

  it('takes over an event whose process died between claiming the attempt and writing the status', async () => {
    const key = await leftBehind('evt-claimed', '计数', 1);
    expect(await bot.pipeline.recover()).toBe(1);
    expect(await InboxOutcome.findById(key).lean()).toMatchObject({ status: 'done', attempts: 2 });
    expect(calls).toBe(1);
    expect(await bot.pipeline.recover()).toBe(0);
  });

  it('leaves an event alone while its attempt is alive, and takes it once the heartbeat stops', async () => {
    const key = await leftBehind('evt-alive', '计数');
    await InboxAttempt.create({ _id: `${key}#0`, event: key, n: 0, by: 'other', at: longAgo(), beatAt: new Date() });
    expect(await bot.pipeline.recover()).toBe(0);
    expect(calls).toBe(0);
    await InboxAttempt.updateOne({ _id: `${key}#0` }, { $set: { beatAt: longAgo() } });
    expect(await bot.pipeline.recover()).toBe(1);
    expect(calls).toBe(1);
  });

  it('claims the first attempt with the inbox record itself: no attempt record is written', async () => {
    expect(await chat.say('boss', '计数')).toEqual(['第 1 次']);
    expect(await InboxOutcome.find().lean()).toMatchObject([{ status: 'done', attempts: 1 }]);
    expect(await InboxAttempt.countDocuments()).toBe(0);
    expect(await InboxPending.countDocuments()).toBe(0);
  });

  it('leaves an event alone while the instance that recorded it beats, and takes it once that stops', async () => {
    const key = await leftBehind('evt-owned', '计数');
    // recorded long ago, but its instance is alive
    await InboxPending.updateOne({ _id: key }, { $set: { by: 'other', beatAt: longAgo() } });
    await InboxInstance.create({ _id: 'other', beatAt: new Date() });
    expect(await bot.pipeline.recover()).toBe(0);
    expect(calls).toBe(0);
    await InboxInstance.updateOne({ _id: 'other' }, { $set: { beatAt: longAgo() } });
    expect(await bot.pipeline.recover()).toBe(1);
    // attempt 0 was the record's: the takeover is attempt 1
    expect(await InboxOutcome.findById(key).lean()).toMatchObject({ status: 'done', attempts: 2 });
    expect(await InboxAttempt.findById(`${key}#1`).lean()).toBeTruthy();
    expect(calls).toBe(1);
  });

  it('takes its own record that never reached its queue (intake failed between the two inserts), though it is alive', async () => {
    const key = await leftBehind('evt-orphan', '计数');
    const owner = (bot.pipeline as unknown as { owner: string }).owner;
    await InboxPending.updateOne({ _id: key }, { $set: { by: owner, beatAt: longAgo() } });
    await InboxInstance.create({ _id: owner, beatAt: new Date() });
    expect(await bot.pipeline.recover()).toBe(1);
    expect(calls).toBe(1);
    expect(await InboxOutcome.findById(key).lean()).toMatchObject({ status: 'done' });
  });

  it('resumes after the replies the dead process had already sent', async () => {
    const key = await leftBehind('evt-half', '两句', 1, 'boss');
    await SentReply.create({ _id: `${key}:reply:0`, event: key, n: 0, channel: 'console', at: longAgo() });
    const before = chat.sent.length;
    expect(await bot.pipeline.recover()).toBe(1);
    expect(chat.sent.slice(before).map((s) => s.text)).toEqual(['二']);
    expect(await SentReply.countDocuments({ event: key })).toBe(2);
  });

  it(`gives up an event whose ${MAX_ATTEMPTS} attempts all died: one error reply, marked failed`, async () => {
    const key = await leftBehind('evt-poison', '计数', MAX_ATTEMPTS, 'poison');
    await bot.pipeline.recover();
    await bot.pipeline.recover();
    expect(calls).toBe(0);
    const rec = await InboxOutcome.findById(key).lean();
    expect(rec?.status).toBe('failed');
    expect(sentTo('poison')).toEqual([expect.stringContaining(`编号 ${rec?.refId}`)]);
  });

  it('is not held up by 100 records whose attempts are alive', async () => {
    for (let i = 0; i < 101; i++) {
      const key = await leftBehind(`evt-busy-${i}`, '计数', 0, `busy${i}`);
      await InboxAttempt.create({ _id: `${key}#0`, event: key, n: 0, by: 'other', at: longAgo(), beatAt: new Date() });
    }
    const key = await leftBehind('evt-behind', '计数', 1, 'behind');
    expect(await bot.pipeline.recover()).toBe(1);
    expect((await InboxOutcome.findById(key).lean())?.status).toBe('done');
    expect(sentTo('behind')).toHaveLength(1);
  });
});

describe('the one error path', () => {
  it('answers a failing handler with a reference id, logs it, and keeps serving', async () => {
    const [reply] = await chat.say('boss', '爆炸');
    const ref = /编号 ([0-9A-F]{8})/.exec(reply ?? '')?.[1];
    expect(ref, reply).toBeDefined();
    const rec = await InboxOutcome.findOne({ refId: ref }).lean();
    expect(rec?.status).toBe('failed');
    expect(await chat.say('boss', '计数')).toEqual(['第 1 次']);
  });
});

describe('the one error hook', () => {
  it('is what a failing handler goes through: the reference id the person is told is the one logged with the event', async () => {
    const heard: { what: string; event?: string; refId: string }[] = [];
    const original = bot.services.onError;
    bot.services.onError = (err, scope) => {
      const refId = original(err, scope);
      heard.push({ what: scope.what, event: scope.event?.id, refId });
      return refId;
    };
    try {
      const [reply] = await chat.deliver(message('evt-hooked', '爆炸'));
      expect(heard).toEqual([
        { what: 'handler failed', event: 'evt-hooked', refId: expect.stringMatching(/^[0-9A-F]{8}$/) },
      ]);
      expect(reply).toBe(ERROR_REPLY(heard[0]!.refId));
      expect((await InboxOutcome.findById('console:evt-hooked').lean())?.refId).toBe(heard[0]!.refId);
    } finally {
      bot.services.onError = original;
    }
  });
});

describe('roles', () => {
  it('refuses a command to someone without the role, and nothing runs', async () => {
    const s = await Staff.create({ name: '李四', phone: '13800000002', roles: ['guard'] });
    await Identity.create({ _id: 'console:li', staffId: s._id, channel: 'console', userId: 'li', boundAt: new Date() });
    const [reply] = await chat.say('li', '调度');
    expect(reply).toContain('没有权限');
    expect(reply).toContain('人防部');
    expect(calls).toBe(0);
  });

  it('tells a disabled staff member their account is disabled, and nothing runs', async () => {
    const s = await Staff.create({ name: '王五', phone: '13800000003', roles: ['guard'], active: false });
    await Identity.create({
      _id: 'console:wang',
      staffId: s._id,
      channel: 'console',
      userId: 'wang',
      boundAt: new Date(),
    });
    const [reply] = await chat.say('wang', '计数');
    expect(reply).toContain('已停用');
    expect(calls).toBe(0);
  });

  it('lists in help only what the sender may use', async () => {
    const s = await Staff.create({ name: '李四', phone: '13800000002', roles: ['guard'] });
    await Identity.create({ _id: 'console:li', staffId: s._id, channel: 'console', userId: 'li', boundAt: new Date() });
    const [guardHelp] = await chat.say('li', '帮助');
    const [adminHelp] = await chat.say('boss', '帮助');
    expect(guardHelp).toContain('我是谁');
    expect(guardHelp).not.toContain('添加人员');
    expect(guardHelp).not.toContain('调度');
    expect(adminHelp).toContain('添加人员');
    // the first screen is the most used (#21); examples are in 帮助 <workflow>
    const [staffHelp] = await chat.say('boss', '帮助 人员');
    expect(staffHelp).toContain('例：绑定码 张三');
    expect(staffHelp).toContain('【基本与人员管理】');
  });
});

describe('ordering', () => {
  it("keeps one person's messages in arrival order", async () => {
    const ids = ['o1', 'o2', 'o3', 'o4'];
    for (const id of ids) await chat.sink().intake(message(id, '计数'));
    for (const id of ids) await waitProcessed(`console:${id}`);
    const replies = chat.sent.map((s) => s.text).filter((t) => t.startsWith('第'));
    expect(replies.slice(-4)).toEqual(['第 1 次', '第 2 次', '第 3 次', '第 4 次']);
  });
});
