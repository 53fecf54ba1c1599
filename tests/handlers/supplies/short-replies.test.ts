import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Bot } from '../../../src/bot.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot, testConfig } from '../../helpers/harness.ts';
import { MAX_LINES, readLines } from '../../helpers/short-replies.ts';
import { REPORT_DAY, seedLists, seedPeople, WANDA } from '../../helpers/supplies.ts';

/*
 * Issue #21: a 物资管理月报 filed answers the leader and tells 综合部 in a few lines — the post and
 * month, the differences from the list, the requests' numbers and what comes next — with every item
 * one command away (「查看月报 万达广场 2026-11」), instead of the whole report each time.
 */

useDatabase('supplies_short');

let bot: Bot;
let chat: MemoryReceiver;

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ config: testConfig(), now: () => REPORT_DAY }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  await seedPeople('console');
  await seedLists({ 万达广场: WANDA });
});

describe('物资月报 filed, each message short (#21)', () => {
  it('the leader and 综合部 read the differences, the request number and what comes next; 查看月报 has every item', async () => {
    const from = chat.sent.length;
    await chat.say('chen', '物资月报\n对讲机 库存5 消耗0 损坏1 丢失0 一台摔坏\n手电筒 8 2 0 0\n申领 对讲机 1 补齐配置');
    const to: Record<string, string> = {};
    for (const s of chat.sent.slice(from)) {
      const who = 'userId' in s.target ? s.target.userId : s.target.chatId;
      expect(readLines(s.text).length, `to ${who}:\n${s.text}`).toBeLessThanOrEqual(MAX_LINES);
      to[who] = [to[who], s.text].filter(Boolean).join('\n');
    }
    for (const who of ['chen', 'zhao']) {
      expect(to[who]).toContain('物资管理月报：万达广场 2026-11');
      expect(to[who]).toContain('⚠ 对讲机 短缺 1台（现有 5，配置 6）');
      expect(to[who]).toContain('WZ-20261125-001');
      expect(to[who]).toContain('发送「查看月报 万达广场 2026-11」查看明细');
      expect(to[who]).not.toContain('手电筒：现有 8');
    }
    expect(to.chen).toContain('申领 1 项等待综合部审批');
    expect(to.zhao).toContain('请综合部核对差异');
    expect((await chat.say('zhao', '查看月报 万达广场 2026-11')).join()).toContain('手电筒：现有 8');
  });
});
