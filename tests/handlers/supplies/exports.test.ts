import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Bot } from '../../../src/bot.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { byHeader, exportAs } from '../../helpers/exports.ts';
import { type MemoryReceiver, startTestBot } from '../../helpers/harness.ts';
import { CHENGNAN, REPORT_DAY, seedLists, seedPeople, WANDA } from '../../helpers/supplies.ts';

/*
 * 导出 物资月报: every post's monthly report (§4.2) filed through the real command, one row per post
 * and item with the differences flagged, and the posts that did not report.
 */

useDatabase('supplies_exports');

let bot: Bot;
let chat: MemoryReceiver;

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ now: () => REPORT_DAY }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  await seedPeople('console');
  await seedLists({ 万达广场: WANDA, 城南小区: CHENGNAN });
});

describe('导出 物资月报', () => {
  it("writes the month's reports item by item, the flags beside them, and the posts that did not report", async () => {
    await chat.say('chen', '物资月报\n对讲机 库存5 消耗0 损坏1 丢失0 一台摔坏\n手电筒 8 2 0 0\n申领 无');
    const { file, sheets } = await exportAs(chat, 'zhao', '导出 物资月报');
    expect(file?.text).toContain('2026-11 物资月报 2 行、未报驻点 1 行');
    const rows = byHeader(sheets['2026-11 物资月报']!);
    expect(rows.map((r) => [r['驻点'], r['物品'], r['配置数'], r['库存'], r['损坏']])).toEqual([
      ['万达广场', '对讲机', 6, 5, 1],
      ['万达广场', '手电筒', 8, 8, 0],
    ]);
    expect(rows[0]!['差异']).toContain('短缺');
    expect(rows[0]!['填报队长']).toBe('陈队长');
    expect(byHeader(sheets['未报驻点']!).map((r) => r['驻点'])).toEqual(['城南小区']);
  });

  it('is for 综合部, 行政部 and the chairman, as 物资月报汇总', async () => {
    const { replies, file } = await exportAs(chat, 'chen', '导出 物资月报');
    expect(file).toBeUndefined();
    expect(replies.join()).toContain('你没有权限使用「物资月报」');
  });
});
