import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eveningStep } from '../../../handlers/dorms/evening.ts';
import { RentReport } from '../../../handlers/dorms/models.ts';
import type { Bot } from '../../../src/bot.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type DormWho, seedDormPeople, seedLeaders } from '../../helpers/dorms.ts';
import { byHeader, exportAs } from '../../helpers/exports.ts';
import { type MemoryReceiver, startTestBot } from '../../helpers/harness.ts';

/*
 * 导出 查房记录 (a month of every dorm the asker may see) and 导出 房租记录 (the month's reports,
 * the landlord's account masked as 房租记录 masks it), seeded through the real roll call and models.
 */

useDatabase('dorms_exports');

let bot: Bot;
let chat: MemoryReceiver;
const at = (day: number, hhmm: string) => new Date(`2026-11-${String(day).padStart(2, '0')}T${hhmm}:00+08:00`);
let clock = at(27, '20:00');
let ids: Record<DormWho, string>;

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ now: () => clock }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  clock = at(27, '20:00');
  ids = await seedDormPeople('console');
  await seedLeaders(ids);
});

async function evening(day: number) {
  clock = at(day, '21:45');
  await eveningStep(bot.services, clock);
  clock = at(day, '22:05');
  expect((await chat.say('chen', '查房 未归 张三')).join()).toContain('已上报');
  expect((await chat.say('liu', '查房 全到')).join()).toContain('已上报');
}

describe('导出 查房记录', () => {
  it('gives 综合部 every dorm of the month, an evening a row, and each resident not in', async () => {
    await evening(25);
    await evening(26);
    clock = at(27, '10:00');
    const { file, sheets } = await exportAs(chat, 'zonghe', '导出 查房记录 2026-11');
    expect(file).toBeDefined();
    const evenings = byHeader(sheets['2026-11 查房']!);
    expect(evenings.map((e) => [(e['日期'] as Date).toISOString().slice(0, 10), e['宿舍']])).toEqual([
      ['2026-11-25', '城北宿舍'],
      ['2026-11-25', '城南宿舍'],
      ['2026-11-26', '城北宿舍'],
      ['2026-11-26', '城南宿舍'],
    ]);
    expect(evenings[1]).toMatchObject({ 上报情况: '按时', 上报人: '陈队长', 未归: '张三' });
    const absences = byHeader(sheets['未归请假明细']!);
    expect(absences.map((a) => [a['宿舍'], a['姓名'], a['情况']])).toEqual([
      ['城南宿舍', '张三', '未归'],
      ['城南宿舍', '张三', '未归'],
    ]);
  });

  it("gives a leader their own dorm only, and refuses another's as 查房记录 does", async () => {
    await evening(26);
    clock = at(27, '10:00');
    const own = await exportAs(chat, 'chen', '导出 查房记录');
    expect(byHeader(own.sheets['2026-11 查房']!).map((e) => e['宿舍'])).toEqual(['城南宿舍']);
    const other = await exportAs(chat, 'chen', '导出 查房记录 城北宿舍');
    expect(other.file).toBeUndefined();
    expect(other.replies.join()).toContain('只有 城北宿舍 的队长、综合部或行政部');
  });
});

describe('导出 房租记录', () => {
  const ACCOUNT = '6222021234567890123';
  beforeEach(async () => {
    await RentReport.create({
      _id: '2026-11:城南宿舍',
      dorm: '城南宿舍',
      period: '2026-11',
      amountFen: 350000,
      landlord: '王房东',
      bank: '工商银行城南支行',
      account: ACCOUNT,
      reportedBy: { staffId: ids.chen, name: '陈队长' },
      reportedAt: at(3, '10:00'),
      paid: { method: '银行转账', date: '2026-11-05', by: { staffId: ids.caiwu, name: '孙财务' }, at: at(5, '10:00') },
    });
  });

  it('shows finance the account in full, the amount in yuan and the payment date', async () => {
    const { sheets } = await exportAs(chat, 'caiwu', '导出 房租记录 2026-11');
    const [row] = byHeader(sheets['2026-11 房租']!);
    expect(row).toMatchObject({ 宿舍: '城南宿舍', 房租: 3500, 账号: ACCOUNT, 付款状态: '已付', 付款人: '孙财务' });
    expect((row!['付款日期'] as Date).toISOString().slice(0, 10)).toBe('2026-11-05');
  });

  it('masks the account for 行政部, as 房租记录 does', async () => {
    const { sheets } = await exportAs(chat, 'xingzheng', '导出 房租记录 2026-11');
    expect(byHeader(sheets['2026-11 房租']!)[0]!['账号']).toBe('6222 **** **** 0123');
  });
});
