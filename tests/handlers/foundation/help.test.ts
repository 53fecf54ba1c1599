import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { useDatabase, clearCollections } from '../../helpers/db.ts';
import { p2p, startLarkBot, type LarkBot } from '../../helpers/lark-bot.ts';
import { startTestBot, type MemoryReceiver } from '../../helpers/harness.ts';
import { seedPeople } from '../../helpers/complaints.ts';
import type { Bot } from '../../../src/bot.ts';

/*
 * 帮助 by capability: a card with one section per workflow where buttons are clicked (Lark, for
 * real through the stand-in Open API); the text list on text channels (console here).
 */

useDatabase('help');

let lark: LarkBot;
let bot: Bot;
let chat: MemoryReceiver;

beforeAll(async () => {
  lark = await startLarkBot();
  ({ bot, receiver: chat } = await startTestBot());
});
afterAll(async () => {
  await lark?.close();
  await bot?.stop();
});
beforeEach(async () => {
  await clearCollections();
  lark.standin.reset();
});

describe('帮助', () => {
  it('on Lark is a card with one section per workflow the person may use, each command with one example', async () => {
    await seedPeople('lark', { kefu: 'ou_kefu' }, ['kefu']);
    await lark.say('ou_kefu', '帮助');
    const { card } = await lark.standin.waitFor(() => lark.standin.cards(p2p('ou_kefu'))[0], 'the help card');
    const json = JSON.stringify(card);
    expect(json).toContain('王客服（客服部）可以使用');
    for (const section of ['【基本与人员管理】', '【客户投诉】', '【费用报销】']) expect(json).toContain(section);
    expect(json).toContain('• 登记投诉 万达物业');
    expect(json).toContain('• 报销');
    // what 客服部 may not use is not offered
    expect(json).not.toContain('签呈决定');
    expect(json).not.toContain('添加人员');
    expect(lark.standin.texts(p2p('ou_kefu'))).toEqual([]);
  });

  it('stays text on WeChat and the console', async () => {
    await seedPeople('console', {}, ['kefu']);
    const [reply] = await chat.say('kefu', '帮助');
    expect(typeof chat.sent.at(-1)!.message).toBe('string');
    expect(reply).toContain('王客服（客服部）可以使用：');
    expect(reply).toContain('【客户投诉】');
    expect(reply).toContain('例：登记投诉 万达物业');
  });
});
