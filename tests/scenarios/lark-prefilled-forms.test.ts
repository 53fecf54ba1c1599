import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client, ClientLog, ClientPromise } from '../../handlers/clients/models.ts';
import { Complaint } from '../../handlers/complaints/models.ts';
import { HygieneEvaluation, RentReport, rentId } from '../../handlers/dorms/models.ts';
import { ReimbursementDraft } from '../../handlers/reimbursements/models.ts';
import { Accident, Inspection, Permit, Trip, Vehicle } from '../../handlers/vehicles/models.ts';
import { Staff } from '../../src/models/index.ts';
import { seedPeople as seedComplaintPeople } from '../helpers/complaints.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { seedDormPeople, seedLeaders } from '../helpers/dorms.ts';
import { type LarkBot, p2p, startLarkBot } from '../helpers/lark-bot.ts';
import { findButtonValue, formAsShown, formInputNames } from '../helpers/lark-standin.ts';
import { seedPeople as seedClaimants } from '../helpers/reimbursement-people.ts';
import { seedPeople as seedVehiclePeople } from '../helpers/vehicles.ts';

/*
 * Issue #18: on Lark a one-message form answered with a form card prefilled with what was typed, and
 * pressing 提交 without touching anything had to record exactly what was typed — and the card shown
 * after it had to show it as typed (金额：3500.50), never fen, `name#staffId` or ISO timestamps.
 *
 * Issue #21: a form that declares `oneMessage: 'apply'` is saved at once when every line parsed and
 * nothing required is missing — no card, no 提交. That is now every form here but two: the tests
 * send the message through the real Lark path and read the record back from the database
 * (appliedAtOnce), which must hold exactly what was typed; the complaint steps (登记投诉, 调查,
 * 处理投诉, 告知结果, 回访, 新对策) also check that the bot's short answer names the case number.
 *
 * Forms that still answer with a card, submitted exactly as the bot rendered it (submitAsShown:
 * every input's default_value and every list's selected_values, never the test's own values):
 * - dorms.rent (房租申报): it submits money, so the prefilled card comes first; its first line says
 *   nothing is saved until 提交.
 * - clients.edit (修改客户 名称): prefilled from the record rather than from typed lines; submitted
 *   unchanged it must change nothing.
 *
 * Forms not reachable through a one-message prefill:
 * - dorms.report (查房上报): `查房 未归 张三` records at once; its card comes only from the roll-call
 *   card's 有人未归 button, empty.
 * - complaints.ruling (签呈决定：修改处理): `签呈决定 编号 改为 …` records at once; the form comes only
 *   from the 修改处理 button, empty.
 * - complaints.reopen (重开投诉): `重开投诉 编号 原因` records at once; the form comes only from the
 *   重开投诉 button, empty.
 */

useDatabase('lark_prefilled');

const ADMIN = 'ou_admin';
/** 2026-12-04 14:00 in Shanghai (a Friday): 受理日期 12-04 09:00 is five hours before. */
const NOW = new Date('2026-12-04T06:00:00Z');
let clock = NOW;
let lark: LarkBot;

beforeAll(async () => {
  lark = await startLarkBot({ BOT_ADMINS: `lark:${ADMIN}`, BOT_TIMEZONE: 'Asia/Shanghai' }, { now: () => clock });
});
afterAll(() => lark?.close());
beforeEach(async () => {
  await clearCollections();
  lark.standin.reset();
  clock = NOW;
});

interface Submitted {
  /** What the card held and was submitted, by field key. */
  shown: Record<string, unknown>;
  /** The lines of the card shown after the submit (「label：value」). */
  done: string[];
}

/**
 * `openId` sends the one-message form; the form card the bot answers with is submitted exactly as it
 * was rendered. The card must come without errors (every typed value read), and the submit must be
 * accepted (no red hints): a failure here is a value the card could not read back.
 */
async function submitAsShown(openId: string, message: string): Promise<Submitted> {
  const { standin } = lark;
  const before = standin.cards(p2p(openId)).length;
  await lark.say(openId, message);
  const form = standin
    .cards(p2p(openId))
    .slice(before)
    .find((c) => findButtonValue(c.card, 'form.submit'));
  expect(
    form,
    `a form card answering ${JSON.stringify(message)}; the bot said: ${standin.texts(p2p(openId)).join(' | ')}`,
  ).toBeDefined();
  const card = form!.card;
  expect(JSON.stringify(card), 'the prefilled card shows no error').not.toContain("<font color='red'>");
  // a filled card reads like a confirmation: its first line says nothing is saved until 提交 (#21)
  expect(JSON.stringify(card)).toContain('请核对后点「提交」，尚未保存。');
  const shown = formAsShown(card);
  expect(Object.keys(shown)).toEqual(formInputNames(card));
  const toast = await lark.click(openId, form!.messageId, findButtonValue(card, 'form.submit')!, shown);
  // the card as it was updated after the submit
  const patch = standin.patches(form!.messageId).at(-1);
  const doneCard = JSON.stringify(patch?.content ?? {});
  expect(toast, `the unchanged card was refused: ${doneCard}`).not.toContain('红字');
  const elements =
    (patch?.content as { body?: { elements?: { tag: string; content?: string }[] } } | undefined)?.body?.elements ?? [];
  const done = (elements.find((e) => e.tag === 'markdown')?.content ?? '').split('\n');
  expect(doneCard, 'the submitted card says who submitted it').toContain('已提交');
  // values in their display form: no staff ids, no ISO instants
  expect(doneCard).not.toMatch(/#[0-9a-f]{24}/);
  expect(doneCard).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  return { shown, done };
}

/**
 * `openId` sends a one-message form that is saved at once: no form card comes (nothing waits for a
 * 提交), and what the bot answered is returned for the test to read.
 */
async function appliedAtOnce(openId: string, message: string): Promise<string> {
  const { standin } = lark;
  const cardsBefore = standin.cards(p2p(openId)).length;
  const textsBefore = standin.texts(p2p(openId)).length;
  await lark.say(openId, message);
  const cards = standin.cards(p2p(openId)).slice(cardsBefore);
  const said = [...standin.texts(p2p(openId)).slice(textsBefore), ...cards.map((c) => JSON.stringify(c.card))].join(
    '\n',
  );
  expect(
    cards.find((c) => findButtonValue(c.card, 'form.submit')),
    `no form card answering ${JSON.stringify(message)}: ${said}`,
  ).toBeUndefined();
  return said;
}

const lines = (...xs: string[]) => xs.join('\n');

// ─── complaints (§3.1, §3.2) ─────────────────────────────────────────────────

const CS = { kefu: 'ou_kefu', renfang: 'ou_renfang', duizhang: 'ou_duizhang' } as const;

function registration(category: '一般性' | '扣服务费', client = '万达物业'): string {
  return lines(
    '登记投诉',
    `投诉客户名称: ${client}`,
    '客户地址: 城南路88号（北门）',
    '电话: 0571-88886666',
    '投诉缘由: 夜班队员在岗睡觉，客户很生气',
    '客户要求: 更换队员；当月服务费打九折',
    `分类: ${category}`,
    '投诉类型: 2',
    '备注: 客户张经理来电，语气激动！',
    '受理日期: 12-04 09:00',
  );
}

const INVESTIGATION = [
  '发生原因: 队员连续上夜班，过度疲劳',
  '责任队员: 张三、13800000002',
  '责任队长: 陈队长',
  '改善对策: 调整排班，每晚队长查岗两次',
];
const DECISION = [
  '是否合理: 合理',
  '处理方式: 更换队员，向客户书面道歉',
  '责任归属: 队员张三（睡岗）',
  '改善方案: 调整排班：夜班不连续超过3天',
];
const RESULT = ['告知内容: 嫌价格高，已解释；已更换队员', '告知方式: 电话', '告知日期: 12-04'];

type Step = 'registered' | 'investigated' | 'decided' | 'following_up';

/** A complaint brought to `step` through the bot, each step's one message saved at once; its number. */
async function complaintAt(step: Step, category: '一般性' | '扣服务费' = '一般性'): Promise<string> {
  await appliedAtOnce(CS.kefu, registration(category));
  const id = (await Complaint.findOne().sort({ registeredAt: -1 }).lean())!._id;
  if (step === 'registered') return id;
  await appliedAtOnce(CS.renfang, lines(`调查 ${id}`, ...INVESTIGATION));
  if (step === 'investigated') return id;
  await appliedAtOnce(
    CS.kefu,
    lines(`处理投诉 ${id}`, ...DECISION, ...(category === '扣服务费' ? ['扣款金额: 35.5', '扣款月份: 11月'] : [])),
  );
  if (step === 'decided') return id;
  await appliedAtOnce(CS.kefu, lines(`告知结果 ${id}`, ...RESULT));
  return id;
}

describe('complaints: a complete one-message step is saved at once, as typed', () => {
  beforeEach(async () => {
    await seedComplaintPeople('lark', CS, ['kefu', 'renfang', 'duizhang']);
  });

  it('登记投诉 (complaints.register): 受理日期 12-04 09:00 is 01:00Z, free text keeps its full-width punctuation', async () => {
    const said = await appliedAtOnce(CS.kefu, registration('扣服务费'));
    const c = await Complaint.findOne().lean();
    expect(c).toMatchObject({
      clientName: '万达物业',
      clientAddress: '城南路88号（北门）',
      clientPhone: '0571-88886666',
      reason: '夜班队员在岗睡觉，客户很生气',
      demand: '更换队员；当月服务费打九折',
      category: 'fee_deduction',
      type: '脱岗睡岗',
      remark: '客户张经理来电，语气激动！',
      acceptedBy: { name: '王客服' },
    });
    expect(c!.acceptedAt.toISOString()).toBe('2026-12-04T01:00:00.000Z');
    // the short answer names the case and shows what was typed, as typed
    expect(said).toContain(`投诉已登记：${c!._id}`);
    expect(said).toContain('万达物业 0571-88886666｜扣服务费｜夜班队员在岗睡觉，客户很生气');
  });

  it('调查 (complaints.investigate): the people named are the ones typed, a phone read as that person', async () => {
    const id = await complaintAt('registered');
    const said = await appliedAtOnce(CS.renfang, lines(`调查 ${id}`, ...INVESTIGATION));
    const c = (await Complaint.findById(id).lean())!;
    expect(c.status).toBe('investigated');
    expect(c.investigation).toMatchObject({
      cause: '队员连续上夜班，过度疲劳',
      guards: ['张三', '李四(13800000002)'],
      teamLeader: '陈队长',
      measures: '调整排班，每晚队长查岗两次',
    });
    expect(said).toContain(`调查已记录：${id}`);
    expect(said).toContain('责任人 张三、李四、陈队长');
  });

  it('处理投诉 (complaints.decide): 一般性 decision recorded as typed', async () => {
    const id = await complaintAt('investigated');
    const said = await appliedAtOnce(CS.kefu, lines(`处理投诉 ${id}`, ...DECISION));
    expect((await Complaint.findById(id).lean())!.decision).toMatchObject({
      reasonable: true,
      handling: '更换队员，向客户书面道歉',
      responsibility: '队员张三（睡岗）',
      plan: '调整排班：夜班不连续超过3天',
      deductionFen: null,
    });
    expect(said).toContain(`处理已拟定：${id}`);
  });

  it('处理投诉 (complaints.decideFee): 扣款金额 35.5 is ¥35.50, 扣款月份 11月 is 2026-11', async () => {
    const id = await complaintAt('investigated', '扣服务费');
    const said = await appliedAtOnce(CS.kefu, lines(`处理投诉 ${id}`, ...DECISION, '扣款金额: 35.5', '扣款月份: 11月'));
    expect((await Complaint.findById(id).lean())!.decision).toMatchObject({
      reasonable: true,
      handling: '更换队员，向客户书面道歉',
      deductionFen: 3550,
      deductionMonth: '2026-11',
    });
    expect(said).toContain(`处理已拟定：${id}`);
    expect(said).toContain('扣服务费 ¥35.50（2026-11）');
  });

  it('告知结果 (complaints.result): 告知日期 12-04 is 2026-12-04 and the follow-ups are planned from it', async () => {
    const id = await complaintAt('decided');
    const said = await appliedAtOnce(CS.kefu, lines(`告知结果 ${id}`, ...RESULT));
    const c = (await Complaint.findById(id).lean())!;
    expect(c.status).toBe('following_up');
    expect(c.result).toMatchObject({ toldOn: '2026-12-04', content: '嫌价格高，已解释；已更换队员', via: '电话' });
    // 7 and 30 days after the day told, at the time it was recorded (14:00 in Shanghai)
    expect(c.followUps.map((f) => f.dueAt.toISOString())).toEqual([
      '2026-12-11T06:00:00.000Z',
      '2027-01-03T06:00:00.000Z',
    ]);
    expect(said).toContain(`已告知客户结果：${id}`);
    expect(said).toContain('告知日期 2026-12-04 后 7 天、30 天');
  });

  it('回访 (complaints.followup): an early follow-up with its reason, recorded as typed', async () => {
    const id = await complaintAt('following_up');
    const said = await appliedAtOnce(
      CS.kefu,
      lines(`回访 ${id}`, '回访结果: 满意', '回访情况: 客户说夜班已改善，谢谢！', '提前原因: 客户主动来电'),
    );
    const first = (await Complaint.findById(id).lean())!.followUps[0]!;
    expect(first).toMatchObject({ outcome: '满意', note: '客户说夜班已改善，谢谢！；提前回访：客户主动来电' });
    expect(first.doneAt?.toISOString()).toBe(NOW.toISOString());
    expect(said).toContain(`回访已记录：${id}`);
    expect(said).toContain('第 1 次回访：满意。');
  });

  it('新对策 (complaints.measures): after 改善效果 无效, the new measures recorded as typed', async () => {
    const id = await complaintAt('decided');
    await lark.say(CS.kefu, `改善效果 ${id} 无效 队员仍然迟到`);
    expect((await Complaint.findById(id).lean())!.measuresDue).toBe(true);
    const said = await appliedAtOnce(CS.renfang, lines(`新对策 ${id}`, '改善对策: 每晚队长查岗两次，并登记在册'));
    const c = (await Complaint.findById(id).lean())!;
    expect(c.measuresDue).toBe(false);
    expect(c.investigation!.measures).toBe('每晚队长查岗两次，并登记在册');
    expect(said).toContain(`新改善对策已记录：${id}`);
  });
});

// ─── clients (I.2.8, II) ─────────────────────────────────────────────────────

describe('clients: a complete one-message form is saved at once; the card from a record changes nothing', () => {
  beforeEach(async () => {
    await seedComplaintPeople('lark', CS, ['kefu', 'renfang', 'duizhang']);
  });

  const ADD = lines(
    '添加客户',
    '客户名称: 万达物业',
    '地址: 城南路88号（东门）',
    '电话: 0571-88886666',
    '联系人: 张经理 物业经理 13712345678；李主管 保安主管',
    '驻点: 万达广场、城南小区',
    '状态: 潜在',
    '负责人: 我',
    '电话回访周期: 30',
    '拜访周期: 不需要',
    '备注: 嫌价格高，已解释',
  );

  it('添加客户 (clients.add): every field as typed, 负责人 我 is the sender', async () => {
    await appliedAtOnce(CS.kefu, ADD);
    const c = await Client.findOne({ name: '万达物业' }).lean();
    expect(c).toMatchObject({
      address: '城南路88号（东门）',
      phone: '0571-88886666',
      contacts: [
        { name: '张经理', title: '物业经理', phone: '13712345678' },
        { name: '李主管', title: '保安主管', phone: '' },
      ],
      posts: ['万达广场', '城南小区'],
      status: 'potential',
      owner: { name: '王客服' },
      callDays: 30,
      visitDays: 0,
      notes: '嫌价格高，已解释',
    });
  });

  it('修改客户 (clients.edit): the card prefilled from the record, submitted unchanged, changes nothing', async () => {
    // one client with every field set (拜访周期 不需要 is shown as 不安排), one with the defaults (按状态默认)
    await appliedAtOnce(CS.kefu, ADD);
    await appliedAtOnce(CS.kefu, lines('添加客户', '客户名称: 城北商场', '电话: 13712345679'));
    for (const name of ['万达物业', '城北商场']) {
      const before = await Client.findOne({ name }).lean();
      await submitAsShown(CS.kefu, `修改客户 ${name}`);
      expect(await Client.findOne({ name }).lean()).toEqual(before);
      expect(lark.standin.texts(p2p(CS.kefu)).at(-1)).toBe(`客户「${name}」没有改动。`);
    }
  });

  it('电话回访 (clients.call): who was reached and what was said, on today', async () => {
    await appliedAtOnce(CS.kefu, ADD);
    await appliedAtOnce(CS.kefu, '电话回访 万达物业 张经理 嫌价格高，已解释');
    expect(await ClientLog.findOne({ kind: 'call' }).lean()).toMatchObject({
      clientName: '万达物业',
      reached: '张经理',
      content: '嫌价格高，已解释',
      day: '2026-12-04',
      by: { name: '王客服' },
    });
  });

  it('拜访 (clients.visit): the report as typed, 日期 12-03, and the promise tracked with its day', async () => {
    await appliedAtOnce(CS.kefu, ADD);
    await appliedAtOnce(
      CS.kefu,
      lines(
        '拜访 万达物业',
        '拜访目的: 了解夜班服务情况',
        '接待人: 张经理',
        '接待人职务: 物业经理',
        '客户需求: 增加一名夜班巡逻（北门）',
        '发现的问题: 北门岗亭照明不足，已报修',
        '对客户的承诺: 送新排班表，含夜班 12月10日',
        '日期: 12-03',
      ),
    );
    expect(await ClientLog.findOne({ kind: 'visit' }).lean()).toMatchObject({
      purpose: '了解夜班服务情况',
      reached: '张经理',
      reachedTitle: '物业经理',
      needs: '增加一名夜班巡逻（北门）',
      problems: '北门岗亭照明不足，已报修',
      day: '2026-12-03',
    });
    expect(await ClientPromise.findOne().lean()).toMatchObject({ text: '送新排班表，含夜班', dueDay: '2026-12-10' });
  });

  it('跟进 with a complaint follow-up due (clients.call.complaint): counted on the complaint as typed', async () => {
    const id = await complaintAt('following_up');
    clock = new Date('2026-12-12T02:00:00Z'); // the first follow-up was due on 12-11
    await appliedAtOnce(CS.kefu, '跟进 万达物业 张经理 满意 夜班已改善，客户很满意');
    const log = await ClientLog.findOne({ kind: 'call' }).lean();
    expect(log).toMatchObject({
      reached: '张经理',
      content: '满意 夜班已改善，客户很满意',
      day: '2026-12-12',
      complaintId: id,
      complaintSeq: 1,
    });
    expect((await Complaint.findById(id).lean())!.followUps[0]).toMatchObject({ outcome: '满意' });
  });

  it('拜访 with a complaint follow-up due (clients.visit.complaint): counted on the complaint as typed', async () => {
    const id = await complaintAt('following_up');
    clock = new Date('2026-12-12T02:00:00Z');
    await appliedAtOnce(
      CS.kefu,
      lines(
        `拜访 万达物业 ${id}`,
        '拜访目的: 投诉回访',
        '接待人: 张经理',
        '发现的问题: 客户仍嫌夜班人少，要求加人',
        '投诉回访结果: 不满意',
        '日期: 今天',
      ),
    );
    expect(await ClientLog.findOne({ kind: 'visit' }).lean()).toMatchObject({
      purpose: '投诉回访',
      problems: '客户仍嫌夜班人少，要求加人',
      day: '2026-12-12',
      complaintId: id,
    });
    expect((await Complaint.findById(id).lean())!.followUps[0]).toMatchObject({ outcome: '不满意' });
  });
});

// ─── vehicles (§3.4) ─────────────────────────────────────────────────────────

const VH = { zonghe: 'ou_zonghe', siji: 'ou_siji', renfang: 'ou_renfang' } as const;
const PLATE = '粤B12345';
const REGISTER = lines(
  '登记车辆',
  '车牌: 粤b 12345',
  '车型: 金杯海狮（11座）',
  '驻点: 万达广场',
  '指定司机: 张司机、13700000006',
  '当前里程: 12,345 km',
  '上次保养日期: 2026-11-20',
);
const PERMIT = lines(
  '发准驾证',
  '司机: 张司机',
  `准驾车辆: ${PLATE}`,
  '准驾证号: zj-2026-001',
  '考核日期: 今天',
  '有效期至: 2027-12-03',
  '考核人: 王综合',
);
const START = lines(`出车 ${PLATE}`, '起始里程: 12,345', '用途: 接送夜班队员（3人）', '路线: 公司→万达广场→公司');

describe('vehicles: a complete one-message form is saved at once, as typed', () => {
  let ids: Record<string, string>;
  beforeEach(async () => {
    ids = await seedVehiclePeople('lark', VH, ['zonghe', 'siji', 'renfang']);
  });

  it('登记车辆 (vehicles.register): the drivers typed by name and phone, the odometer and maintenance day', async () => {
    await appliedAtOnce(VH.zonghe, REGISTER);
    expect(await Vehicle.findById(PLATE).lean()).toMatchObject({
      model: '金杯海狮（11座）',
      post: '万达广场',
      drivers: [
        { name: '张司机', staffId: ids.siji },
        { name: '赵司机', staffId: ids.siji2 },
      ],
      odometer: 12345,
      lastMaintenance: { on: '2026-11-20', odometer: 12345 },
    });
  });

  it('发准驾证 (vehicles.permit): the holder is the person typed, 今天 is 2026-12-04', async () => {
    await appliedAtOnce(VH.zonghe, REGISTER);
    await appliedAtOnce(VH.zonghe, PERMIT);
    expect(await Permit.findById('ZJ-2026-001').lean()).toMatchObject({
      holder: { name: '张司机', staffId: ids.siji },
      vehicles: [PLATE],
      assessedOn: '2026-12-04',
      expiresOn: '2027-12-03',
      assessor: '王综合',
      status: 'active',
    });
  });

  it('出车 (vehicles.tripStart): odometer, purpose and route as typed', async () => {
    await appliedAtOnce(VH.zonghe, REGISTER);
    await appliedAtOnce(VH.zonghe, PERMIT);
    await appliedAtOnce(VH.siji, START);
    expect(await Trip.findOne().lean()).toMatchObject({
      plate: PLATE,
      status: 'open',
      driver: { name: '张司机' },
      startOdometer: 12345,
      purpose: '接送夜班队员（3人）',
      route: '公司→万达广场→公司',
    });
  });

  it('收车 (vehicles.tripEnd): 油费 100 is 10000 fen, 过路费 35.5 is 3550 fen; the cards show yuan', async () => {
    await appliedAtOnce(VH.zonghe, REGISTER);
    await appliedAtOnce(VH.zonghe, PERMIT);
    await appliedAtOnce(VH.siji, START);
    const said = await appliedAtOnce(
      VH.siji,
      lines(
        '收车',
        '收车里程: 12,402 km',
        '油费: 100',
        '过路费: 35.5',
        '停车费: 0',
        '维修费: 跳过',
        '备注: 加油站排队，晚到10分钟',
      ),
    );
    expect(await Trip.findOne().lean()).toMatchObject({
      status: 'ended',
      endOdometer: 12402,
      costs: { fuel: 10000, toll: 3550, parking: 0, repair: 0 },
      note: '加油站排队，晚到10分钟',
    });
    // the short confirmation says the trip, its km and cost in yuan (#21)
    expect(said).toContain('已收车');
    expect(said).toContain('行驶 57 km，费用 ¥135.50');
  });

  it('事故报备 (vehicles.accident): during a trip, the plate filled in and every answer as typed', async () => {
    await appliedAtOnce(VH.zonghe, REGISTER);
    await appliedAtOnce(VH.zonghe, PERMIT);
    await appliedAtOnce(VH.siji, START);
    const trip = await Trip.findOne().lean();
    await appliedAtOnce(
      VH.siji,
      lines(
        '事故报备',
        '发生时间: 今天 10:05',
        '地点: 城南路与建设路口（红绿灯处）',
        '伤亡情况: 无人受伤',
        '车损情况: 前保险杠凹陷，对方车门划伤',
        '经过: 等红灯时被后车追尾。',
      ),
    );
    expect(await Accident.findOne().lean()).toMatchObject({
      plate: PLATE,
      trip: trip!._id,
      reporter: { name: '张司机' },
      occurred: '2026-12-04T10:05:00.000+08:00',
      place: '城南路与建设路口（红绿灯处）',
      injuries: '无人受伤',
      damage: '前保险杠凹陷，对方车门划伤',
      account: '等红灯时被后车追尾。',
    });
  });

  it("车辆检查 (vehicles.inspect): this month's inspection as typed", async () => {
    await appliedAtOnce(VH.zonghe, REGISTER);
    await appliedAtOnce(
      VH.zonghe,
      lines(
        `车辆检查 ${PLATE}`,
        '安全性能: 正常（刹车、灯光、轮胎均已检查）',
        '车况: 左后门有划痕，已拍照',
        '备注: 保险12月到期，请续保！',
      ),
    );
    expect(await Inspection.findById(`${PLATE}:2026-12`).lean()).toMatchObject({
      safety: '正常（刹车、灯光、轮胎均已检查）',
      condition: '左后门有划痕，已拍照',
      note: '保险12月到期，请续保！',
      by: { name: '王综合' },
    });
  });
});

// ─── dorms (§3.3) ────────────────────────────────────────────────────────────

describe('dorms: 房租申报 (money) answers with the card to submit; 卫生检查 is saved at once', () => {
  const DM = { chen: 'ou_chen' } as const;
  beforeEach(async () => {
    await seedLeaders(await seedDormPeople('lark', DM));
  });

  it('房租申报 (dorms.rent): 金额 3,500.50 is 350050 fen, 11月 is 2026-11, the account without spaces', async () => {
    const { shown, done } = await submitAsShown(
      DM.chen,
      lines(
        '房租申报 城南宿舍',
        '月份: 11月',
        '金额: 3,500.50',
        '房东姓名: 王房东',
        '开户行: 工商银行城南支行',
        '账号: 6222 0212 3456 7890 123',
        '备注: 含水费，电费另付',
      ),
    );
    expect(shown).toMatchObject({ amount: '3500.50', period: '2026-11' });
    expect(await RentReport.findById(rentId('2026-11', '城南宿舍')).lean()).toMatchObject({
      amountFen: 350050,
      landlord: '王房东',
      bank: '工商银行城南支行',
      account: '6222021234567890123',
      note: '含水费，电费另付',
      reportedBy: { name: '陈队长' },
    });
    expect(done).toContain('金额：3500.50');
  });

  it('卫生检查 (dorms.hygiene): each item, the score and the notes as typed', async () => {
    await appliedAtOnce(
      DM.chen,
      lines(
        '卫生检查 城南宿舍',
        '床铺平整清洁: 合格',
        '床单与床垫同宽: 不合格',
        '棉被二折四叠放床头中间: 合格',
        '帽子放被子中央: 合格',
        '物品摆放整齐不放床上: 合格',
        '空气清洁无异味: 合格',
        '总分: 85',
        '备注: 床单偏窄，已要求更换！',
      ),
    );
    const e = await HygieneEvaluation.findOne().lean();
    expect(e).toMatchObject({
      dorm: '城南宿舍',
      date: '2026-12-04',
      score: 85,
      notes: '床单偏窄，已要求更换！',
      inspector: { name: '陈队长' },
    });
    expect(e!.items.filter((i) => !i.pass).map((i) => i.key)).toEqual(['sheet']);
  });
});

// ─── reimbursements (§3.5) ───────────────────────────────────────────────────

describe('reimbursements: a complete 报销 item is added to the draft at once, as typed', () => {
  const RB = { zhang: 'ou_zhang' } as const;
  let ids: Record<string, string>;
  beforeEach(async () => {
    ids = await seedClaimants('lark', RB);
  });

  it('报销 (reimburse.item): 金额 35.5 is 3550 fen, 日期 11-20 is 2026-11-20', async () => {
    const said = await appliedAtOnce(
      RB.zhang,
      lines(
        '报销',
        '日期: 11-20',
        '类别: 出租车',
        '金额: 35.5',
        '所办事项: 送排班表（万达广场→公司）',
        '公司接洽人: 李经理',
      ),
    );
    const draft = await ReimbursementDraft.findById(ids.zhang).lean();
    expect(draft!.items).toHaveLength(1);
    expect(draft!.items[0]).toMatchObject({
      date: '2026-11-20',
      category: 'taxi',
      amount: 3550,
      matter: '送排班表（万达广场→公司）',
      contact: '李经理',
      serials: [],
      travellers: 1,
    });
    expect(said).toContain('已加入第 1 项：2026-11-20 出租车 ¥35.50');
  });

  it('报销 a bus ticket for two (reimburse.item): serials, head count and companion as typed, added to the draft', async () => {
    await appliedAtOnce(
      RB.zhang,
      lines('报销', '日期: 11-20', '类别: 出租车', '金额: 35.5', '所办事项: 送排班表', '公司接洽人: 李经理'),
    );
    await appliedAtOnce(
      RB.zhang,
      lines(
        '报销',
        '日期: 2026-11-21',
        '类别: 公交',
        '金额: 4',
        '所办事项: 去城北宿舍查房',
        '公司接洽人: 陈队长',
        '票号: A00123、A00456',
        '同行人数: 2',
        '同行人: 李四',
      ),
    );
    const items = (await ReimbursementDraft.findById(ids.zhang).lean())!.items;
    expect(items).toHaveLength(2);
    expect(items[1]).toMatchObject({
      date: '2026-11-21',
      category: 'bus',
      amount: 400,
      serials: ['A00123', 'A00456'],
      travellers: 2,
      companions: ['李四'],
    });
  });
});

// ─── staff ───────────────────────────────────────────────────────────────────

describe('staff: a complete 添加人员 is saved at once, as typed', () => {
  it('添加人员 (staff.add): the person as typed, roles read from their names', async () => {
    await appliedAtOnce(
      ADMIN,
      lines(
        '添加人员',
        '姓名: 李四',
        '电话: 139 0000 0002',
        '角色: 队长、司机',
        '驻点: 万达广场（北门岗）',
        '宿舍: 城南宿舍',
      ),
    );
    expect(await Staff.findOne({ name: '李四' }).lean()).toMatchObject({
      phone: '13900000002',
      roles: ['team_leader', 'driver'],
      post: '万达广场（北门岗）',
      dorm: '城南宿舍',
    });
  });
});
