import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { mock } from 'wechaty-puppet-mock';
import { Client, ClientLog, ClientPromise } from '../../handlers/clients/models.ts';
import { sendMorningLists } from '../../schedules/clients.ts';
import { Bot } from '../../src/bot.ts';
import { WechatyReceiver } from '../../src/receivers/wechaty.ts';
import { composition } from '../../src/workflows.ts';
import { NUMBER_RE, registrationLines, seedPeople } from '../helpers/complaints.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { silentLog, testConfig, waitProcessed } from '../helpers/harness.ts';
import { type SayOptions, startWechatFixture, type WechatFixture, waitFor } from '../helpers/wechat-fixture.ts';

/*
 * The clients workflow through WeChat for real: mock contacts write through PuppetServer → gRPC →
 * wechaty-puppet-service → the bot → the real database, and the answers travel back the same way.
 * The bot's clock is the test's; the morning job is run for a day rather than waited for.
 */

useDatabase('clients_wechat');

let wx: WechatFixture;
let bot: Bot;
let receiver: WechatyReceiver;
let kefu: mock.ContactMock;
let duizhang: mock.ContactMock;
let renfang: mock.ContactMock;
let clock = new Date('2026-11-27T02:00:00Z');
const morningOf = (day: string) => new Date(`${day}T00:31:00Z`);

beforeAll(async () => {
  wx = await startWechatFixture();
  kefu = wx.mocker.createContact({ id: 'wxid_kefu', name: '王客服' });
  duizhang = wx.mocker.createContact({ id: 'wxid_duizhang', name: '陈队长' });
  renfang = wx.mocker.createContact({ id: 'wxid_renfang', name: '刘人防' });
  const config = testConfig({ ...wx.env(), COMPLAINT_FOLLOWUP_DAYS: '7,30' });
  receiver = new WechatyReceiver(config.wechat!, silentLog);
  bot = new Bot({ config, log: silentLog, receivers: [receiver], workflows: composition, jobs: [], now: () => clock });
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
  await seedPeople('wechat', { kefu: kefu.id, duizhang: duizhang.id, renfang: renfang.id }, [
    'kefu',
    'duizhang',
    'renfang',
  ]);
});

async function talk(from: mock.ContactMock, text: string, opts: SayOptions = {}): Promise<string> {
  const chatId = opts.inRoom ? wx.room.id : from.id;
  const before = wx.deliveredTo(chatId).length;
  const id = wx.say(from, text, opts);
  await waitProcessed(`wechat:${id}`);
  const replies = await waitFor(
    () => {
      const r = wx.deliveredTo(chatId).slice(before);
      return r.length ? r : undefined;
    },
    `a reply to "${text.slice(0, 20)}"`,
  );
  return replies.join('\n');
}

const WANDA =
  '添加客户\n客户名称: 万达物业\n电话: 0571-88886666\n联系人: 张经理 物业经理 13812345678\n驻点: 万达广场\n负责人: 陈队长';

describe('I.2.8 client phones in a WeChat group', () => {
  it('masks every client phone when the card is asked for in the group, and shows them to the owner in private (I.2.8)', async () => {
    expect(await talk(kefu, WANDA)).toContain('已添加客户：万达物业');
    const inGroup = await talk(kefu, '/客户 万达物业', { inRoom: true });
    expect(inGroup).toContain('0571-****6666');
    expect(inGroup).toContain('张经理 物业经理 138****5678');
    expect(inGroup).not.toContain('13812345678');
    expect(await talk(duizhang, '客户 张经理')).toContain('张经理 物业经理 13812345678');
  });
});

describe('II the 拜访报告 as a guided form over WeChat', () => {
  it('asks each field of the visit record card, takes a promise with its day, and shows it on the client card (II.2.1, II.2.6, II.6.1, II.6.4, II.4.1–4.2, II.7)', async () => {
    await talk(kefu, WANDA);
    expect(await talk(duizhang, '拜访 万达物业')).toContain('这次拜访的目的');
    expect(await talk(duizhang, '了解夜班情况')).toContain('接待你的是谁');
    expect(await talk(duizhang, '张经理')).toContain('职务');
    await talk(duizhang, '物业经理');
    await talk(duizhang, '增加一名夜班队员');
    await talk(duizhang, '交接班记录不全');
    await talk(duizhang, '讲解消防通道检查');
    expect(await talk(duizhang, '嫌费用高，解释了人工成本')).toContain('竞争对手');
    await talk(duizhang, '跳过');
    expect(await talk(duizhang, '隔壁写字楼在招标')).toContain('答应了客户什么');
    expect(await talk(duizhang, '送新排班表')).toContain('缺少截止日期');
    expect(await talk(duizhang, '送新排班表 12月5日')).toContain('哪天联系的');
    const saved = await talk(duizhang, '跳过');
    expect(saved).toContain('已记录拜访：万达物业');
    expect(saved).toContain('CN-20261127-001');
    expect(await ClientLog.findOne({ kind: 'visit' }).lean()).toMatchObject({
      help: '讲解消防通道检查',
      problems: '交接班记录不全',
      competitors: '',
      day: '2026-11-27',
    });

    const shown = await talk(duizhang, '客户 万达物业');
    expect(shown).toContain('CN-20261127-001 送新排班表（2026-12-05 前，陈队长）');
    expect(shown).toMatch(/拜访（陈队长）：目的：了解夜班情况；接待：张经理（物业经理）/);
  });

  it('II.7 keeps reminding the owner every morning until the promise is marked done, by the numbered button', async () => {
    await talk(kefu, WANDA);
    await talk(
      duizhang,
      '拜访 万达物业\n拜访目的: 回访\n接待人: 张经理\n接待人职务: 跳过\n客户需求: 跳过\n发现的问题: 跳过\n指导和培训: 跳过\n客户异议及处理: 跳过\n竞争对手情况: 跳过\n潜在客户信息: 跳过\n对客户的承诺: 送新排班表 12月5日\n日期: 今天',
    );
    expect(await ClientPromise.countDocuments({ status: 'open' })).toBe(1);
    const before = wx.deliveredTo(duizhang.id).length;
    for (const day of ['2026-12-04', '2026-12-06']) {
      clock = morningOf(day);
      await sendMorningLists(bot.services);
    }
    const lists = await waitFor(() => {
      const l = wx
        .deliveredTo(duizhang.id)
        .slice(before)
        .filter((t) => t.includes('今日客户跟进'));
      return l.length === 2 ? l : undefined;
    }, 'two mornings of lists');
    expect(lists[1]).toContain('CN-20261127-001 万达物业：送新排班表（已逾期 1 天，陈队长）');
    expect(lists[1]).toContain('[1] 完成 CN-20261127-001');
    expect(await talk(duizhang, '1')).toContain('已标记承诺完成');
    clock = morningOf('2026-12-07');
    expect(await talk(duizhang, '今日跟进')).toContain('没有到期的客户跟进');
  });
});

describe('III.3.1.10 complaint follow-ups in the client owner’s daily list', () => {
  /** A complaint of 城北商场 (owned by 陈队长) told its result: its first follow-up is due on 12-04. */
  async function toldResult(): Promise<string> {
    const registered = await talk(kefu, `登记投诉\n${registrationLines({ name: '城北商场' })}`);
    const id = NUMBER_RE.exec(registered)![0];
    expect(await talk(kefu, '修改客户 城北商场\n负责人: 陈队长')).toContain('负责人：（空） → 陈队长');
    await talk(renfang, `调查 ${id}\n发生原因: 疲劳\n责任队员: 张三\n责任队长: 陈队长\n改善对策: 调整排班`);
    await talk(
      kefu,
      `处理投诉 ${id}\n是否合理: 合理\n处理方式: 更换夜班队员\n责任归属: 队员张三\n改善方案: 队长每晚查岗`,
    );
    expect(await talk(kefu, `告知结果 ${id}\n告知内容: 已更换队员\n告知方式: 电话\n告知日期: 今天`)).toContain(
      '已建立回访计划',
    );
    return id;
  }

  it('shows the complaint workflow’s planned follow-up to the owner of that client on its day', async () => {
    const id = await toldResult();
    clock = morningOf('2026-12-04');
    expect(await talk(duizhang, '今日跟进')).toContain(`${id} 城北商场 第 1 次回访：今天到期`);
    const before = wx.deliveredTo(duizhang.id).length;
    await sendMorningLists(bot.services);
    const list = await waitFor(
      () =>
        wx
          .deliveredTo(duizhang.id)
          .slice(before)
          .find((t) => t.includes('今日客户跟进')),
      'the morning list',
    );
    expect(list).toContain(`${id} 城北商场 第 1 次回访`);
    expect(list).toContain('回访 编号 满意/不满意 情况');
    expect((await Client.findOne({ name: '城北商场' }).lean())!.owner).toMatchObject({ name: '陈队长' });
  });

  it('a 跟进 by 客服部 is logged the same way and recorded once as that complaint follow-up; the owner’s list no longer shows it', async () => {
    const id = await toldResult();
    clock = morningOf('2026-12-04');
    expect(await talk(duizhang, '今日跟进')).toContain(`${id} 城北商场 第 1 次回访`);
    expect(await talk(kefu, '跟进 城北商场 赵总')).toContain('沟通了什么');
    expect(await talk(kefu, '夜班已改善')).toContain('哪天联系的');
    expect(await talk(kefu, '今天')).toContain('客户对投诉处理满意吗');
    const logged = await talk(kefu, '满意');
    expect(logged).toContain('已记录电话回访：城北商场');
    expect(logged).toContain(`已计入投诉 ${id} 第 1 次回访（满意）。还剩 1 次回访`);
    expect(await ClientLog.findOne({ clientName: '城北商场' }).lean()).toMatchObject({
      kind: 'call',
      reached: '赵总',
      complaintId: id,
      complaintSeq: 1,
    });
    expect(await talk(duizhang, '今日跟进')).not.toContain(id);
    expect(await talk(kefu, `投诉 ${id}`)).toMatch(
      /【回访1】2026-12-04 08:31 满意：电话回访，联系 赵总：夜班已改善（王客服）/,
    );
  });
});
