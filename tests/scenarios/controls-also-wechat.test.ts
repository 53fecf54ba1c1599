import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { mock } from 'wechaty-puppet-mock';
import { Client, ClientPromise } from '../../handlers/clients/models.ts';
import { Complaint } from '../../handlers/complaints/models.ts';
import { Inspection } from '../../handlers/vehicles/models.ts';
import { sendWeeklyReport, sweepComplaints } from '../../schedules/complaints.ts';
import { Bot } from '../../src/bot.ts';
import { WechatyReceiver } from '../../src/receivers/wechaty.ts';
import { composition } from '../../src/workflows.ts';
import { NUMBER_RE, registrationLines, seedPeople, type Who } from '../helpers/complaints.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { silentLog, testConfig, waitProcessed } from '../helpers/harness.ts';
import { startWechatFixture, type WechatFixture, waitFor } from '../helpers/wechat-fixture.ts';

/*
 * Issue #20, the "Also (read, not yet tried)" holes, performed over WeChat as the person trying to
 * get around the rule: a complaint never marked 已告知 (Ch.10 III §4.2), no report to the company
 * (§4.3), money promised beyond one's authority (§4.4), a 现有 client's follow-ups switched off
 * (Ch.10 I §2.5, §2.7), and a missed month's vehicle inspection (§3.4.6).
 */

useDatabase('controls_also_wechat');

let wx: WechatFixture;
let bot: Bot;
let clock = new Date('2026-11-27T02:00:00Z'); // Friday 10:00 in Shanghai
const H = 3600_000;
const PEOPLE: Who[] = ['kefu', 'renfang', 'duizhang', 'zonghe', 'xingzheng', 'dongshi'];
const contacts = {} as Record<Who, mock.ContactMock>;

beforeAll(async () => {
  wx = await startWechatFixture();
  for (const who of PEOPLE) contacts[who] = wx.mocker.createContact({ id: `wxid_${who}`, name: who });
  const config = testConfig({
    ...wx.env(),
    COMPLAINT_FOLLOWUP_DAYS: '7',
    COMPLAINT_ACK_REMIND_HOURS: '2',
    VEHICLE_INSPECTION_LATE_MONTHS: '3',
  });
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
  clock = new Date('2026-11-27T02:00:00Z');
  await seedPeople('wechat', Object.fromEntries(PEOPLE.map((w) => [w, contacts[w].id])), PEOPLE);
});

async function talk(who: Who, text: string): Promise<string> {
  const from = contacts[who];
  const before = wx.deliveredTo(from.id).length;
  const id = wx.say(from, text);
  await waitProcessed(`wechat:${id}`);
  const replies = await waitFor(
    () => (wx.deliveredTo(from.id).length > before ? wx.deliveredTo(from.id).slice(before) : undefined),
    `a reply to "${text.slice(0, 20)}"`,
  );
  return replies.join('\n');
}

const received = (who: Who, marker: string) =>
  waitFor(() => wx.deliveredTo(contacts[who].id).find((t) => t.includes(marker)), `${who} to receive "${marker}"`);
const count = (who: Who, marker: string) => wx.deliveredTo(contacts[who].id).filter((t) => t.includes(marker)).length;
const load = async (id: string) => (await Complaint.findById(id).lean())!;

async function register(o: Parameters<typeof registrationLines>[0] = {}): Promise<string> {
  const replies = await talk('kefu', `登记投诉\n${registrationLines(o)}`);
  const id = NUMBER_RE.exec(replies)?.[0];
  expect(id, replies).toBeDefined();
  return id!;
}

async function investigate(id: string): Promise<void> {
  expect(
    await talk('renfang', `调查 ${id}\n发生原因: 夜班疲劳\n责任队员: 无\n责任队长: 无\n改善对策: 调整排班`),
  ).toContain(`调查已记录：${id}`);
}

const decision = (id: string, handling = '更换夜班队员') =>
  `处理投诉 ${id}\n是否合理: 合理\n处理方式: ${handling}\n责任归属: 队员\n改善方案: 队长每晚查岗`;
const result = (id: string, content = '已更换夜班队员') =>
  `告知结果 ${id}\n告知内容: ${content}\n告知方式: 电话\n告知日期: 今天`;

describe('已告知 (Ch.10 III §4.2): the client must be told the complaint is being handled', () => {
  it('reminds the owners once when nobody marked 已告知 in COMPLAINT_ACK_REMIND_HOURS, and the case does not close until it is marked', async () => {
    const id = await register();
    clock = new Date(clock.getTime() + 1 * H);
    expect((await sweepComplaints(bot.services)).ackReminded).toEqual([]);
    clock = new Date(clock.getTime() + 1 * H);
    expect((await sweepComplaints(bot.services)).ackReminded).toEqual([id]);
    expect(await received('kefu', `投诉未告知客户：${id}`)).toContain('已告知');
    expect((await sweepComplaints(bot.services)).ackReminded).toEqual([]);
    expect(count('kefu', `投诉未告知客户：${id}`)).toBe(1);

    // the exploit: carry the case through to its last follow-up without ever telling the client
    await investigate(id);
    await talk('kefu', decision(id));
    expect(await talk('kefu', result(id))).toContain('已建立回访计划');
    await talk('kefu', `改善效果 ${id} 有效`);
    clock = new Date(clock.getTime() + 7 * 24 * H);
    const last = await talk('kefu', `回访 ${id} 满意 夜班正常`);
    expect(last).toContain('还没有确认已告知客户受理');
    expect(last).not.toContain('已结案');
    expect((await load(id)).status).toBe('following_up');

    expect(await talk('kefu', `已告知 ${id}`)).toContain('已结案');
    expect(await load(id)).toMatchObject({ status: 'closed', clientToldAt: clock });
  });
});

describe('上报公司 (Ch.10 III §4.3): the report to the company has a channel', () => {
  it('投诉报告 counts the period by category and status and names the overdue case; 上报 and the weekly job send it to 行政部 and 董事长, the job once', async () => {
    const overdue = await register({ category: '扣服务费', name: '甲公司' });
    const other = await register({ category: '一般性', name: '乙公司' });
    await talk('kefu', `已告知 ${other}`);
    clock = new Date(clock.getTime() + 25 * H);
    expect((await sweepComplaints(bot.services)).escalated).toEqual([overdue]);

    const report = await talk('kefu', '投诉报告');
    expect(report).toContain('客户投诉报告（§4.3）2026-11-23 至 2026-11-29');
    expect(report).toContain('本期受理 2 件：一般性 1｜扣服务费 1');
    expect(report).toContain('现状：待人防部调查 2');
    expect(report).toMatch(new RegExp(`逾期未解决[\\s\\S]*${overdue} 甲公司`));
    expect(report).toMatch(new RegExp(`未告知客户受理[\\s\\S]*${overdue}`));
    expect(await talk('duizhang', '投诉报告')).toContain('没有权限');
    expect(await talk('renfang', '投诉报告 2026-12')).toContain('本期受理 0 件');

    expect(await talk('kefu', '投诉报告 上报')).toContain('已上报行政部和董事长');
    expect(await received('xingzheng', '（王客服 上报）')).toContain(overdue);
    expect(await received('dongshi', '（王客服 上报）')).toContain(overdue);

    const monday = new Date('2026-11-30T01:00:00Z'); // 09:00 in Shanghai
    expect(await sendWeeklyReport(bot.services, monday)).toBe(true);
    expect(await sendWeeklyReport(bot.services, monday)).toBe(false);
    await received('xingzheng', '客户投诉报告（§4.3）2026-11-23 至 2026-11-29');
    const weekly = (who: Who) =>
      wx.deliveredTo(contacts[who].id).filter((t) => t.includes('客户投诉报告') && !t.includes('上报）')).length;
    await waitFor(() => weekly('dongshi') === 1 || undefined, 'the weekly report to 董事长');
    expect(weekly('xingzheng')).toBe(1);
  });
});

describe('权限内承诺 (Ch.10 III §4.4): money promised to a client needs the 董事长', () => {
  it('a visit report promising 减免 makes no promise until the chairman confirms it; the promise within authority is tracked at once', async () => {
    await talk('kefu', '添加客户\n客户名称: 万达物业\n电话: 13712345678');
    const visit = await talk(
      'kefu',
      [
        '拜访 万达物业',
        '拜访目的: 处理投诉',
        '接待人: 张经理',
        '接待人职务: 跳过',
        '客户需求: 跳过',
        '发现的问题: 跳过',
        '指导和培训: 跳过',
        '客户异议及处理: 跳过',
        '竞争对手情况: 跳过',
        '潜在客户信息: 跳过',
        '对客户的承诺: 减免本月服务费 12月10日；送新排班表 12月5日',
        '日期: 今天',
      ].join('\n'),
    );
    expect(visit).toContain('已记录拜访');
    const free = (await ClientPromise.findOne({ text: /减免/ }).lean())!;
    const kept = (await ClientPromise.findOne({ text: /排班表/ }).lean())!;
    expect(free).toMatchObject({ status: 'pending', money: '减免' });
    expect(kept.status).toBe('open');
    expect(visit).toContain(`${free._id} 减免本月服务费（2026-12-10 前，待董事长核准）`);
    expect(await received('dongshi', `客户承诺待董事长核准：${free._id}`)).toContain('[1] 核准承诺');

    expect(await talk('kefu', `承诺完成 ${free._id}`)).toContain('还在等董事长核准');
    expect(await talk('kefu', '承诺')).toContain('待董事长核准');
    expect(await talk('kefu', `核准承诺 ${free._id}`)).toContain('没有权限');
    expect((await ClientPromise.findById(free._id).lean())!.status).toBe('pending');

    // the chairman presses 1 on the card; a money approval asks once before it runs
    expect(await talk('dongshi', '1')).toContain(`确认核准承诺 ${free._id}`);
    expect((await ClientPromise.findById(free._id).lean())!.status).toBe('pending');
    expect(await talk('dongshi', '1')).toContain('已核准承诺');
    expect(await ClientPromise.findById(free._id).lean()).toMatchObject({
      status: 'open',
      decidedBy: { name: '孙董事长' },
    });
    await received('kefu', `董事长已核准承诺 ${free._id}`);
  });

  it('a 扣服务费 handling cannot be told to the client until the chairman confirms it; not confirmed, it goes back to 客服部', async () => {
    const id = await register({ category: '扣服务费' });
    await talk('kefu', `已告知 ${id}`);
    await investigate(id);
    await talk('kefu', `${decision(id)}\n扣款金额: 500\n扣款月份: 2026-11`);
    expect(await load(id)).toMatchObject({
      status: 'decided',
      approval: { status: 'pending', what: '扣服务费 ¥500.00（2026-11）' },
    });
    expect(await received('dongshi', `处理涉及金额，待董事长核准：${id}`)).toContain('核准处理');

    // the exploit: tell the client the result anyway
    expect(await talk('kefu', result(id, '同意扣 500 元服务费'))).toContain('须董事长核准后才能告知客户');
    expect(await load(id)).toMatchObject({ status: 'decided', result: null });

    expect(await talk('dongshi', `核准处理 ${id} 不同意 只同意扣 300 元`)).toContain('已退回');
    expect(await load(id)).toMatchObject({
      status: 'investigated',
      decision: null,
      approval: { status: 'refused', note: '只同意扣 300 元' },
    });
    await received('kefu', `董事长不核准处理，请重新拟定：${id}`);

    await talk('kefu', `${decision(id)}\n扣款金额: 300\n扣款月份: 2026-11`);
    expect(await talk('dongshi', `核准处理 ${id}`)).toContain('已核准');
    expect(await talk('kefu', result(id, '同意扣 300 元服务费'))).toContain('已建立回访计划');
    expect((await load(id)).status).toBe('following_up');
  });

  it('a 减免 told to the client on a handling the chairman never saw is refused', async () => {
    const id = await register();
    await investigate(id);
    await talk('kefu', decision(id));
    expect(await talk('kefu', result(id, '已更换队员，并答应减免本月服务费'))).toContain('没有经董事长核准');
    expect((await load(id)).result).toBeNull();
  });
});

describe("现有客户的电话回访 (Ch.10 I §2.5, §2.7): 不需要 cannot end a current client's follow-ups", () => {
  it('refuses 电话回访周期 不需要 on a 现有 client and changes nothing; allows it for a potential one, and not back to 现有 with it', async () => {
    await talk('kefu', '添加客户\n客户名称: 万达物业\n电话: 13712345678');
    const refused = await talk('kefu', '修改客户 万达物业\n电话回访周期: 不需要');
    expect(refused).toContain('没有修改');
    expect(refused).toContain('电话回访周期不能是「不需要」');
    expect(await Client.findOne({ name: '万达物业' }).lean()).toMatchObject({ status: 'current', callDays: null });

    expect(await talk('kefu', '修改客户 万达物业\n状态: 潜在\n电话回访周期: 不需要')).toContain('已修改客户档案');
    expect(await talk('kefu', '修改客户 万达物业\n状态: 现有')).toContain('电话回访周期不能是「不需要」');
    expect(await Client.findOne({ name: '万达物业' }).lean()).toMatchObject({ status: 'potential', callDays: 0 });
    expect(await talk('kefu', '修改客户 万达物业\n状态: 现有\n电话回访周期: 默认')).toContain('已修改客户档案');
    expect(await Client.findOne({ name: '万达物业' }).lean()).toMatchObject({ status: 'current', callDays: null });
  });

  it('asks again for 拜访周期 when a new 现有 client is added with 不需要', async () => {
    const asked = await talk('kefu', '添加客户\n客户名称: 城北商场\n电话: 13712345679\n拜访周期: 不需要');
    expect(asked).toContain('拜访周期不能是「不需要」');
    expect(await Client.countDocuments({ name: '城北商场' })).toBe(0);
    expect(await talk('kefu', '默认')).toContain('已添加客户');
    expect(await Client.findOne({ name: '城北商场' }).lean()).toMatchObject({ status: 'current', visitDays: null });
  });
});

describe("补录 (§3.4.6): a missed month's vehicle inspection can be recorded late", () => {
  it('records 2026-10 late with who and when, refuses a month to come and one too far back', async () => {
    expect(
      await talk(
        'zonghe',
        '登记车辆\n车牌: 粤B12345\n车型: 金杯海狮\n驻点: 万达广场\n指定司机: 跳过\n当前里程: 10000\n上次保养日期: 2026-10-01',
      ),
    ).toContain('已登记');
    const late = await talk('zonghe', '车辆检查 粤B12345 2026-10\n安全性能: 正常\n车况: 良好\n备注: 无');
    expect(late).toContain('已补录 粤B12345 2026-10 月度检查');
    expect(late).toContain('赵综合');
    expect(await Inspection.findById('粤B12345:2026-10').lean()).toMatchObject({
      month: '2026-10',
      late: true,
      by: { name: '赵综合' },
      at: clock,
    });
    expect(await Inspection.exists({ _id: '粤B12345:2026-11' })).toBeNull();

    expect(await talk('zonghe', '车辆检查 粤B12345 2026-12\n安全性能: 正常\n车况: 良好')).toContain('还没到');
    expect(await talk('zonghe', '车辆检查 粤B12345 2026-07\n安全性能: 正常\n车况: 良好')).toContain('最多补前 3 个月');
    expect(await talk('zonghe', '车辆检查 粤B12345 2026-10')).toContain('已由 赵综合 检查过（补录）');
    expect(await Inspection.countDocuments()).toBe(1);
    expect(await talk('zonghe', '检查情况 2026-10')).toContain('✔ 粤B12345（赵综合，补录于 2026-11-27）');
  });
});
