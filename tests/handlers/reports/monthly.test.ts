import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthPeriod } from '../../../handlers/reports/period.ts';
import type { Bot } from '../../../src/bot.ts';
import { loadConfig } from '../../../src/config.ts';
import { REPORTING, type ReportPart } from '../../../src/core/reporting.ts';
import { isFileMessage } from '../../../src/core/types.ts';
import { compose } from '../../../src/core/workflow.ts';
import { installed } from '../../../src/workflows.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot, testConfig } from '../../helpers/harness.ts';
import { MONDAY, seedClients, seedComplaints, seedReportPeople } from '../../helpers/reports.ts';

useDatabase('reports_monthly');

const TZ = 'Asia/Shanghai';
let bot: Bot;
let chat: MemoryReceiver;
let wanda: string;
let parts: ReportPart[];

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ config: testConfig({ BOT_TIMEZONE: TZ }), now: () => MONDAY }));
  await clearCollections();
  await seedReportPeople('console');
  const ids = await seedClients();
  wanda = ids.wanda;
  await seedComplaints(ids.wanda, ids.chengnan);
  const client = { id: wanda, name: '万达物业' };
  parts = await Promise.all(
    bot.services.extensions
      .of(REPORTING.clientMonth)
      .map((s) => s.build(bot.services, client, monthPeriod('2026-11', TZ))),
  );
});
afterAll(() => bot.stop());

describe('月报 客户: a client’s month checked against its records (万达物业, 2026-11)', () => {
  it('complaints: the month’s cases and how each ended, one from before client ids found by name, October’s left out', () => {
    const [complaints] = parts;
    expect(complaints!.lines).toEqual([
      '本月受理 3 件，已结案 2 件，其中 1 件曾超过处理时限。',
      '• TS-20261105-001｜非正当理由｜已结案',
      '• TS-20261124-001｜一般性｜待人防部调查｜曾逾期',
      '• TS-20261125-001｜一般性｜已结案｜已更换队员',
    ]);
    expect(complaints!.charts![0]!.series).toEqual([
      { name: '待人防部调查', values: [1, 0, 0] },
      { name: '已结案', values: [1, 0, 1] },
    ]);
  });

  it('visits, calls and the promises due in the month, kept or not', () => {
    const [, clients] = parts;
    expect(clients!.lines).toEqual([
      '本月拜访 1 次，电话回访 1 次',
      '• 2026-11-20 拜访｜王客服｜李经理｜了解服务意见',
      '• 2026-11-24 电话回访｜王客服｜李经理｜回访投诉处理',
      '本月到期的承诺 2 项，已兑现 1 项',
      '• 更换岗位队员｜2026-11-26 到期｜已兑现',
      '• 增加夜间巡逻｜2026-11-28 到期｜未兑现',
    ]);
    expect(clients!.charts![0]!.series[0]!.values).toEqual([1, 1, 1, 1]);
  });

  it('客服部 asks by name and month; 上月 is the default; 队员 is refused', async () => {
    const from = chat.sent.length;
    const text = (await chat.say('kefu', '月报 客户 万达物业 2026-11')).join('\n');
    // the two charts follow as PNG pictures 客服部 can forward
    const pictures = chat.sent.slice(from).filter((s) => isFileMessage(s.message));
    expect(pictures.map((p) => p.file!.subarray(1, 4).toString())).toEqual(['PNG', 'PNG']);
    expect(text).toContain('万达物业 2026年11月服务月报');
    expect(text).toContain('本月受理 3 件，已结案 2 件');
    expect(text).toContain('本月拜访 1 次，电话回访 1 次');
    // on 2026-11-30 last month is October: the October case only
    expect((await chat.say('kefu', '月报 客户 万达物业')).join('\n')).toContain('本月受理 1 件');
    expect((await chat.say('duiyuan', '月报 客户 万达物业')).join('')).toContain('没有权限');
  });

  it('says what to write for an unknown client, a month it cannot read, or no 客户', async () => {
    expect((await chat.say('kefu', '月报 客户 火星物业')).join('')).toContain('没有找到客户「火星物业」');
    expect((await chat.say('kefu', '月报 客户 万达物业 13月')).join('')).toContain('不是月份');
    expect((await chat.say('kefu', '月报')).join('')).toContain('月报 客户 万达物业 2026-11');
  });

  it('a bot without the clients workflow still starts; 月报 客户 there says it needs 客户管理', async () => {
    const withoutClients = compose(installed.filter((i) => i.workflow.name !== 'clients'));
    const { bot: other, receiver } = await startTestBot({
      config: loadConfig({ BOT_CONSOLE: 'off', HTTP_PORT: '0', BOT_TIMEZONE: TZ }, withoutClients.settings),
      workflows: withoutClients,
      now: () => MONDAY,
    });
    try {
      expect((await receiver.say('kefu', '月报 客户 万达物业')).join('')).toContain('客户月报需要客户管理');
    } finally {
      await other.stop();
    }
  });
});
