import { describe, expect, it } from 'vitest';
import { BindCode } from '../../../handlers/foundation/models.ts';
import { Identity, Staff } from '../../../src/models/index.ts';
import { startTestBot, testConfig, useTestBot } from '../../helpers/harness.ts';

let clock = new Date('2026-11-27T02:00:00Z');

const { chat } = useTestBot('bind', {
  config: testConfig({ BOT_ADMINS: 'console:boss', BIND_CODE_TTL_MINUTES: '60' }),
  now: () => clock,
  seed: async () => {
    clock = new Date('2026-11-27T02:00:00Z');
    await Staff.create({ name: '张三', phone: '13800000001', roles: ['team_leader'], post: '万达广场' });
  },
});

async function issueCode(): Promise<string> {
  const [reply] = await chat.say('boss', '绑定码 张三');
  const code = /绑定码：([A-Z0-9]{8})/.exec(reply ?? '')?.[1];
  expect(code, reply).toBeDefined();
  return code!;
}

describe('bind codes', () => {
  it('tells an unknown sender only how to bind, whatever they send', async () => {
    for (const text of ['帮助', '人员列表', '你好']) {
      const [reply] = await chat.say('stranger', text);
      expect(reply).toContain('绑定 绑定码');
    }
  });

  it('links the identity to the staff record with a valid code', async () => {
    const code = await issueCode();
    const [reply] = await chat.say('zhang', `绑定 ${code.toLowerCase()}`);
    expect(reply).toContain('绑定成功');
    expect(reply).toContain('张三');
    const link = await Identity.findById('console:zhang').lean();
    expect(link).not.toBeNull();
    const [who] = await chat.say('zhang', '我是谁');
    expect(who).toContain('队长');
  });

  it('refuses a code that was already used, and the second identity stays unbound', async () => {
    const code = await issueCode();
    await chat.say('zhang', `绑定 ${code}`);
    const [reply] = await chat.say('other', `绑定 ${code}`);
    expect(reply).toContain('已经用过');
    expect(await Identity.findById('console:other').lean()).toBeNull();
  });

  it('refuses an expired code', async () => {
    const code = await issueCode();
    clock = new Date(clock.getTime() + 61 * 60_000);
    const [reply] = await chat.say('zhang', `绑定 ${code}`);
    expect(reply).toContain('已过期');
    expect(await Identity.countDocuments()).toBe(0);
  });

  it('refuses a wrong code', async () => {
    await issueCode();
    const [reply] = await chat.say('zhang', '绑定 AAAAAAAA');
    expect(reply).toContain('不正确');
    expect(await Identity.countDocuments()).toBe(0);
  });

  it('uses a code once when two people race for it', async () => {
    const code = await issueCode();
    const replies = await Promise.all([chat.say('a', `绑定 ${code}`), chat.say('b', `绑定 ${code}`)]);
    expect(replies.flat().filter((r) => r.includes('绑定成功'))).toHaveLength(1);
    expect(await Identity.countDocuments()).toBe(1);
    expect((await BindCode.findById(code).lean())?.usedBy).toMatch(/^console:(a|b)$/);
  });

  it('only lets admins issue codes', async () => {
    const code = await issueCode();
    await chat.say('zhang', `绑定 ${code}`);
    const [reply] = await chat.say('zhang', '绑定码 张三');
    expect(reply).toContain('没有权限');
    expect(await BindCode.countDocuments()).toBe(1);
  });
});

describe('bind codes reach only the admin (issue 8)', () => {
  const inGroup = { chatId: 'group-1', isGroup: true };
  const toGroup = () =>
    chat.sent.filter((s) => 'chatId' in s.target && s.target.chatId === 'group-1').map((s) => s.text);
  const toBossPrivately = () => chat.privately('boss');

  it('绑定码 in a group sends the code to the admin privately and tells the group only that', async () => {
    chat.sent.length = 0;
    await chat.say('boss', '绑定码 张三', inGroup);
    const code = (await BindCode.findOne().lean())?._id;
    expect(code).toBeDefined();
    expect(toBossPrivately().join('\n')).toContain(`张三 的绑定码：${code}`);
    expect(toGroup()).toEqual(['张三 的绑定码已私信发给你。']);
  });

  it('the 生成绑定码 button pressed in a group does the same', async () => {
    const zhang = (await Staff.findOne({ name: '张三' }).lean())!;
    chat.sent.length = 0;
    await chat.deliver({
      id: 'click-in-group',
      channel: 'console',
      chat: { id: 'group-1', isGroup: true },
      userId: 'boss',
      kind: 'action',
      action: { action: 'staff.bindCode', value: { staffId: String(zhang._id) }, messageId: 'card-1' },
      receivedAt: new Date(),
    });
    const code = (await BindCode.findOne().lean())?._id;
    expect(toBossPrivately().join('\n')).toContain(`绑定码：${code}`);
    expect(toGroup().join('\n')).not.toContain(String(code));
    expect(toGroup()).toEqual(['张三 的绑定码已私信发给你。']);
  });

  it('for someone already bound, asks the admin to confirm a 换绑 first; the old account is unbound and told', async () => {
    await chat.say('zhang', `绑定 ${await issueCode()}`);
    const [confirm] = await chat.say('boss', '绑定码 张三');
    expect(confirm).toContain('已绑定：控制台账号');
    expect(confirm).toContain('[1] 确认换绑，生成绑定码');
    expect(await BindCode.countDocuments({ usedAt: null })).toBe(0);

    const [issued] = await chat.say('boss', '1');
    const code = /绑定码：([A-Z0-9]{8})/.exec(issued ?? '')?.[1];
    expect(code, issued).toBeDefined();
    chat.sent.length = 0;
    const [bound] = await chat.say('zhang-new-phone', `绑定 ${code}`);
    expect(bound).toContain('绑定成功');
    expect(await Identity.findById('console:zhang').lean()).toBeNull();
    expect(await Identity.findById('console:zhang-new-phone').lean()).not.toBeNull();
    const told = chat.privately('zhang');
    expect(told).toHaveLength(1);
    expect(told[0]).toContain('已解除与员工「张三」的绑定');
  });

  it('a code issued before the person was bound cannot take over their account, and stays unused', async () => {
    const first = await issueCode();
    const second = await issueCode();
    await chat.say('zhang', `绑定 ${first}`);
    const [reply] = await chat.say('mallory', `绑定 ${second}`);
    expect(reply).toContain('已经在控制台上绑定了另一个账号');
    expect(await Identity.findById('console:mallory').lean()).toBeNull();
    expect(await Identity.findById('console:zhang').lean()).not.toBeNull();
    expect((await BindCode.findById(second).lean())?.usedAt).toBeNull();
  });
});

describe('bind-code guessing (issue 8)', () => {
  it('answers only 5 attempts per account in a quarter hour, even across two instances, then says when to retry', async () => {
    const code = await issueCode();
    const { bot: other, receiver: otherChat } = await startTestBot({
      config: testConfig({ BOT_ADMINS: 'console:boss', BIND_CODE_TTL_MINUTES: '60' }),
      now: () => clock,
    });
    try {
      const replies: string[] = [];
      for (let i = 0; i < 50; i++) {
        const via = i % 2 ? otherChat : chat;
        replies.push(...(await via.say('guesser', `绑定 ${String(i).padStart(8, 'A')}`)));
      }
      expect(replies).toHaveLength(50);
      expect(replies.filter((r) => r.includes('不正确'))).toHaveLength(5);
      expect(replies.slice(5).every((r) => r.includes('试错次数太多') && r.includes('10:15 以后再试'))).toBe(true);
      // over the limit, even the right code is not looked at
      const [blocked] = await otherChat.say('guesser', `绑定 ${code}`);
      expect(blocked).toContain('试错次数太多');
      expect(await Identity.countDocuments()).toBe(0);
      // another account is not held back by this one
      expect((await chat.say('zhang', '绑定 BBBBBBBB'))[0]).toContain('不正确');

      clock = new Date(clock.getTime() + 15 * 60_000);
      expect((await chat.say('guesser', `绑定 ${code}`))[0]).toContain('绑定成功');
    } finally {
      await other.stop();
    }
  });
});
