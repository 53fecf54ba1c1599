import { describe, expect, it } from 'vitest';
import {
  SupplyChange,
  SupplyItem,
  SupplyReport,
  SupplyRequest,
  SupplyReturnedReport,
} from '../../../handlers/supplies/models.ts';
import { remindLeaders, sendSummary, supplyReminder } from '../../../schedules/supplies.ts';
import { Bot } from '../../../src/bot.ts';
import { composition } from '../../../src/workflows.ts';
import { silentLog, testConfig, useTestBot } from '../../helpers/harness.ts';
import { CHENGNAN, REPORT_DAY, SUMMARY_DAY, seedLists, seedPeople, WANDA } from '../../helpers/supplies.ts';

let clock = REPORT_DAY;
const config = testConfig();

const { bot, chat } = useTestBot('supplies', {
  config,
  now: () => clock,
  seed: async () => {
    clock = REPORT_DAY;
    await seedPeople('console');
  },
});

/** What went privately to `who` since `from`. */
const inbox = (who: string, from = 0) => chat.privately(who, from);
const deps = () => ({ ...bot.services, recoverInbox: async () => 0 });
const list = async (post: string) =>
  (await SupplyItem.find({ post }).sort({ item: 1 }).lean()).map((i) => `${i.item}:${i.quantity}${i.unit}`);

describe('§4.1 驻点装备物资配置清单 in chat', () => {
  it('综合部 sets several items at once; every change is kept with who, when and old → new', async () => {
    const r1 = (await chat.say('zhao', '设置配置 万达广场 对讲机 6台、手电筒 8支')).join('\n');
    expect(r1).toContain('对讲机：新增 6台');
    expect(await list('万达广场')).toEqual(['对讲机:6台', '手电筒:8支']);
    clock = new Date(REPORT_DAY.getTime() + 3600_000);
    await chat.say('qian', '设置配置 万达广场 对讲机 5、手电筒 0');
    expect(await list('万达广场')).toEqual(['对讲机:5台']);

    const log = (await chat.say('zhao', '配置记录 万达广场')).join('\n');
    expect(log).toContain('钱综合：对讲机：6 → 5台');
    expect(log).toContain('钱综合：手电筒：8支 → 移出清单');
    expect(log).toContain('赵综合：对讲机：新增 6台');
    expect(log.indexOf('钱综合')).toBeLessThan(log.indexOf('赵综合'));
    expect(await SupplyChange.countDocuments()).toBe(4);
  });

  it('changes nothing on a bad part, an unknown post, or a sender who is not 综合部', async () => {
    await seedLists({ 万达广场: WANDA });
    expect((await chat.say('zhao', '设置配置 万达广场 对讲机 3、手电筒 很多')).join('')).toContain('没有修改');
    expect((await chat.say('zhao', '设置配置 火星基地 对讲机 3')).join('')).toContain('驻点「火星基地」不存在');
    expect((await chat.say('chen', '设置配置 万达广场 对讲机 3')).join('')).toContain('没有权限');
    expect(await list('万达广场')).toEqual(['对讲机:6台', '手电筒:8支']);
    expect(await SupplyChange.countDocuments()).toBe(0);
  });

  it("#18 takes 「万达 广场」 for the post 万达广场: the list is that post's, no second one", async () => {
    await seedLists({ 万达广场: WANDA });
    expect((await chat.say('zhao', '设置配置 万达 广场 对讲机 7')).join('')).toContain('已修改（对讲机：6 → 7台）');
    expect(await list('万达广场')).toEqual(['对讲机:7台', '手电筒:8支']);
    expect(await SupplyItem.distinct('post')).toEqual(['万达广场']);
    expect((await chat.say('zhao', '配置清单 万达 广场')).join('')).toContain('对讲机 7台');
  });

  it("shows a team leader their own post's list and not another's", async () => {
    await seedLists({ 万达广场: WANDA, 城南小区: CHENGNAN });
    expect((await chat.say('chen', '配置清单')).join('')).toContain('对讲机 6台');
    expect((await chat.say('chen', '配置清单 城南小区')).join('')).toContain('只能查看本驻点');
  });

  it("imports a pasted table all or nothing, reporting bad rows by number; a good one replaces the named post's list", async () => {
    await seedLists({ 万达广场: WANDA });
    const bad = (
      await chat.say(
        'zhao',
        '导入配置\n驻点,物品,数量,单位\n万达广场,对讲机,6,台\n火星基地,警棍,6,根\n万达广场,手电筒,-1,支',
      )
    ).join('\n');
    expect(bad).toContain('没有导入任何内容');
    expect(bad).toContain('第 3 行：驻点「火星基地」不存在');
    expect(bad).toContain('第 4 行：数量请写 0 或正整数');
    expect(await list('万达广场')).toEqual(['对讲机:6台', '手电筒:8支']);

    const good = (
      await chat.say(
        'zhao',
        '导入配置\n驻点,物品,数量,单位\n万达广场,对讲机,7,台\n万达广场,警棍,6,根\n城南小区,对讲机,4,台',
      )
    ).join('\n');
    expect(good).toContain('已导入 2 个驻点（3 种物品）');
    expect(await list('万达广场')).toEqual(['对讲机:7台', '警棍:6根']);
    expect(await list('城南小区')).toEqual(['对讲机:4台']);
    expect(await SupplyChange.findOne({ item: '手电筒' }).lean()).toMatchObject({
      from: 8,
      to: null,
      byName: '赵综合',
      source: 'chat-import',
    });
  });
});

describe('§4.2 物资管理月报', () => {
  const REPORT = '物资月报\n对讲机 库存5 消耗0 损坏1 丢失0 一台摔坏\n手电筒 8 2 0 0\n申领 对讲机 1 补齐配置';

  it("gives a team leader the template of their post's list to fill in and send back", async () => {
    await seedLists({ 万达广场: WANDA });
    const [how, block] = await chat.say('chen', '物资月报');
    expect(how).toContain('万达广场 2026-11');
    expect(block).toBe('物资月报 2026-11\n对讲机 库存_ 消耗0 损坏0 丢失0\n手电筒 库存_ 消耗0 损坏0 丢失0\n申领 无');
    // sent back unfilled, it is refused and nothing is filed
    expect((await chat.say('chen', block!)).join('')).toContain('对讲机：库存还没有填写数字');
    expect(await SupplyReport.countDocuments()).toBe(0);
  });

  it('flags a shortage and damage against the configured quantity, and sends the report and the request to 综合部', async () => {
    await seedLists({ 万达广场: WANDA });
    const start = chat.sent.length;
    const reply = (await chat.say('chen', REPORT)).join('\n');
    expect(reply).toContain('⚠ 对讲机 短缺 1台（现有 5，配置 6）');
    expect(reply).toContain('⚠ 对讲机 损坏 1台（一台摔坏）');
    expect(reply).not.toContain('手电筒 短缺');
    const report = await SupplyReport.findById('万达广场|2026-11').lean();
    expect(report?.flags.map((f) => f.kind)).toEqual(['shortage', 'damage']);
    expect(report?.requestNos).toEqual(['WZ-20261125-001']);
    for (const who of ['zhao', 'qian']) {
      expect(inbox(who, start).join('\n')).toContain('物资管理月报：万达广场 2026-11');
      expect(inbox(who, start).join('\n')).toContain('物资申领待审批 WZ-20261125-001');
    }
  });

  it('takes the report typed on one line, items and requests separated by 「；」 (the console sends one line a message)', async () => {
    await seedLists({ 万达广场: WANDA });
    const reply = (
      await chat.say('chen', '物资月报 对讲机 库存5 消耗0 损坏1 丢失0 一台摔坏；手电筒 8 2 0 0；申领 对讲机 1 补齐配置')
    ).join('\n');
    expect(reply).toContain('⚠ 对讲机 短缺 1台（现有 5，配置 6）');
    const report = await SupplyReport.findById('万达广场|2026-11').lean();
    expect(report?.lines.map((l) => [l.item, l.stock])).toEqual([
      ['对讲机', 5],
      ['手电筒', 8],
    ]);
    expect(report?.requestNos).toHaveLength(1);
  });

  it('refuses an incomplete report and a second report for the same month, filing nothing twice', async () => {
    await seedLists({ 万达广场: WANDA });
    expect((await chat.say('chen', '物资月报\n对讲机 库存5')).join('')).toContain('还没有填写：手电筒');
    expect(await SupplyReport.countDocuments()).toBe(0);
    await chat.say('chen', REPORT);
    expect((await chat.say('chen', REPORT)).join('')).toContain('不能重复提交');
    expect(await SupplyReport.countDocuments()).toBe(1);
    expect(await SupplyRequest.countDocuments()).toBe(1);
  });

  it('refuses a typed report with a negative count (对讲机 6 0 -1 0) instead of filing it as 与配置一致, filing nothing', async () => {
    await seedLists({ 万达广场: WANDA });
    const reply = (await chat.say('chen', '物资月报\n对讲机 6 0 -1 0\n手电筒 8')).join('\n');
    expect(reply).toContain('月报没有提交');
    expect(reply).toContain('对讲机：损坏不能是负数');
    expect(reply).not.toContain('与配置一致');
    expect(await SupplyReport.countDocuments()).toBe(0);
  });

  it("approves a request once when 综合部 answers the card's number twice, and tells the leader once", async () => {
    await seedLists({ 万达广场: WANDA });
    await chat.say('chen', REPORT);
    const start = chat.sent.length;
    // the number asks once, naming the request (#21); 1 确认 approves
    expect((await chat.say('zhao', '1')).join('')).toContain('确认批准申领 WZ-20261125-001：万达广场');
    const first = await chat.say('zhao', '1');
    expect(first.join('')).toContain('已批准 WZ-20261125-001');
    // the confirmation was used: its number shows it again, and confirming once more changes nothing
    expect((await chat.say('zhao', '1')).join('')).toContain('这张卡片已过期');
    const second = await chat.say('zhao', '1');
    expect(second.join('')).toMatch(/已由 赵综合 于 .* 批准，无需重复操作/);
    expect(await SupplyRequest.findById('WZ-20261125-001').lean()).toMatchObject({
      status: 'approved',
      decidedByName: '赵综合',
      version: 1,
    });
    expect(inbox('chen', start).filter((t) => t.includes('已由综合部 赵综合 批准'))).toHaveLength(1);
  });

  it('lets 综合部 send a report back once with a reason: kept as filed, its waiting request refused, the leader files again', async () => {
    await seedLists({ 万达广场: WANDA });
    await chat.say('chen', REPORT);
    expect((await chat.say('chen', '退回月报 万达广场 2026-11 数量不对')).join('')).toContain('没有权限');
    expect((await chat.say('zhao', '退回月报 万达广场 2026-11')).join('')).toContain('请写驻点、月份和退回原因');
    const [first, second] = [
      await chat.say('zhao', '退回月报 万达广场 2026-11 对讲机数量与现场不符'),
      await chat.say('zhao', '退回月报 万达广场 2026-11 对讲机数量与现场不符'),
    ];
    expect(first.join('')).toContain(
      '已退回 万达广场 2026-11 的物资月报，已通知 陈队长 重新填报；未审批的申领 1 项已一并拒绝',
    );
    expect(second.join('')).toContain('没有已提交的物资月报');
    expect(await SupplyReturnedReport.findOne({ reportId: '万达广场|2026-11' }).lean()).toMatchObject({
      returnedByName: '赵综合',
      returnReason: '对讲机数量与现场不符',
    });
    expect(await SupplyRequest.findById('WZ-20261125-001').lean()).toMatchObject({
      status: 'refused',
      refuseReason: '月报已退回：对讲机数量与现场不符',
    });
    expect(inbox('chen').filter((t) => t.includes('被综合部 赵综合 退回'))).toHaveLength(1);

    expect((await chat.say('chen', '物资月报\n对讲机 6\n手电筒 8')).join('')).toContain('与配置一致');
    expect(await SupplyReport.findById('万达广场|2026-11').lean()).toMatchObject({ flags: [] });
  });

  it('refuses a request only with a reason, and tells the leader why', async () => {
    await seedLists({ 万达广场: WANDA });
    await chat.say('chen', REPORT);
    expect((await chat.say('qian', '拒绝申领 WZ-20261125-001')).join('')).toContain('必须写明原因');
    expect((await chat.say('chen', '批准申领 WZ-20261125-001')).join('')).toContain('没有权限');
    expect((await SupplyRequest.findById('WZ-20261125-001').lean())?.status).toBe('pending');
    await chat.say('qian', '拒绝申领 WZ-20261125-001 本月已配发');
    expect(inbox('chen').join('\n')).toContain('原因：本月已配发');
  });
});

describe('§4.2 looking up reports and requests', () => {
  it("shows 综合部 a post's report, the month so far and the pending requests; a guard gets none of it", async () => {
    await seedLists({ 万达广场: WANDA, 城南小区: CHENGNAN });
    await chat.say('chen', '物资月报\n对讲机 6\n手电筒 7\n申领 手电筒 1 补齐');
    expect((await chat.say('zhao', '查看月报 万达广场 2026-11')).join('')).toContain('⚠ 手电筒 短缺 1支');
    expect((await chat.say('zhao', '查看月报 城南小区')).join('')).toContain('城南小区 2026-11 还没有提交物资月报');
    const summary = (await chat.say('zhao', '物资月报汇总')).join('');
    expect(summary).toContain('未报驻点：城南小区');
    expect(summary).toContain('待审批申领 1 项');
    expect((await chat.say('zhao', '待批申领')).join('')).toContain('物资申领待审批 WZ-20261125-001');
    for (const cmd of ['查看月报 万达广场', '物资月报汇总', '待批申领', '物资月报'])
      expect((await chat.say('zhang', cmd)).join('')).toContain('没有权限');
  });
});

describe('§4.2 monthly reminder and summary', () => {
  it("reminds each post's team leader once from the report day, and tells 综合部 of a post without one", async () => {
    await seedLists({ 万达广场: WANDA, 城南小区: CHENGNAN, 东湖公园: [['对讲机', 2, '台']] });
    clock = new Date(REPORT_DAY.getTime() - 60_000);
    expect((await remindLeaders(deps())).reminded).toEqual([]);
    clock = REPORT_DAY;
    const other = new Bot({
      config,
      log: silentLog,
      receivers: [chat],
      workflows: composition,
      jobs: [],
      now: () => clock,
    });
    await Promise.all([
      supplyReminder.run(deps(), clock),
      supplyReminder.run({ ...other.services, recoverInbox: async () => 0 }, clock),
    ]);
    clock = new Date(REPORT_DAY.getTime() + 86_400_000);
    await remindLeaders(deps());
    for (const who of ['chen', 'zhou'])
      expect(inbox(who).filter((t) => t.includes('物资管理月报（§4.2）'))).toHaveLength(1);
    expect(inbox('chen').join('')).toContain('万达广场 2026-11');
    expect(inbox('zhao').filter((t) => t.includes('没有在职队长'))).toEqual([expect.stringContaining('东湖公园')]);
  });

  it('does not remind a post that already reported', async () => {
    await seedLists({ 万达广场: WANDA, 城南小区: CHENGNAN });
    await chat.say('chen', '物资月报\n对讲机 6\n手电筒 8');
    expect((await remindLeaders(deps())).reminded).toEqual(['城南小区']);
  });

  it("sends 综合部 the month's summary once, listing the posts that did not report", async () => {
    await seedLists({ 万达广场: WANDA, 城南小区: CHENGNAN });
    await chat.say('chen', '物资月报\n对讲机 4\n手电筒 8');
    clock = SUMMARY_DAY;
    const start = chat.sent.length;
    expect(await sendSummary(deps())).toBe(true);
    expect(await sendSummary(deps())).toBe(false);
    const got = inbox('zhao', start);
    expect(got).toHaveLength(1);
    expect(got[0]).toContain('已报 1 / 2 个驻点');
    expect(got[0]).toContain('万达广场（陈队长）：对讲机 短缺 2台');
    expect(got[0]).toContain('未报驻点：城南小区');
  });
});
