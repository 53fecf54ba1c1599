import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lastWeek, parseWeek } from '../../../handlers/reports/period.ts';
import { weeklyParts } from '../../../handlers/reports/weekly.ts';
import { sendWeeklyReport, weeklyReportJob } from '../../../schedules/reports.ts';
import type { Bot } from '../../../src/bot.ts';
import { Extensions } from '../../../src/core/extensions.ts';
import { type Chart, REPORTING, type ReportPart } from '../../../src/core/reporting.ts';
import { type FileMessage, isFileMessage } from '../../../src/core/types.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot, testConfig } from '../../helpers/harness.ts';
import {
  MONDAY,
  seedClaims,
  seedClients,
  seedComplaints,
  seedReportPeople,
  seedRollCalls,
  seedSupplies,
  seedTrips,
} from '../../helpers/reports.ts';

useDatabase('reports_weekly');

const TZ = 'Asia/Shanghai';
let bot: Bot;
let chat: MemoryReceiver;
let parts: ReportPart[];

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ config: testConfig({ BOT_TIMEZONE: TZ }), now: () => MONDAY }));
});
afterAll(() => bot.stop());

async function seedAll() {
  await clearCollections();
  await seedReportPeople('console');
  const { wanda, chengnan } = await seedClients();
  await Promise.all([seedComplaints(wanda, chengnan), seedClaims(), seedRollCalls(), seedTrips(), seedSupplies()]);
}

const part = (prefix: string) => {
  const p = parts.find((x) => x.title.startsWith(prefix));
  if (!p) throw new Error(`no part ${prefix} in ${parts.map((x) => x.title).join(', ')}`);
  return p;
};
const chart = (prefix: string, i = 0): Chart => part(prefix).charts![i]!;

describe('周报: each section checked against the records it summarises (week 2026-11-23 至 2026-11-29)', () => {
  beforeAll(async () => {
    await seedAll();
    parts = await weeklyParts(bot.services, lastWeek(MONDAY, TZ));
  });

  it('has every workflow’s section, in the composition’s order', () => {
    expect(parts.map((p) => p.title)).toEqual([
      '客户投诉（§4.3）',
      '费用报销（§3.5）',
      '宿舍点名（§3.3.3）',
      '物资（§4.2）',
      '车辆（§3.4.5）',
      '客户回访（第十章）',
    ]);
  });

  it('complaints: the §4.3 report’s counts by category and status, the overdue case named, a chart of both', () => {
    const lines = part('客户投诉').lines;
    expect(lines).toContain('本期受理 3 件：一般性 2｜扣服务费 1');
    expect(lines).toContain('现状：待人防部调查 1｜待客服部处理 1｜已结案 1');
    expect(lines).toContain('本期结案 1 件');
    expect(lines).toContain('【逾期未解决（§3.1.3）】 1 件');
    expect(lines.find((l) => l.includes('TS-20261124-001'))).toMatch(/万达物业｜一般性｜待人防部调查｜时限/);
    expect(lines.join('\n')).not.toContain('TS-20261120-001');
    expect(chart('客户投诉')).toEqual({
      kind: 'bar',
      title: '本周受理的投诉：类别与现状',
      categories: ['一般性', '扣服务费', '非正当理由'],
      series: [
        { name: '待人防部调查', values: [1, 0, 0] },
        { name: '待客服部处理', values: [0, 1, 0] },
        { name: '已结案', values: [1, 0, 0] },
      ],
      unit: '件',
    });
  });

  it('reimbursements: the week’s claims by category (withdrawn left out) and each step’s median and longest wait', () => {
    const lines = part('费用报销').lines;
    // 出租车 50 + 20, 餐费 30; the withdrawn ¥1,000 office claim and last week's 餐费 are not the week's
    expect(lines[0]).toBe('本周提交 2 份报销，3 项，合计 ¥100.00：出租车 ¥70.00｜餐费 ¥30.00');
    // 综合部: 4 h and 2 h; 财务部: 6 h, 3 h and 144 h (last week's claim decided this week)
    expect(lines).toContain('• 综合部审核：2 次，中位 3，最长 4');
    expect(lines).toContain('• 财务部审查：3 次，中位 6，最长 144');
    expect(lines).toContain('目前待审批 3 份（董事长 3）');
    expect(chart('费用报销', 0)).toMatchObject({
      kind: 'pie',
      categories: ['出租车', '餐费'],
      series: [{ values: [70, 30] }],
    });
    expect(chart('费用报销', 1)).toMatchObject({
      kind: 'bar',
      categories: ['综合部审核', '财务部审查'],
      series: [
        { name: '中位数', values: [3, 6] },
        { name: '最长', values: [4, 144] },
      ],
      unit: '小时',
    });
  });

  it('dorms: on-time rate per dorm and the people absent on two evenings or more, by name', () => {
    const lines = part('宿舍点名').lines;
    // 1号: 3 asked, 2 on time (one late) = 67 %; 2号: 2 asked, 1 on time (one never reported) = 50 %
    expect(lines).toContain('2 个宿舍，应点名 5 次，按时上报 3 次');
    expect(lines).toContain('按时率：2号宿舍 50%｜1号宿舍 67%');
    // 张三 out on 11-23 and 11-24; 李四 once in the week (11-22 and 11-30 are outside it)
    expect(lines).toContain('未归 2 晚及以上：张三（1号宿舍，2 晚）');
    expect(chart('宿舍点名')).toMatchObject({
      categories: ['2号宿舍', '1号宿舍'],
      series: [{ values: [50, 67] }],
      unit: '%',
    });
  });

  it('vehicles: kilometres, costs and cost per km of each vehicle over the trips ended in the week', () => {
    const lines = part('车辆').lines;
    // 粤B11111: 100 + 50 km, ¥60 + ¥15 → ¥0.50/km; 粤B22222: 40 km, ¥40 → ¥1.00/km; 11-30's and the open trip left out
    expect(lines).toEqual([
      '本周收车 3 趟，190 公里，费用 ¥115.00',
      '• 粤B22222：1 趟 40 公里，¥40.00，每公里 ¥1.00',
      '• 粤B11111：2 趟 150 公里，¥75.00，每公里 ¥0.50',
    ]);
    expect(chart('车辆')).toMatchObject({ categories: ['粤B22222', '粤B11111'], series: [{ values: [1, 0.5] }] });
  });

  it('supplies: each post’s items below its list in its latest report of this or last month, and the week’s requests', () => {
    const lines = part('物资').lines;
    expect(lines).toEqual([
      '2 个驻点库存低于配置（按最近一期物资月报）：',
      '• 城南小区（2026-10）：灭火器 缺 2、对讲机 缺 2',
      '• 万达广场（2026-11）：对讲机 缺 2',
      '本周申领 3 项：已批准 2｜待审批 1',
    ]);
    expect(chart('物资')).toMatchObject({
      categories: ['城南小区', '万达广场'],
      series: [{ values: [2, 1] }],
      unit: '项',
    });
  });

  it('clients: calls and visits done against those overdue at the week’s end, promises due kept or named', () => {
    const lines = part('客户回访').lines;
    expect(lines).toEqual([
      '电话回访：本周完成 2 次，到 2026-11-29 仍逾期 1 个客户',
      '拜访：本周完成 1 次，到 2026-11-29 仍逾期 1 个客户',
      '本周到期的承诺 2 项，已兑现 1 项，未兑现：',
      '• CN-2 万达物业｜增加夜间巡逻｜王客服｜2026-11-28 到期',
    ]);
    expect(chart('客户回访').series).toEqual([
      { name: '完成', values: [2, 1, 1] },
      { name: '逾期未做', values: [1, 1, 1] },
    ]);
  });
});

describe('周报 by command and on Monday', () => {
  beforeEach(seedAll);

  it('周报 shows last week to 行政部 as text with every section; 队员 and 客服部 are refused', async () => {
    const text = (await chat.say('xingzheng', '周报')).join('\n');
    expect(text).toContain('周报 2026-11-23 至 2026-11-29');
    for (const t of ['【客户投诉（§4.3）】', '【费用报销（§3.5）】', '【宿舍点名（§3.3.3）】', '【车辆（§3.4.5）】'])
      expect(text).toContain(t);
    expect(text).toContain('按时率：2号宿舍 50%｜1号宿舍 67%');
    expect((await chat.say('duiyuan', '周报')).join('')).toContain('没有权限');
    expect((await chat.say('kefu', '周报')).join('')).toContain('没有权限');
  });

  it('on the console (no charts in cards) each of the seven charts follows the text as a PNG picture', async () => {
    const from = chat.sent.length;
    await chat.say('zonghe', '周报');
    const sent = chat.sent.slice(from);
    const pictures = sent.filter((s) => isFileMessage(s.message));
    expect(pictures).toHaveLength(7);
    for (const p of pictures) {
      expect((p.message as FileMessage).image).toBe(true);
      expect((p.message as FileMessage).name).toMatch(/\.png$/);
      expect(p.file!.subarray(1, 4).toString()).toBe('PNG');
    }
    // each card first (its figures as text), then its pictures
    expect(sent.map((s) => (isFileMessage(s.message) ? 'png' : 'card'))).toEqual([
      'card',
      'png',
      'png',
      'png',
      'png',
      'card',
      'png',
      'png',
      'png',
    ]);
    expect(sent[0]!.text).toContain('图表 4 张见随后的图片。');
  });

  it('周报 本周 and 周报 <日期> choose the week; a word that is not a date changes nothing and says what to write', async () => {
    expect(parseWeek('2026-11-18', MONDAY, TZ)).toMatchObject({ label: '2026-11-16 至 2026-11-22' });
    expect(parseWeek('本周', MONDAY, TZ)).toMatchObject({ label: '2026-11-30 至 2026-12-06' });
    expect((await chat.say('zonghe', '周报 下下周')).join('')).toContain('请写 上周、本周 或一个日期');
  });

  it('the Monday job sends the week before to 行政部, 董事长 and 综合部, once however often it runs', async () => {
    const from = chat.sent.length;
    expect(await sendWeeklyReport(bot.services, MONDAY)).toBe(true);
    expect(await sendWeeklyReport(bot.services, MONDAY)).toBe(false);
    for (const who of ['xingzheng', 'dong', 'zonghe']) {
      const got = chat.privately(who, from).join('\n');
      expect(got, who).toContain('周报 2026-11-23 至 2026-11-29');
      expect(got, who).toContain('本周提交 2 份报销');
    }
    expect(chat.privately('kefu', from)).toEqual([]);
    expect(chat.privately('duiyuan', from)).toEqual([]);
  });

  it('runs at 08:30 on Mondays by default; WEEKLY_REPORT_CRON moves it, a wrong one is refused at start', () => {
    const cron = weeklyReportJob.cron as (c: ReturnType<typeof testConfig>) => string;
    expect(cron(testConfig())).toBe('30 8 * * 1');
    expect(cron(testConfig({ WEEKLY_REPORT_CRON: '0 9 * * 1' }))).toBe('0 9 * * 1');
    expect(() => testConfig({ WEEKLY_REPORT_CRON: 'mondays' })).toThrow(/WEEKLY_REPORT_CRON/);
  });

  it('a section that fails says so in its place with a reference; the others still show', async () => {
    const broken = REPORTING.weekly.with({
      title: '坏的部分',
      build: async () => {
        throw new Error('boom');
      },
    });
    const ok = REPORTING.weekly.with({
      title: '好的部分',
      build: async () => ({ title: '好的部分', lines: ['一切正常'] }),
    });
    const shown = await weeklyParts(
      { ...bot.services, extensions: new Extensions([broken, ok]) },
      lastWeek(MONDAY, TZ),
    );
    expect(shown[0]!.lines[0]).toMatch(/^这一部分没有生成（编号 .+），请联系管理员。$/);
    expect(shown[1]!.lines).toEqual(['一切正常']);
  });
});
