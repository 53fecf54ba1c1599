import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { eveningStep } from '../../../handlers/dorms/evening.ts';
import { HygieneEvaluation, RentReport } from '../../../handlers/dorms/models.ts';
import { dailyStep } from '../../../handlers/dorms/periodic.ts';
import { type DormWho, seedDormPeople, seedLeaders, sh } from '../../helpers/dorms.ts';
import { startTestBot, useTestBot } from '../../helpers/harness.ts';

let clock = sh('10:00');
let mark = 0;

const { bot, chat } = useTestBot('dorms_upkeep', {
  now: () => clock,
  seed: async () => {
    clock = sh('10:00');
    await seedLeaders(await seedDormPeople('console'));
    mark = chat.sent.length;
  },
});

const inbox = (who: DormWho) => chat.privately(who, mark);
const say = (who: DormWho, text: string, group = false) =>
  chat.say(who, text, group ? { chatId: 'group-1', isGroup: true } : {}).then((r) => r.join('\n'));
const ACCOUNT = '6222021234567890123';

describe('§3.3.2 hygiene evaluations against the §3.3.1 checklist', () => {
  it('a leader records one in a message; 综合部 records another by the guided form; 卫生评比 ranks the month', async () => {
    // #20: 陈队长 leads 城南宿舍, so his evaluation is a self-check; 刘队长's of the same dorm ranks it
    expect(await say('chen', '卫生检查 合格 合格 不合格 合格 合格 合格 80 床下有杂物')).toContain(
      '已记录 城南宿舍 2026-11-27 卫生评比：80 分；不合格：棉被二折四叠放床头中间',
    );
    expect(await say('liu', '卫生检查 城南宿舍 合格 合格 不合格 合格 合格 合格 80')).toContain(
      '已记录 城南宿舍 2026-11-27 卫生评比：80 分',
    );

    expect(await say('zonghe', '卫生检查 城北宿舍')).toContain('床铺平整清洁：合格还是不合格');
    expect(await say('zonghe', '还行')).toContain('请写 合格 或 不合格');
    for (let i = 0; i < 6; i++) await say('zonghe', '合格');
    await say('zonghe', '跳过');
    expect(await say('zonghe', '整洁')).toContain('城北宿舍 2026-11-27 卫生评比：100 分；全部合格');

    const evals = await HygieneEvaluation.find().sort({ at: 1 }).lean();
    expect(evals.map((e) => [e.dorm, e.score, e.inspector.name])).toEqual([
      ['城南宿舍', 80, '陈队长'],
      ['城南宿舍', 80, '刘队长'],
      ['城北宿舍', 100, '赵综合'],
    ]);
    const rank = await say('zonghe', '卫生评比 2026-11');
    expect(rank).toMatch(
      /1\. 城北宿舍：平均 100 分[\s\S]*2\. 城南宿舍：平均 80 分（1 次，不合格 1 项；另有队长自查 1 次，平均 80 分，不计入排名）[\s\S]*东区宿舍：本期未评比/,
    );
    expect(await say('zhangsan', '卫生检查 城南宿舍 合格 合格 合格 合格 合格 合格')).toContain('没有权限');
  });
});

describe('§3.3.2 hygiene photos', () => {
  it('keeps pictures sent right after an evaluation with it, once each', async () => {
    expect(await say('chen', '卫生检查 合格 合格 合格 合格 合格 合格')).toContain('现场照片可以直接发给我');
    const photo = (ref: string) =>
      chat.deliver({
        id: randomUUID(),
        channel: 'console',
        chat: { id: 'chen', isGroup: false },
        userId: 'chen',
        kind: 'message',
        text: '',
        attachments: [{ kind: 'image', ref }],
        receivedAt: clock,
      });
    expect((await photo('console:chuangpu.jpg')).join('\n')).toContain('已附到 城南宿舍');
    expect((await photo('console:chuangpu.jpg')).join('\n')).toContain('共 1 张');
    expect((await photo('console:beizi.jpg')).join('\n')).toContain('共 2 张');
    expect((await HygieneEvaluation.findOne({ dorm: '城南宿舍' }).lean())!.photos).toEqual([
      'console:chuangpu.jpg',
      'console:beizi.jpg',
    ]);
  });
});

describe('§3.3.4 rent reports', () => {
  const lines = (amount = '3500') =>
    `房租申报\n月份: 2026-11\n金额: ${amount}\n房东姓名: 王房东\n开户行: 工商银行城南支行\n账号: ${ACCOUNT}\n备注: 无`;
  /** A complete 房租申报 is money to be paid: it asks the one confirmation, and 1 files it (#21). */
  const report = async (text = lines(), via = say) => {
    expect(await via('chen', text)).toContain('回复 1 确认提交');
    return via('chen', '1');
  };

  it('reaches 综合部 and 财务部 with the account in full; the leader sees it masked; 财务部 marks it paid once; an amount change is flagged', async () => {
    // last month paid to the same landlord and account, so this one needs no 综合部 confirmation (rent-payee.test.ts)
    await RentReport.create({
      _id: '2026-10:城南宿舍',
      dorm: '城南宿舍',
      period: '2026-10',
      amountFen: 320000,
      landlord: '王房东',
      bank: '工商银行',
      account: ACCOUNT,
      reportedBy: { staffId: '', name: '陈队长' },
      reportedAt: sh('10:00'),
      paid: { method: '银行转账', date: '2026-10-05', by: { staffId: '', name: '孙财务' }, at: sh('10:00') },
    });
    const reply = await report();
    expect(reply).toContain('6222 **** **** 0123');
    expect(reply).not.toContain(ACCOUNT);
    const toFinance = inbox('caiwu').join('\n');
    expect(toFinance).toContain(ACCOUNT);
    expect(toFinance).toContain('与上月 ¥3200.00 不同，多 ¥300.00');
    expect(toFinance).toContain('[1] 已付款');
    expect(inbox('zonghe').join('\n')).toContain(ACCOUNT);
    expect(inbox('zonghe').join('\n')).not.toContain('已付款');

    expect(await say('chen', lines())).toContain('已经申报过');
    expect(await say('chen', '取消')).toContain('没有保存');
    expect(await say('chen', '房租已付 城南宿舍 2026-11')).toContain('没有权限');
    expect(await say('caiwu', '房租已付 城南宿舍 2026-11 刷卡')).toContain('付款方式「刷卡」不认识');
    // the number asks once, naming the dorm, month, amount and payee (#21); 1 确认 records it
    expect(await say('caiwu', '1')).toContain('确认登记已付款：城南宿舍 2026-11 房租 ¥3500.00，收款人');
    expect(await say('caiwu', '1')).toContain('已登记：城南宿舍 2026-11 房租 ¥3500.00');
    expect(await say('caiwu', '房租已付 城南宿舍 2026-11 现金')).toContain('没有重复登记');
    expect(inbox('chen').join('\n')).toContain('已于 2026-11-27 银行转账付给房东');
    const r = await RentReport.findById('2026-11:城南宿舍').lean();
    expect(r).toMatchObject({
      amountFen: 350000,
      changed: true,
      paid: { method: '银行转账', date: '2026-11-27', by: { name: '孙财务' } },
    });
  });

  it('refuses a month already reported at the 月份 question, before amount, landlord and account', async () => {
    await report();
    expect(await say('chen', '房租申报')).toContain('房租月份');
    const again = await say('chen', '2026-11');
    expect(again).toContain('已经申报过');
    expect(again).toContain('房租月份');
    expect(again).not.toContain('房租金额');
  });

  it('is not taken in a group chat, where the account would be seen by everyone', async () => {
    expect(await say('chen', '/房租申报', true)).toContain('请私聊我');
    expect(await say('chen', '房租申报')).toContain('房租月份');
  });

  it('房租记录 shows the account in full to 财务部 in private only, masked in a group', async () => {
    await report();
    expect(await say('caiwu', '房租记录 2026-11')).toContain(ACCOUNT);
    const inGroup = await say('caiwu', '/房租记录 2026-11', true);
    expect(inGroup).toContain('6222 **** **** 0123');
    expect(inGroup).not.toContain(ACCOUNT);
  });

  it('never writes the account number to the log, even at trace level', async () => {
    const logged: string[] = [];
    const log = pino({ level: 'trace' }, { write: (s: string) => void logged.push(s) });
    const other = await startTestBot({ now: () => clock, log });
    try {
      await report(lines(), (who, text) => other.receiver.say(who, text).then((r) => r.join('\n')));
      expect(await RentReport.countDocuments()).toBe(1);
      expect(logged.join('')).toContain('rent reported');
      expect(logged.join('')).not.toContain(ACCOUNT);
    } finally {
      await other.bot.stop();
    }
  });

  it('reminds leaders on the reminder day and escalates dorms without a report on the escalation day, once each', async () => {
    clock = new Date('2026-12-01T09:00:00+08:00');
    await report(lines().replace('2026-11', '2026-12'));
    const first = await dailyStep(bot.services, clock);
    expect(first.rentReminded).toEqual(['城北宿舍']);
    expect(inbox('liu').some((t) => t.includes('请申报 城北宿舍 2026-12 的房租'))).toBe(true);
    expect((await dailyStep(bot.services, new Date('2026-12-01T09:01:00+08:00'))).rentReminded).toEqual([]);
    const esc = await dailyStep(bot.services, new Date('2026-12-10T09:00:00+08:00'));
    expect(esc.rentEscalated.sort()).toEqual(['东区宿舍', '城北宿舍']);
    expect(inbox('zonghe').filter((t) => t.includes('房租还没有申报'))).toHaveLength(1);
  });
});

describe('§3.3.3 the weekly summary to 综合部', () => {
  it('on the summary day gives on-time rates, absences per person, repeat cases and dorms never reported, once', async () => {
    const evening = async (day: number, report: (() => Promise<unknown>) | null) => {
      clock = new Date(`2026-11-${day}T21:45:00+08:00`);
      await eveningStep(bot.services, clock);
      if (report) {
        clock = new Date(`2026-11-${day}T22:05:00+08:00`);
        await report();
      }
    };
    await evening(23, () => say('chen', '查房 未归 张三'));
    await evening(24, () => say('chen', '查房 未归 张三 请假 李四'));
    await evening(25, () => say('chen', '查房 全到'));
    await evening(26, null);
    // #20: the ranking uses 综合部's evaluation, not the dorm leader's own
    await say('zonghe', '卫生检查 城南宿舍 合格 合格 合格 合格 合格 合格 95');
    clock = new Date('2026-11-30T08:59:00+08:00');
    expect((await dailyStep(bot.services, clock)).summary).toBe(false);
    clock = new Date('2026-11-30T09:00:00+08:00');
    expect((await dailyStep(bot.services, clock)).summary).toBe(true);
    expect((await dailyStep(bot.services, new Date('2026-11-30T09:01:00+08:00'))).summary).toBe(false);
    const summaries = inbox('zonghe').filter((t) => t.includes('宿舍查房周报'));
    expect(summaries).toHaveLength(1);
    const s = summaries[0]!;
    expect(s).toContain('城南宿舍：75%（按时 3，迟报 0，未报 1，共 4 晚）');
    expect(s).toContain('城北宿舍：0%');
    expect(s).toContain('张三（城南宿舍）：未归 2 次');
    expect(s).not.toContain('李四（城南宿舍）：未归');
    expect(s).toContain('【多次未归】张三（2 次）');
    expect(s).toContain('【整周未上报】城北宿舍');
    expect(s).toMatch(/【卫生评比】\n1\. 城南宿舍：平均 95 分/);
  });
});
