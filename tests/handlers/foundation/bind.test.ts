import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { useDatabase, clearCollections } from '../../helpers/db.ts';
import { startTestBot, testConfig, type MemoryReceiver } from '../../helpers/harness.ts';
import { Identity, Staff } from '../../../src/models/index.ts';
import { BindCode } from '../../../handlers/foundation/models.ts';
import type { Bot } from '../../../src/bot.ts';

useDatabase('bind');

let bot: Bot;
let chat: MemoryReceiver;
let clock = new Date('2026-11-27T02:00:00Z');

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({
    config: testConfig({ BOT_ADMINS: 'console:boss', BIND_CODE_TTL_MINUTES: '60' }),
    now: () => clock,
  }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  clock = new Date('2026-11-27T02:00:00Z');
  await Staff.create({ name: '张三', phone: '13800000001', roles: ['team_leader'], post: '万达广场' });
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
