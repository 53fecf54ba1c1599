import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../../../handlers/clients/models.ts';
import { Complaint } from '../../../handlers/complaints/models.ts';
import { complaintSweep, sweepComplaints } from '../../../schedules/complaints.ts';
import { Bot } from '../../../src/bot.ts';
import { loadConfig } from '../../../src/config.ts';
import { compose } from '../../../src/core/workflow.ts';
import { composition, installed } from '../../../src/workflows.ts';
import { NUMBER_RE, PEOPLE, registrationLines, seedPeople } from '../../helpers/complaints.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, silentLog, startTestBot, testConfig } from '../../helpers/harness.ts';

useDatabase('complaints');

let bot: Bot;
let chat: MemoryReceiver;
let clock = new Date('2026-11-27T02:00:00Z');
const H = 3600_000;
const config = testConfig({
  COMPLAINT_LIMIT_HOURS_FEE_DEDUCTION: '24',
  COMPLAINT_LIMIT_HOURS_GENERAL: '72',
  COMPLAINT_REMIND_BEFORE_HOURS: '6',
  COMPLAINT_FOLLOWUP_DAYS: '7,30',
});

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ config, now: () => clock }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  clock = new Date('2026-11-27T02:00:00Z');
  await seedPeople('console');
});

/** What went privately to `who` (notifications) since `from`. */
function inbox(who: string, from = 0): string[] {
  return chat.privately(who, from);
}

async function register(lines = registrationLines(), who = 'kefu'): Promise<string> {
  const replies = await chat.say(who, `登记投诉\n${lines}`);
  const id = NUMBER_RE.exec(replies.join('\n'))?.[0];
  expect(id, replies.join('\n')).toBeDefined();
  return id!;
}

async function investigateAndDecide(id: string, fee = false) {
  await chat.say(
    'renfang',
    `调查 ${id}\n发生原因: 队员连续上夜班疲劳\n责任队员: 张三\n责任队长: 陈队长\n改善对策: 调整排班`,
  );
  const lines = `处理投诉 ${id}\n是否合理: 合理\n处理方式: 更换夜班队员\n责任归属: 队员张三\n改善方案: 每晚队长查岗两次${fee ? '\n扣款金额: 500\n扣款月份: 2026-11' : ''}`;
  return chat.say('kefu', lines);
}

describe('§4.1 registration (客户投诉登记表)', () => {
  it('a command typed at 客户地址 (投诉列表 2026-13) is not taken as the address: it asks whether to leave the form', async () => {
    await chat.say('kefu', '登记投诉');
    await chat.say('kefu', '城北商场');
    const [ask] = await chat.say('kefu', '投诉列表 2026-13');
    expect(ask).toContain('要退出「客户投诉登记表」去执行它吗');
    const [listed] = await chat.say('kefu', '1').then((r) => r.slice(1));
    expect(listed).toContain('日期「2026-13」看不懂');
    expect(await Complaint.countDocuments()).toBe(0);
  });

  it('registers a complaint sent as one message, numbers it TS-<date>-001, fills 投诉受理 and 受理日期, and tells 人防部', async () => {
    const start = chat.sent.length;
    const id = await register();
    expect(id).toBe('TS-20261127-001');
    const c = await Complaint.findById(id).lean();
    expect(c).toMatchObject({
      status: 'registered',
      clientName: '万达物业',
      clientAddress: '城南路 1 号',
      clientPhone: '13712345678',
      reason: '夜班队员在岗睡觉',
      demand: '更换队员',
      category: 'general',
      type: '脱岗睡岗',
      acceptedBy: { name: PEOPLE.kefu.name },
      remark: '无',
    });
    expect(c!.acceptedAt).toEqual(clock);
    expect(c!.dueAt).toEqual(new Date(clock.getTime() + 72 * H));
    const told = inbox('renfang', start);
    expect(told.join('\n')).toContain(`新投诉待调查：${id}`);
    expect(told.join('\n')).toContain('[1] 记录调查');
    // the client is now in the client records
    expect(await Client.findOne({ name: '万达物业' }).lean()).toMatchObject({ phone: '13712345678' });
  });

  it('gives two registrations at the same moment different numbers', async () => {
    const [a, b] = await Promise.all([
      register(registrationLines({ name: '甲公司' }), 'kefu'),
      register(registrationLines({ name: '乙公司' }), 'kefu2'),
    ]);
    expect(a).not.toBe(b);
    expect(new Set([a, b])).toEqual(new Set(['TS-20261127-001', 'TS-20261127-002']));
    expect(await Complaint.countDocuments()).toBe(2);
  });

  it('asks only for what is missing in the guided form; a bad phone or unknown category is refused and nothing is saved until right', async () => {
    const [first] = await chat.say('kefu', '登记投诉\n投诉客户名称: 华联超市\n电话: 12345');
    expect(first).toContain('电话号码不对');
    expect(first).toContain('请输入客户地址');
    expect((await chat.say('kefu', '华联路 8 号'))[0]).toContain('客户电话');
    expect((await chat.say('kefu', '0571-123'))[0]).toContain('电话号码不对');
    expect((await chat.say('kefu', '0571-88886666'))[0]).toContain('投诉缘由');
    await chat.say('kefu', '队员态度差');
    expect((await chat.say('kefu', '道歉'))[0]).toContain('分类');
    const [badCat] = await chat.say('kefu', '严重');
    expect(badCat).toContain('分类「严重」不认识');
    expect(await Complaint.countDocuments()).toBe(0);
    expect((await chat.say('kefu', '扣服务费'))[0]).toContain('投诉类型');
    const [badType] = await chat.say('kefu', '打架');
    expect(badType).toContain('不在列表中');
    await chat.say('kefu', '3');
    const done = await chat.say('kefu', '跳过');
    expect(done.join('\n')).toMatch(NUMBER_RE);
    const c = await Complaint.findOne().lean();
    expect(c).toMatchObject({
      clientName: '华联超市',
      clientPhone: '0571-88886666',
      category: 'fee_deduction',
      type: '服务态度',
    });
    expect(c!.dueAt).toEqual(new Date(clock.getTime() + 24 * H));
  });

  it('does not take 「跳过」 as the 投诉缘由: a required field says it cannot be skipped and asks again', async () => {
    await chat.say('kefu', '登记投诉\n投诉客户名称: 华联超市\n客户地址: 华联路 8 号\n电话: 0571-88886666');
    const [skipped] = await chat.say('kefu', '跳过');
    expect(skipped).toContain('投诉缘由是必填项，不能跳过');
    expect(skipped).toContain('请输入投诉缘由');
    await chat.say('kefu', '队员态度差');
    for (const answer of ['道歉', '一般性', '3', '跳过']) await chat.say('kefu', answer);
    expect(await Complaint.findOne().lean()).toMatchObject({ reason: '队员态度差', demand: '道歉' });
  });

  it('refuses 「跳过」 for a required field in a one-message form too, and saves nothing', async () => {
    const replies = await chat.say('kefu', `登记投诉\n${registrationLines({ reason: '跳过' })}`);
    expect(replies.join('\n')).toContain('投诉缘由是必填项，不能跳过');
    expect(await Complaint.countDocuments()).toBe(0);
  });

  it('stores free text as typed, full-width punctuation kept (「嫌价格高，已解释」, not 「嫌价格高,已解释」)', async () => {
    await register(registrationLines({ reason: '嫌价格高，已解释：客户仍不满意！', remark: '（加急）' }));
    await chat.say('kefu', '登记投诉\n投诉客户名称: 华联超市\n客户地址: 华联路８号，二楼\n电话: 0571-88886666');
    await chat.say('kefu', '队员态度差；还顶嘴。');
    for (const answer of ['道歉', '一般性', '3', '跳过']) await chat.say('kefu', answer);
    const [first, second] = await Complaint.find().sort({ _id: 1 }).lean();
    expect(first).toMatchObject({ reason: '嫌价格高，已解释：客户仍不满意！', remark: '（加急）' });
    expect(second).toMatchObject({ clientAddress: '华联路８号，二楼', reason: '队员态度差；还顶嘴。' });
  });

  it('masks a phone typed into the 投诉缘由 on the submitted form card shown in a group', async () => {
    const form = {
      clientName: '华联超市',
      clientPhone: '0571-88886666',
      reason: '客户张经理 13712345678 说队员睡岗',
      demand: '道歉',
      category: '一般性',
      type: '3',
    };
    const shown = (
      await chat.click(
        'kefu',
        'form.submit',
        { form: 'complaints.register' },
        { chatId: 'group-1', isGroup: true, form },
      )
    ).join('\n');
    expect(await Complaint.countDocuments()).toBe(1);
    expect(shown).toContain('137****5678');
    expect(shown).not.toContain('13712345678');
  });

  it('picks a client already on record instead of retyping name, address and phone', async () => {
    await Client.create({ name: '万达物业管理有限公司', address: '城南路 1 号', phone: '13712345678' });
    const [picked] = await chat.say('duizhang', '登记投诉 万达物业');
    expect(picked).toContain('没填的从档案带出，填了的以你填的为准');
    // the phone on record is not echoed into the form (it may be a group): skipping it takes the record's
    const replies = [];
    for (const answer of ['跳过', '队员不在岗', '加强巡查', '一般', '2', '跳过'])
      replies.push(...(await chat.say('duizhang', answer)));
    expect(replies.join('\n')).toMatch(NUMBER_RE);
    expect(await Complaint.findOne().lean()).toMatchObject({
      clientName: '万达物业管理有限公司',
      clientAddress: '城南路 1 号',
      clientPhone: '13712345678',
      acceptedBy: { name: PEOPLE.duizhang.name },
    });
  });

  it('never replaces a typed phone with the one on record: a bad one is refused with its error, a good one wins', async () => {
    await Client.create({ name: '万达物业', address: '城南路 1 号', phone: '13700000000' });
    const bad = await chat.say('kefu', `登记投诉\n${registrationLines({ phone: '12345' })}`);
    expect(bad.join('\n')).toContain('电话号码不对');
    expect(await Complaint.countDocuments()).toBe(0);
    await chat.say('kefu', '取消');
    await chat.say('kefu', `登记投诉\n${registrationLines({ phone: '13711112222' })}`);
    expect(await Complaint.findOne().lean()).toMatchObject({ clientPhone: '13711112222' });
  });

  it('registers against the client as typed where the clients workflow is not installed (no client records to fill from or add to)', async () => {
    const withoutClients = compose(installed.filter((i) => i.workflow.name !== 'clients'));
    const { bot: other, receiver } = await startTestBot({
      config: loadConfig({ BOT_CONSOLE: 'off', HTTP_PORT: '0' }, withoutClients.settings),
      workflows: withoutClients,
      now: () => clock,
    });
    try {
      const replies = await receiver.say('kefu', `登记投诉\n${registrationLines()}`);
      const id = NUMBER_RE.exec(replies.join('\n'))?.[0];
      expect(id, replies.join('\n')).toBeDefined();
      expect(await Complaint.findById(id).lean()).toMatchObject({
        clientName: '万达物业',
        clientId: '',
        clientPhone: '13712345678',
      });
      expect(await Client.countDocuments()).toBe(0);
    } finally {
      await other.stop();
    }
  });

  it('refuses registration by someone who is neither 客服部 nor 队长', async () => {
    const [reply] = await chat.say('zhangsan', `登记投诉\n${registrationLines()}`);
    expect(reply).toContain('没有权限');
    expect(await Complaint.countDocuments()).toBe(0);
  });
});

describe('§4.2 telling the client it is being handled', () => {
  it('records it once when the button is pressed twice at the same moment; the second is told who did it', async () => {
    const id = await register();
    const [a, b] = await Promise.all([
      chat.click('kefu', 'complaints.told', { id }),
      chat.click('kefu2', 'complaints.told', { id }),
    ]);
    const all = [...a, ...b].join('\n');
    expect(all).toContain('已记录：客户已被告知');
    expect(all).toMatch(/(王客服|周客服) 已在 .*「确认已告知客户受理」|已经确认过告知客户/);
    const c = await Complaint.findById(id).lean();
    expect(c!.clientToldAt).not.toBeNull();
    expect(c!.history.filter((h) => h.action === '确认已告知客户受理')).toHaveLength(1);
  });
});

describe('§3.2 investigation and §3.1.5 handling', () => {
  it('does not let a wrong-role person investigate', async () => {
    const id = await register();
    const [byKefu] = await chat.say('kefu', `调查 ${id}`);
    expect(byKefu).toContain('没有权限');
    const [byButton] = await chat.click('duizhang', 'complaints.investigate', { id });
    expect(byButton).toContain('没有权限');
    expect((await Complaint.findById(id).lean())!.status).toBe('registered');
  });

  it('lets 人防部 record cause, responsible guard and team leader from the staff directory, and measures', async () => {
    const id = await register();
    const start = chat.sent.length;
    const [q1] = await chat.click('renfang', 'complaints.investigate', { id });
    expect(q1).toContain('发生原因');
    await chat.say('renfang', '队员连续上夜班疲劳');
    const [notStaff] = await chat.say('renfang', '王麻子');
    expect(notStaff).toContain('人员名单里没有「王麻子」');
    await chat.say('renfang', '张三、李四');
    await chat.say('renfang', '陈队长');
    const [done] = await chat.say('renfang', '调整排班，队长每晚查岗');
    expect(done).toContain(`调查已记录：${id}`);
    const c = await Complaint.findById(id).lean();
    expect(c!.status).toBe('investigated');
    expect(c!.investigation).toMatchObject({
      cause: '队员连续上夜班疲劳',
      guards: ['张三', '李四'],
      teamLeader: '陈队长',
      measures: '调整排班，队长每晚查岗',
      by: { name: PEOPLE.renfang.name },
    });
    expect(inbox('kefu', start).join('\n')).toContain(`调查完成，待拟定处理：${id}`);
  });

  it('asks a 扣服务费 decision for the amount and month deducted', async () => {
    const id = await register(registrationLines({ category: '扣服务费' }));
    const replies = await investigateAndDecide(id, false);
    expect(replies.join('\n')).toContain('扣服务费');
    expect(replies.join('\n')).toContain('金额');
    await chat.say('kefu', '五百');
    await chat.say('kefu', '500');
    const [done] = await chat.say('kefu', '2026年11月');
    expect(done).toContain(`处理已拟定：${id}`);
    expect((await Complaint.findById(id).lean())!.decision).toMatchObject({
      deductionFen: 50000,
      deductionMonth: '2026-11',
      reasonable: true,
      handling: '更换夜班队员',
    });
  });

  it('§3.1.6 records whether the improvement worked', async () => {
    const id = await register();
    await investigateAndDecide(id);
    const [bad] = await chat.say('kefu', `改善效果 ${id} 还行`);
    expect(bad).toContain('有效');
    const [ok] = await chat.say('kefu', `改善效果 ${id} 有效 客户反映夜班正常`);
    expect(ok).toContain('有效');
    expect((await Complaint.findById(id).lean())!.effect).toMatchObject({ effective: true, note: '客户反映夜班正常' });
  });
});

describe('§3.1.9 result and §3.1.10 follow-ups', () => {
  it('a follow-up plan closes the case when it is done, and a wrong-role person cannot close it', async () => {
    const id = await register();
    // §4.2: only a case whose client was told it is handled can close (#20)
    await chat.say('kefu', `已告知 ${id}`);
    await investigateAndDecide(id);
    const [told] = await chat.say(
      'kefu',
      `告知结果 ${id}\n告知内容: 已更换夜班队员并加强查岗\n告知方式: 电话\n告知日期: 今天`,
    );
    expect(told).toContain('已建立回访计划');
    let c = await Complaint.findById(id).lean();
    expect(c!.status).toBe('following_up');
    expect(c!.result).toMatchObject({ toldOn: '2026-11-27', via: '电话', content: '已更换夜班队员并加强查岗' });
    expect(c!.followUps.map((f) => f.dueAt)).toEqual([
      new Date(clock.getTime() + 7 * 24 * H),
      new Date(clock.getTime() + 30 * 24 * H),
    ]);

    const [wrong] = await chat.say('renfang', `回访 ${id} 满意`);
    expect(wrong).toContain('没有权限');

    clock = new Date(clock.getTime() + 7 * 24 * H);
    const [first] = await chat.say('kefu', `回访 ${id} 满意 夜班已正常`);
    expect(first).toContain('还剩 1 次回访');
    expect((await Complaint.findById(id).lean())!.status).toBe('following_up');

    await chat.say('kefu', `改善效果 ${id} 有效 查岗已落实`);
    clock = new Date(clock.getTime() + 23 * 24 * H);
    const [last] = await chat.say('kefu', `回访 ${id} 满意`);
    expect(last).toContain('投诉已结案');
    c = await Complaint.findById(id).lean();
    expect(c!.status).toBe('closed');
    expect(c!.followUps.every((f) => f.doneAt)).toBe(true);

    const [again] = await chat.say('kefu', `回访 ${id} 满意`);
    expect(again).toContain('已结案');

    const [noReason] = await chat.say('kefu', `重开投诉 ${id}`);
    expect(noReason).toContain('原因');
    const [reopened] = await chat.say('kefu', `重开投诉 ${id} 问题再次发生`);
    expect(reopened).toContain('投诉已重开');
    expect((await Complaint.findById(id).lean())!.status).toBe('registered');
  });

  it('plans the follow-ups from the 告知日期 typed, even when 告知结果 is recorded a day later (§3.1.10)', async () => {
    const id = await register();
    await investigateAndDecide(id);
    const toldAt = clock;
    // told on the phone on 11-27, recorded the next morning
    clock = new Date(clock.getTime() + 24 * H);
    const [told] = await chat.say(
      'kefu',
      `告知结果 ${id}\n告知内容: 已更换夜班队员\n告知方式: 电话\n告知日期: 2026-11-27`,
    );
    expect(told).toContain('已建立回访计划');
    const c = await Complaint.findById(id).lean();
    expect(c!.result).toMatchObject({ toldOn: '2026-11-27' });
    expect(c!.followUps.map((f) => f.dueAt)).toEqual([
      new Date(toldAt.getTime() + 7 * 24 * H),
      new Date(toldAt.getTime() + 30 * 24 * H),
    ]);
    // 7 days after the day told, the follow-up is due: customer service is reminded
    clock = new Date(toldAt.getTime() + 7 * 24 * H);
    expect((await sweepComplaints(bot.services)).followUps).toEqual([id]);
  });

  it('refuses a 告知日期 before the case was accepted (§3.1.10), naming the 受理日期, and asks for it again', async () => {
    const id = await register();
    await investigateAndDecide(id);
    const replies = await chat.say(
      'kefu',
      `告知结果 ${id}\n告知内容: 已更换夜班队员\n告知方式: 电话\n告知日期: 2026-01-01`,
    );
    const text = replies.join('\n');
    expect(text).toContain('早于受理日期 2026-11-27');
    expect(replies.at(-1)).toContain('告知日期');
    let c = await Complaint.findById(id).lean();
    expect(c!.status).toBe('decided');
    expect(c!.result).toBeNull();
    expect(c!.followUps).toEqual([]);
    // only 告知日期 was asked again: the rest of the form is kept
    const [saved] = await chat.say('kefu', '今天');
    expect(saved).toContain('已建立回访计划');
    c = await Complaint.findById(id).lean();
    expect(c!.result).toMatchObject({ toldOn: '2026-11-27', content: '已更换夜班队员', via: '电话' });
  });

  it('reads 告知结果 typed on one line (the console) and asks again only a 告知日期 before acceptance, keeping the rest', async () => {
    const id = await register();
    await investigateAndDecide(id);
    const replies = await chat.say(
      'kefu',
      `告知结果 ${id} 告知内容: 已更换夜班队员，并加强查岗 告知方式: 电话 告知日期: 2026-01-01`,
    );
    expect(replies.join('\n')).toContain('早于受理日期 2026-11-27');
    expect(replies.join('\n')).not.toContain('没有保存');
    expect(replies.at(-1)).toContain('告知日期');
    const [saved] = await chat.say('kefu', '今天');
    expect(saved).toContain('已建立回访计划');
    expect((await Complaint.findById(id).lean())!.result).toMatchObject({
      toldOn: '2026-11-27',
      content: '已更换夜班队员，并加强查岗',
      via: '电话',
    });
  });

  it('refuses a 告知日期 in the future, naming today, and asks for it again (§3.1.9)', async () => {
    const id = await register();
    await investigateAndDecide(id);
    const replies = await chat.say(
      'kefu',
      `告知结果 ${id}\n告知内容: 已更换夜班队员\n告知方式: 电话\n告知日期: 2026-11-28`,
    );
    expect(replies.join('\n')).toContain('告知日期 2026-11-28 晚于今天（2026-11-27）');
    expect(replies.at(-1)).toContain('告知日期');
    expect((await Complaint.findById(id).lean())!).toMatchObject({ status: 'decided', result: null, followUps: [] });
    const [saved] = await chat.say('kefu', '11月27日');
    expect(saved).toContain('已建立回访计划');
    expect((await Complaint.findById(id).lean())!.result).toMatchObject({ toldOn: '2026-11-27' });
  });

  it('reads 告知日期 as people type it (昨天) and refuses what is no date', async () => {
    const id = await register();
    await investigateAndDecide(id);
    clock = new Date(clock.getTime() + 24 * H);
    const [bad] = await chat.say('kefu', `告知结果 ${id}\n告知内容: 已更换夜班队员\n告知方式: 电话\n告知日期: 上周`);
    expect(bad).toContain('告知日期请写成 2026-11-27');
    expect((await Complaint.findById(id).lean())!.status).toBe('decided');
    const [saved] = await chat.say('kefu', '昨天');
    expect(saved).toContain('已建立回访计划');
    expect((await Complaint.findById(id).lean())!.result).toMatchObject({ toldOn: '2026-11-27' });
  });

  it('shows the whole record with its audit trail (who, when, what)', async () => {
    const id = await register();
    await investigateAndDecide(id);
    const [record] = await chat.say('xingzheng', `投诉 ${id}`);
    expect(record).toContain('—— 记录 ——');
    expect(record).toMatch(/2026-11-27 10:00 王客服 登记投诉/);
    expect(record).toContain('刘人防 记录调查：原因：队员连续上夜班疲劳');
    expect(record).toContain('王客服 拟定处理');
  });
});

describe('§4.5 签呈', () => {
  it('a department files a 签呈; the result waits; the chairman changes the handling and it is recorded', async () => {
    const id = await register();
    await investigateAndDecide(id);
    const start = chat.sent.length;
    const [filed] = await chat.say('renfang', `签呈 ${id} 张三当晚发烧，责任不在队员`);
    expect(filed).toContain('签呈已提交');
    expect(inbox('dongshi', start).join('\n')).toContain(`签呈待决定：${id}`);
    const [blocked] = await chat.say('kefu', `告知结果 ${id}`);
    expect(blocked).toContain('签呈正在等待决定');
    const [refused] = await chat.say('kefu', `签呈决定 ${id} 维持`);
    expect(refused).toContain('没有权限');
    await chat.say('dongshi', `签呈决定 ${id} 改为 不处罚队员，调整排班`);
    const c = await Complaint.findById(id).lean();
    expect(c!.appeal).toMatchObject({
      status: 'changed',
      ruling: '不处罚队员，调整排班',
      ruledBy: { name: PEOPLE.dongshi.name },
    });
    expect(c!.decision!.handling).toBe('不处罚队员，调整排班');
  });
});

describe('§3.1.3 time limits and escalation', () => {
  it('reminds the owner before the limit, and escalates an overdue 扣服务费 complaint exactly once (two schedulers, two runs)', async () => {
    const id = await register(registrationLines({ category: '扣服务费' }));
    const start = chat.sent.length;
    clock = new Date(clock.getTime() + 19 * H);
    const r1 = await sweepComplaints(bot.services);
    expect(r1.reminded).toEqual([id]);
    expect(inbox('renfang', start).join('\n')).toContain(`投诉即将超时：${id}`);

    clock = new Date(clock.getTime() + 6 * H);
    // a second instance on the same database, sending through the same channel (not started: its scheduler stays idle)
    const other = new Bot({
      config,
      log: silentLog,
      receivers: [chat],
      workflows: composition,
      jobs: [],
      now: () => clock,
    });
    const runs = await Promise.all([
      complaintSweep.run({ ...bot.services, recoverInbox: async () => 0 }, clock),
      complaintSweep.run({ ...other.services, recoverInbox: async () => 0 }, clock),
    ]);
    expect(runs).toHaveLength(2);
    await sweepComplaints(bot.services);
    const c = await Complaint.findById(id).lean();
    expect(c!.overdueAt).toEqual(clock);
    expect(c!.history.filter((h) => h.action === '逾期上报')).toHaveLength(1);
    expect(inbox('zonghe', start).filter((t) => t.includes(`投诉逾期：${id}`))).toHaveLength(1);
    expect(inbox('kefu', start).filter((t) => t.includes(`投诉逾期：${id}`))).toHaveLength(1);
    // 综合部 is not 客服部/人防部: the client's phone is masked for them
    expect(inbox('zonghe', start).join('\n')).toContain('137****5678');

    const [overdue] = await chat.say('zonghe', '逾期投诉');
    expect(overdue).toContain(id);
  });

  it('masks the client phone in a reminder to a 队长 who registered the case, and shows it to 人防部', async () => {
    const id = await register(registrationLines({ category: '扣服务费' }), 'duizhang');
    // §4.1: a 队长's registration runs no clock until 客服部 accepts it (#20)
    await chat.say('kefu', `确认投诉 ${id}`);
    const start = chat.sent.length;
    clock = new Date(clock.getTime() + 19 * H);
    expect((await sweepComplaints(bot.services)).reminded).toEqual([id]);
    const leader = inbox('duizhang', start).join('\n');
    expect(leader).toContain(`投诉即将超时：${id}`);
    expect(leader).toContain('137****5678');
    expect(leader).not.toContain('13712345678');
    expect(inbox('renfang', start).join('\n')).toContain('13712345678');
  });

  it('reads only the cases that are due', async () => {
    const id = await register();
    clock = new Date(clock.getTime() + 1 * H);
    expect(await sweepComplaints(bot.services)).toEqual({
      reminded: [],
      escalated: [],
      followUps: [],
      ackReminded: [],
    });
    expect((await Complaint.findById(id).lean())!.version).toBe(0);
  });
});

describe('looking things up', () => {
  it('masks the client phone in a group and shows it in full only privately to 客服部 and 人防部', async () => {
    const id = await register();
    const [group] = await chat.say('kefu', `投诉 ${id}`, { chatId: 'group-1', isGroup: true });
    expect(group).toContain('137****5678');
    expect(group).not.toContain('13712345678');
    expect((await chat.say('kefu', `投诉 ${id}`))[0]).toContain('13712345678');
    expect((await chat.say('renfang', `投诉 ${id}`))[0]).toContain('13712345678');
    expect((await chat.say('xingzheng', `投诉 ${id}`))[0]).toContain('137****5678');
  });

  it('masks a phone typed into the 投诉缘由 and 备注 (spaces, dashes, brackets) when the card is read in a group', async () => {
    const id = await register(
      registrationLines({
        phone: '0755-8888-6666',
        reason: '队员态度差，业主 137 0000 3333 多次投诉',
        remark: '回电 (0755)8888 7777',
      }),
    );
    const [group] = await chat.say('kefu', `投诉 ${id}`, { chatId: 'group-1', isGroup: true });
    for (const masked of ['0755-****6666', '137****3333', '0755-****7777']) expect(group).toContain(masked);
    for (const full of ['88886666', '137 0000 3333', '8888 7777']) expect(group).not.toContain(full);
    // the case number and the dates on the card are not phones
    expect(group).toContain(id);
    // in private, 客服部 reads them as they were typed
    const own = (await chat.say('kefu', `投诉 ${id}`))[0]!;
    expect(own).toContain('业主 137 0000 3333 多次投诉');
    expect(own).toContain('0755-88886666');
  });

  it('lists by status, category, client and date range, and 我的待办 shows what waits on the sender', async () => {
    const a = await register(registrationLines({ name: '甲公司' }));
    clock = new Date('2026-11-28T02:00:00Z');
    const b = await register(registrationLines({ name: '乙公司', category: '扣服务费' }));
    await investigateAndDecide(b, true);

    expect((await chat.say('kefu', '投诉列表 待调查'))[0]).toContain(a);
    expect((await chat.say('kefu', '投诉列表 待调查'))[0]).not.toContain(b);
    expect((await chat.say('kefu', '投诉列表 扣服务费'))[0]).toContain(b);
    expect((await chat.say('kefu', '投诉列表 甲公司'))[0]).not.toContain(b);
    const [range] = await chat.say('kefu', '投诉列表 2026-11-27~2026-11-27');
    expect(range).toContain(a);
    expect(range).not.toContain(b);
    expect((await chat.say('kefu', '投诉列表 2026-13-01~2026-13-02'))[0]).toContain('看不懂');

    expect((await chat.say('renfang', '我的待办'))[0]).toContain(a);
    const [kefuTodo] = await chat.say('kefu', '我的待办');
    expect(kefuTodo).toContain('待告知客户结果');
    expect(kefuTodo).toContain(b);
    // 张三 was named responsible (§3.2.3): his only to-do is to confirm he has seen it
    expect((await chat.say('zhangsan', '我的待办'))[0]).toContain('待你确认已阅');
    await chat.say('zhangsan', `已阅 ${b}`);
    expect((await chat.say('zhangsan', '我的待办'))[0]).toContain('没有待办');
  });

  it('投诉列表 全部 lists every complaint (全部 is no client name, as in 客户列表 全部); 我的 and 本月/上月 read the same as in every list', async () => {
    const a = await register(registrationLines({ name: '甲公司' }));
    clock = new Date('2026-12-02T02:00:00Z');
    const b = await register(registrationLines({ name: '乙公司' }), 'duizhang');
    const [all] = await chat.say('kefu', '投诉列表 全部');
    expect(all).toContain(a);
    expect(all).toContain(b);
    expect(all).not.toContain('客户「全部」');
    const [mine] = await chat.say('kefu', '投诉列表 我的');
    expect(mine).toContain(a);
    expect(mine).not.toContain(b);
    const [thisMonth] = await chat.say('kefu', '投诉列表 本月');
    expect(thisMonth).toContain(b);
    expect(thisMonth).not.toContain(a);
    const [lastMonth] = await chat.say('kefu', '投诉列表 上月 待调查');
    expect(lastMonth).toContain(a);
    expect(lastMonth).not.toContain(b);
  });

  it('answers a malformed or unknown number with a clear message', async () => {
    expect((await chat.say('kefu', '投诉 abc'))[0]).toContain('不是受理编号');
    expect((await chat.say('kefu', '投诉 TS-20261127-999'))[0]).toContain('没有找到');
  });

  it('lets the admin change the 投诉类型 list used by registration', async () => {
    await chat.say('xingzheng', '设置投诉类型 迟到早退、仪容不整');
    expect((await chat.say('kefu', '投诉类型'))[0]).toContain('2. 仪容不整');
    const [reply] = await chat.say('kefu', `登记投诉\n${registrationLines({ type: '脱岗睡岗' })}`);
    expect(reply).toContain('不在列表中');
  });
});
