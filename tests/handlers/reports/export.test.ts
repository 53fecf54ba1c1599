import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXPORT_TIMING } from '../../../handlers/reports/export.ts';
import type { Bot } from '../../../src/bot.ts';
import { type Card, cardOf } from '../../../src/core/types.ts';
import { registrationLines, seedPeople } from '../../helpers/complaints.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { exportAs } from '../../helpers/exports.ts';
import { type MemoryReceiver, startTestBot } from '../../helpers/harness.ts';

/*
 * 导出 itself: what it says without a list, to a mistyped list, to someone with nothing to export;
 * 「正在生成」 when the file takes a while; a file asked for in a group goes to the asker privately.
 */

useDatabase('reports_export');

let bot: Bot;
let chat: MemoryReceiver;

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ now: () => new Date('2026-11-27T02:00:00Z') }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  EXPORT_TIMING.noticeAfterMs = 3000;
  await seedPeople('console');
});

describe('导出', () => {
  it('without a list, names the lists this person may export', async () => {
    const [menu] = await chat.say('kefu', '导出');
    expect(menu).toContain('例如：导出 投诉列表 本月');
    expect(menu).toContain('投诉列表');
    expect(menu).toContain('客户列表');
    expect(menu).not.toContain('报销台账');
  });

  it('suggests the list meant by a typo (投述列表 → 投诉列表) as a button that exports it', async () => {
    await chat.say('kefu', `登记投诉\n${registrationLines()}`);
    const from = chat.sent.length;
    await chat.say('kefu', '导出 投述列表 本月');
    const card = chat.sent
      .slice(from)
      .map((s) => cardOf(s.message))
      .find(Boolean) as Card | undefined;
    expect(card?.title).toContain('导出 投诉列表');
    expect(card?.buttons?.[0]?.value).toEqual({ text: '导出 投诉列表 本月' });
    // pressing it (the number on a text channel) exports
    const { file } = await exportAs(chat, 'kefu', '1');
    expect(file?.message.name).toMatch(/^投诉列表-/);
  });

  it('a guard may export only their own trips (出车记录 is open to everyone, each their own)', async () => {
    const [menu] = await chat.say('zhangsan', '导出');
    expect(menu).toContain('你可以导出：出车记录\n');
  });

  it('says 「正在生成」 first when the file takes a while', async () => {
    await chat.say('kefu', `登记投诉\n${registrationLines()}`);
    EXPORT_TIMING.noticeAfterMs = 0;
    const { replies, file } = await exportAs(chat, 'kefu', '导出 投诉列表');
    expect(replies[0]).toContain('正在生成「投诉列表」');
    expect(file).toBeDefined();
    expect(replies.at(-1)).toContain('[文件] 投诉列表-');
  });

  it('asked in a group, sends the file privately and says so in the group', async () => {
    await chat.say('kefu', `登记投诉\n${registrationLines()}`);
    const from = chat.sent.length;
    const replies = await chat.say('kefu', '导出 投诉列表', { chatId: 'group-1', isGroup: true });
    expect(replies.join()).toContain('已私聊发给你');
    const file = chat.sent.slice(from).find((s) => typeof s.message === 'object' && 'kind' in s.message);
    expect(file?.target).toEqual({ channel: 'console', userId: 'kefu' });
  });
});
