import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { mock } from 'wechaty-puppet-mock';
import { SupplyChange, SupplyItem, SupplyRequest } from '../../handlers/supplies/models.ts';
import { supplySummary } from '../../schedules/supplies.ts';
import { Bot } from '../../src/bot.ts';
import { WechatyReceiver } from '../../src/receivers/wechaty.ts';
import { composition } from '../../src/workflows.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { silentLog, testConfig, waitProcessed } from '../helpers/harness.ts';
import { CHENGNAN, REPORT_DAY, SUMMARY_DAY, seedLists, seedPeople, WANDA } from '../helpers/supplies.ts';
import { startWechatFixture, type WechatFixture, waitFor } from '../helpers/wechat-fixture.ts';

/*
 * Supplies on WeChat end to end (PuppetServer → gRPC → wechaty-puppet-service → the app): 综合部
 * imports a pasted list, the team leader files the one-message report form, 综合部 answers the
 * request card by its number, and the month's summary names the post that did not report.
 */

useDatabase('supplies_wechat');

let wx: WechatFixture;
let bot: Bot;
let clock = REPORT_DAY;
// 张三's phone is 陈队长 (万达广场's team leader); 李四's is 赵综合; 王经理's is 钱综合
let leader: mock.ContactMock;
let office: mock.ContactMock;
let office2: mock.ContactMock;

beforeAll(async () => {
  wx = await startWechatFixture();
  ({ zhang: leader, li: office, admin: office2 } = wx.people);
  const config = testConfig({ ...wx.env() });
  const receiver = new WechatyReceiver(config.wechat!, silentLog);
  bot = new Bot({ config, log: silentLog, workflows: composition, receivers: [receiver], jobs: [], now: () => clock });
  await bot.start();
  await waitFor(() => receiver.state() === 'up', 'the bot to log in to WeChat');
});
afterAll(async () => {
  await bot?.stop();
  await wx?.stop();
});
beforeEach(async () => {
  await clearCollections();
  clock = REPORT_DAY;
  await seedPeople('wechat', { chen: leader.id, zhao: office.id, qian: office2.id }, ['chen', 'zhao', 'qian']);
});

async function talk(from: mock.ContactMock, text: string): Promise<string> {
  const before = wx.deliveredTo(from.id).length;
  const id = wx.say(from, text);
  await waitProcessed(`wechat:${id}`);
  return (
    await waitFor(
      () => (wx.deliveredTo(from.id).length > before ? wx.deliveredTo(from.id).slice(before) : undefined),
      `an answer to "${text}"`,
    )
  ).join('\n');
}

const received = (who: mock.ContactMock, marker: string) =>
  waitFor(() => wx.deliveredTo(who.id).find((t) => t.includes(marker)), `${who.id} to receive "${marker}"`);
const list = async (post: string) =>
  (await SupplyItem.find({ post }).sort({ item: 1 }).lean()).map((i) => `${i.item}:${i.quantity}${i.unit}`);

describe('supplies on WeChat', () => {
  it('imports a pasted equipment list: a bad one is refused row by row and changes nothing, a good one is kept with its changes (§4.1)', async () => {
    const bad = await talk(
      office,
      '导入配置\n驻点,物品,数量,单位\n万达广场,对讲机,6,台\n万达广场,手电筒,,支\n城北仓库,警棍,6,根',
    );
    expect(bad).toContain('没有导入任何内容');
    expect(bad).toContain('第 3 行：数量没有填写');
    expect(bad).toContain('第 4 行：驻点「城北仓库」不存在');
    expect(await SupplyItem.countDocuments()).toBe(0);

    const good = await talk(office, '导入配置\n驻点,物品,数量,单位\n万达广场,对讲机,6,台\n万达广场,手电筒,8,支');
    expect(good).toContain('已导入 1 个驻点（2 种物品）：万达广场 新增 2');
    expect(await list('万达广场')).toEqual(['对讲机:6台', '手电筒:8支']);
    expect(await SupplyChange.countDocuments({ byName: '赵综合', source: 'chat-import' })).toBe(2);
    expect(await talk(leader, '配置清单')).toContain('1. 对讲机 6台');
  });

  it('takes the one-message report, flags the shortage, and 综合部 approves the request once by answering its number twice (§4.2)', async () => {
    await seedLists({ 万达广场: WANDA, 城南小区: CHENGNAN });
    // the template comes as instructions, then the block alone (a long press copies a whole message)
    const before = wx.deliveredTo(leader.id).length;
    wx.say(leader, '物资月报');
    const [how, block] = await waitFor(
      () => (wx.deliveredTo(leader.id).length >= before + 2 ? wx.deliveredTo(leader.id).slice(before) : undefined),
      'the template',
    );
    expect(how).toContain('长按复制下一条消息');
    expect(block).toBe('物资月报 2026-11\n对讲机 库存_ 消耗0 损坏0 丢失0\n手电筒 库存_ 消耗0 损坏0 丢失0\n申领 无');

    const filled = block!
      .replace('对讲机 库存_ 消耗0 损坏0 丢失0', '对讲机 库存4 消耗0 损坏0 丢失2 巡逻时遗失')
      .replace('手电筒 库存_ 消耗0', '手电筒 库存8 消耗3')
      .replace('申领 无', '申领 对讲机 2 补齐配置');
    const filed = await talk(leader, filled);
    expect(filed).toContain('⚠ 对讲机 短缺 2台（现有 4，配置 6）');
    expect(filed).toContain('⚠ 对讲机 丢失 2台（巡逻时遗失）');

    const card = await received(office, '物资申领待审批 WZ-20261125-001');
    expect(card).toContain('[1] 批准');
    expect(await received(office, '物资管理月报：万达广场 2026-11')).toContain('短缺 2台');

    // the number asks once, naming the request (#21); 1 确认 approves, and confirming again changes nothing
    expect(await talk(office, '1')).toContain('确认批准申领 WZ-20261125-001');
    expect(await talk(office, '1')).toContain('已批准 WZ-20261125-001');
    expect(await talk(office, '1')).toContain('这张卡片已过期');
    expect(await talk(office, '1')).toMatch(/已由 赵综合 于 .* 批准，无需重复操作/);
    expect(await talk(office2, '批准申领 WZ-20261125-001')).toMatch(/已由 赵综合 于 .* 批准/);
    expect(await SupplyRequest.findById('WZ-20261125-001').lean()).toMatchObject({ status: 'approved', version: 1 });
    await received(leader, 'WZ-20261125-001（对讲机 2台）已由综合部 赵综合 批准');
    expect(wx.deliveredTo(leader.id).filter((t) => t.includes('已由综合部'))).toHaveLength(1);
  });

  it("names the post that did not report in the month's summary to 综合部 (§4.2)", async () => {
    await seedLists({ 万达广场: WANDA, 城南小区: CHENGNAN });
    await talk(leader, '物资月报\n对讲机 6\n手电筒 8');
    clock = SUMMARY_DAY;
    await supplySummary.run({ ...bot.services, recoverInbox: async () => 0 }, clock);
    const summary = await received(office, '物资管理月报汇总 2026-11');
    expect(summary).toContain('未报驻点：城南小区');
    expect(summary).toContain('万达广场（陈队长）：与配置一致');
    await received(office2, '物资管理月报汇总 2026-11');
  });
});
