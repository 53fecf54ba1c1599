import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../../../handlers/clients/models.ts';
import type { Bot } from '../../../src/bot.ts';
import { seedPeople } from '../../helpers/complaints.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { byHeader, exportAs } from '../../helpers/exports.ts';
import { type MemoryReceiver, startTestBot } from '../../helpers/harness.ts';

/*
 * 导出 客户列表: the clients 客户列表 lists, with their follow-ups on a second sheet, added and logged
 * through the real commands; phones masked where the client's card masks them.
 */

useDatabase('clients_exports');

let bot: Bot;
let chat: MemoryReceiver;
let clock = new Date('2026-11-27T02:00:00Z');

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ now: () => clock }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  clock = new Date('2026-11-27T02:00:00Z');
  await seedPeople('console');
  const add = (name: string, status: string, owner: string, contact: string) =>
    chat.say(
      'kefu',
      [
        '添加客户',
        `客户名称: ${name}`,
        '地址: 城南路 1 号',
        '电话: 0571-88886666',
        `联系人: ${contact}`,
        '驻点: 万达广场',
        `状态: ${status}`,
        `负责人: ${owner}`,
        '电话回访周期: 跳过',
        '拜访周期: 跳过',
        '备注: 夜班两人',
      ].join('\n'),
    );
  await add('万达物业', '现有', '陈队长', '张经理 物业经理 13812345678');
  await add('城北商场', '潜在', '王客服', '李主管 保安主管 13987654321');
  expect(await Client.countDocuments()).toBe(2);
  await chat.say('duizhang', '跟进 万达物业 张经理 对夜班满意，回电 13812345678');
});

describe('导出 客户列表', () => {
  it('writes every client with its follow-ups on a second sheet, phones in full for 客服部', async () => {
    const { file, sheets } = await exportAs(chat, 'kefu', '导出 客户列表');
    expect(file?.text).toContain('客户 2 行、跟进记录 1 行');
    const rows = byHeader(sheets['客户']!);
    expect(rows.map((r) => [r['客户名称'], r['状态'], r['负责人']])).toEqual([
      ['万达物业', '现有', '陈队长'],
      ['城北商场', '潜在', '王客服'],
    ]);
    expect(rows[0]!['电话']).toBe('0571-88886666');
    expect(rows[0]!['联系人']).toContain('13812345678');
    const [log] = byHeader(sheets['跟进记录']!);
    expect(log).toMatchObject({ 客户名称: '万达物业', 方式: '电话回访', 跟进人: '陈队长' });
    expect(log!['内容']).toContain('13812345678');
  });

  it('masks phones for a role whose card masks them, except on the clients they own (队长)', async () => {
    const { sheets } = await exportAs(chat, 'duizhang', '导出 客户列表');
    const rows = byHeader(sheets['客户']!);
    const own = rows.find((r) => r['客户名称'] === '万达物业')!;
    const other = rows.find((r) => r['客户名称'] === '城北商场')!;
    expect(own['联系人']).toContain('13812345678');
    expect(other['电话']).toBe('0571-****6666');
    expect(other['联系人']).toContain('139****4321');
    expect(other['联系人']).not.toContain('13987654321');
  });

  it('masks them for 董事长 on every client, follow-up text too', async () => {
    const { sheets } = await exportAs(chat, 'dongshi', '导出 客户列表 现有');
    const rows = byHeader(sheets['客户']!);
    expect(rows.map((r) => r['客户名称'])).toEqual(['万达物业']);
    expect(rows[0]!['联系人']).not.toContain('13812345678');
    expect(byHeader(sheets['跟进记录']!)[0]!['内容']).not.toContain('13812345678');
  });

  it('reads the list words as 客户列表 does', async () => {
    const { replies, file } = await exportAs(chat, 'kefu', '导出 客户列表 本月');
    expect(file).toBeUndefined();
    expect(replies.join()).toContain('客户列表不按日期筛选');
  });
});
