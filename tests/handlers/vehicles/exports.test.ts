import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Bot } from '../../../src/bot.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { byHeader, exportAs } from '../../helpers/exports.ts';
import { type MemoryReceiver, startTestBot } from '../../helpers/harness.ts';
import {
  endLines,
  PLATE,
  permitLines,
  registerLines,
  seedPeople,
  startLines,
  TRIP_RE,
} from '../../helpers/vehicles.ts';

/*
 * 导出 出车记录 (a driver their own trips, 综合部 anyone's) and 导出 车辆检查 (a month's inspections,
 * and the vehicles not inspected), through the real commands.
 */

useDatabase('vehicle_exports');

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
  expect((await chat.say('zonghe', registerLines())).join()).toContain('已登记');
  expect((await chat.say('zonghe', permitLines())).join()).toContain('已发证');
});

async function trip(startKm: number, endKm: number, fuel: string): Promise<string> {
  const no = TRIP_RE.exec((await chat.say('siji', startLines(PLATE, startKm))).join())![0];
  expect((await chat.say('siji', endLines(endKm, { 油费: fuel }))).join()).toContain(`已收车：${no}`);
  return no;
}

describe('导出 出车记录', () => {
  it('writes every trip with odometers, km and costs in yuan; a driver gets their own', async () => {
    const a = await trip(10000, 10042, '120.5');
    const b = await trip(10042, 10050, '0');
    const { file, sheets } = await exportAs(chat, 'siji', '导出 出车记录');
    expect(file).toBeDefined();
    const rows = byHeader(sheets['出车记录']!);
    expect(rows.map((r) => r['出车单号'])).toEqual([a, b]);
    expect(rows[0]).toMatchObject({
      车牌: PLATE,
      司机: '张司机',
      出车里程: 10000,
      收车里程: 10042,
      行驶公里: 42,
      油费: 120.5,
    });
    expect(rows[0]!['出车时间']).toBeInstanceOf(Date);

    // another driver has none of them
    const other = await exportAs(chat, 'siji2', '导出 出车记录');
    expect(other.file).toBeUndefined();
    // 综合部 sees them by plate
    const byPlate = await exportAs(chat, 'zonghe', `导出 出车记录 ${PLATE} 2026-11`);
    expect(byHeader(byPlate.sheets['出车记录']!)).toHaveLength(2);
  });

  it('says what it cannot read, with an example', async () => {
    const { replies } = await exportAs(chat, 'zonghe', '导出 出车记录 火星');
    expect(replies.join()).toContain('例如：导出 出车记录');
  });
});

describe('导出 车辆检查', () => {
  it("has the month's inspection and the vehicles not inspected, for those who see 检查情况", async () => {
    expect((await chat.say('zonghe', registerLines({ plate: '粤B99999' }))).join()).toContain('已登记');
    await trip(10000, 10042, '100');
    await chat.say('zonghe', `车辆检查 ${PLATE}\n安全性能: 正常\n车况: 良好\n备注: 无`);
    const { sheets } = await exportAs(chat, 'dongshi', '导出 车辆检查 2026-11');
    const rows = byHeader(sheets['2026-11 车辆检查']!);
    expect(rows.map((r) => [r['车牌'], r['检查情况']])).toEqual([
      [PLATE, '已检查'],
      ['粤B99999', '未检查'],
    ]);
    expect(rows[0]).toMatchObject({ 出车次数: 1, 行驶公里: 42, 费用: 100, 检查人: '王综合' });
    const guard = await exportAs(chat, 'duiyuan', '导出 车辆检查');
    expect(guard.replies.join()).toContain('你没有权限使用「车辆检查」');
  });
});
