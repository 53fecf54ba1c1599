import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Bot } from '../../../src/bot.ts';
import { COMMAND_LINE_MAX, nearestCommands } from '../../../src/core/suggest.ts';
import { Staff } from '../../../src/models/index.ts';
import { composition } from '../../../src/workflows.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot, testConfig } from '../../helpers/harness.ts';
import { type LarkBot, p2p, startLarkBot } from '../../helpers/lark-bot.ts';
import { findButtonValue } from '../../helpers/lark-standin.ts';

/*
 * Forgiving input (#21): a typo of a command word gets 「你是不是要：报销」 with a button (numbered on
 * text channels) that runs the command with the same argument text; a long free text that merely
 * starts with a command word is not that command.
 */

useDatabase('suggest');

let bot: Bot;
let chat: MemoryReceiver;
let lark: LarkBot;

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ config: testConfig({ BOT_ADMINS: 'console:boss' }) }));
  lark = await startLarkBot({ BOT_ADMINS: 'lark:ou_boss' });
});
afterAll(async () => {
  await lark?.close();
  await bot?.stop();
});
beforeEach(async () => {
  await clearCollections();
  lark.standin.reset();
  await Staff.create({ name: '张三', phone: '13800000001', roles: ['guard'], post: '万达广场' });
});

const words = (typed: string) => nearestCommands(composition.routes.commands, typed).map((s) => s.word);

describe('a typo of a command word', () => {
  it('finds 报销 for 报消, 帮助 for 帮主, 提交报销 for 提交报消, 添加人员 for 添加人', () => {
    expect(words('报消')[0]).toBe('报销');
    expect(words('帮主')[0]).toBe('帮助');
    expect(words('提交报消')[0]).toBe('提交报销');
    expect(words('添加人')[0]).toBe('添加人员');
    expect(words('hlp')[0]).toBe('帮助');
    expect(words('ok')).toEqual([]); // too short to guess at
    expect(words('reimbuse')[0]).toBe('报销');
  });

  it('keeps what followed the mistyped word, also when it runs straight on (报消50元)', () => {
    expect(nearestCommands(composition.routes.commands, '报消50元')[0]).toMatchObject({ word: '报销', args: '50元' });
    expect(nearestCommands(composition.routes.commands, '设值角色 张三 队长')[0]).toMatchObject({
      word: '设置角色',
      args: '张三 队长',
    });
  });

  it('does not read ordinary words that share a character with a short command as typos (已经到了, 你好)', () => {
    expect(words('已经到了')).toEqual([]);
    expect(words('你好')).toEqual([]);
    expect(words('谢谢')).toEqual([]);
  });

  it('answers 报消 with 「你是不是要：报销」 and a numbered choice instead of 「没有听懂」', async () => {
    const [reply] = await chat.say('boss', '报消');
    expect(reply).toContain('你是不是要：报销');
    expect(reply).toContain('[1] 报销');
    expect(reply).not.toContain('没有听懂');
  });

  it('runs the suggested command with the same argument text when its number is sent', async () => {
    const [offer] = await chat.say('boss', '设值角色 张三 队长');
    expect(offer).toContain('你是不是要：设置角色');
    expect(offer).toContain('[1] 设置角色 张三 队长');
    await chat.say('boss', '1');
    expect((await Staff.findOne({ name: '张三' }).lean())?.roles).toEqual(['team_leader']);
  });

  it('on Lark is a card whose button runs the suggested command with the same argument text', async () => {
    await lark.say('ou_boss', '设值角色 张三 队长');
    const offer = await lark.standin.waitFor(() => lark.standin.cards(p2p('ou_boss'))[0], 'the suggestion card');
    expect(JSON.stringify(offer.card)).toContain('你是不是要：设置角色');
    await lark.click('ou_boss', offer.messageId, findButtonValue(offer.card, 'core.suggest')!);
    expect((await Staff.findOne({ name: '张三' }).lean())?.roles).toEqual(['team_leader']);
  });

  it('offers only commands the person may use: a guard typing 添加人 is not offered 添加人员', async () => {
    const staff = await Staff.findOne({ name: '张三' }).lean();
    const { Identity } = await import('../../../src/models/index.ts');
    await Identity.create({
      _id: 'console:zhangsan',
      staffId: staff!._id,
      channel: 'console',
      userId: 'zhangsan',
      displayName: '张三',
      boundAt: new Date(),
    });
    const [reply] = await chat.say('zhangsan', '添加人');
    expect(reply).not.toContain('添加人员');
    expect(reply).toContain('没有听懂');
  });
});

describe('a long free text that starts with a command word', () => {
  it(`is not taken as that command: a 1,200-character 投诉… is answered as no command (limit ${COMMAND_LINE_MAX} characters on the first line)`, async () => {
    const letter = `投诉你们的保安${'昨晚在岗睡觉，叫了半天才醒，态度也不好。'.repeat(60)}`;
    expect(Array.from(letter).length).toBeGreaterThan(1200);
    const [reply] = await chat.say('boss', letter);
    expect(reply).toContain('不像命令');
    expect(reply).not.toContain('受理编号');
    expect(reply!.length).toBeLessThan(200);
  });

  it('still takes a command whose long part is on the following lines (a form, a pasted table)', async () => {
    const [reply] = await chat.say('boss', `人员列表\n${'备注'.repeat(400)}`);
    expect(reply).not.toContain('不像命令');
  });
});
