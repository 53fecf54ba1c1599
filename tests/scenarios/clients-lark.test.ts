import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkClientFile, importClients } from '../../handlers/clients/import.ts';
import { Client, ClientPromise } from '../../handlers/clients/models.ts';
import { Complaint } from '../../handlers/complaints/models.ts';
import { clientMorning, sendMorningLists } from '../../schedules/clients.ts';
import { Bot } from '../../src/bot.ts';
import { Scheduler } from '../../src/core/scheduler.ts';
import { LarkReceiver } from '../../src/receivers/lark/index.ts';
import { composition } from '../../src/workflows.ts';
import { seedPeople } from '../helpers/complaints.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { silentLog } from '../helpers/harness.ts';
import { type LarkBot, p2p, startLarkBot } from '../helpers/lark-bot.ts';
import { findButtonValue, formInputNames, type LarkStandin } from '../helpers/lark-standin.ts';

/*
 * The clients workflow through Lark for real: signed, encrypted events and card callbacks POSTed to
 * the bot's HTTP server, answers through the real SDK to a stand-in Open API, on the real database,
 * with the bot's clock in the test's hands (the morning job is run for a slot, not waited for).
 */

useDatabase('clients_lark');

const IDS = { kefu: 'ou_kefu', kefu2: 'ou_kefu2', renfang: 'ou_renfang', duizhang: 'ou_duizhang' } as const;
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/clients/${name}`, import.meta.url));

let lark: LarkBot;
let standin: LarkStandin;
let clock = new Date('2026-11-27T02:00:00Z');
/** 08:31 in Shanghai on a day of the test's calendar: just after the morning slot. */
const morningOf = (day: string) => new Date(`${day}T00:31:00Z`);

beforeAll(async () => {
  // 周客服 (13900000008) heads customer service: overdue follow-ups escalate to them
  lark = await startLarkBot(
    { COMPLAINT_CS_HEAD_PHONES: '13900000008', CLIENT_ESCALATE_AFTER_DAYS: '7' },
    { now: () => clock },
  );
  standin = lark.standin;
});
afterAll(() => lark?.close());
beforeEach(async () => {
  await clearCollections();
  standin.reset();
  clock = new Date('2026-11-27T02:00:00Z');
  await seedPeople('lark', IDS, ['kefu', 'kefu2', 'renfang', 'duizhang']);
});

const cardsTo = (openId: string, text: string) =>
  standin.cards(openId).filter((c) => JSON.stringify(c.card).includes(text));
const lastCard = (chat: string) => standin.cards(chat).at(-1)!;

/** 客服 adds a client with the form card, as on Lark a form always comes as a card. */
async function addByCard(values: Record<string, string>): Promise<void> {
  await lark.say(IDS.kefu, '添加客户');
  const form = lastCard(p2p(IDS.kefu));
  await lark.click(IDS.kefu, form.messageId, findButtonValue(form.card, 'form.submit')!, values);
}

async function addTwoClients(): Promise<void> {
  await addByCard({
    name: '万达物业',
    phone: '0571-88886666',
    contacts: '张经理 物业经理 13812345678',
    posts: '万达广场',
    owner: '陈队长',
  });
  await addByCard({ name: '城北商场', owner: '王客服', callDays: '15' });
  expect(await Client.countDocuments()).toBe(2);
}

describe('I.2.8 client records on Lark', () => {
  it('adds a client with the form card: a bad phone comes back inline and saves nothing (I.2.8)', async () => {
    await lark.say(IDS.kefu, '添加客户');
    const form = lastCard(p2p(IDS.kefu));
    expect(formInputNames(form.card)).toEqual([
      'name',
      'address',
      'phone',
      'contacts',
      'posts',
      'status',
      'owner',
      'callDays',
      'visitDays',
      'notes',
    ]);
    const submit = findButtonValue(form.card, 'form.submit')!;
    const good = {
      name: '万达物业',
      address: '城南路 1 号',
      phone: '0571-88886666',
      contacts: '张经理 物业经理 13812345678',
      posts: '万达广场',
      status: '现有',
      owner: '陈队长',
    };
    const toast = await lark.click(IDS.kefu, form.messageId, submit, { ...good, phone: '12345' });
    expect(toast).toContain('红字');
    expect(JSON.stringify(standin.patches(form.messageId)[0]?.content)).toContain('电话「12345」不对');
    expect(await Client.countDocuments()).toBe(0);
    await lark.click(IDS.kefu, form.messageId, submit, good);
    expect(await Client.findOne({ name: '万达物业' }).lean()).toMatchObject({
      owner: { name: '陈队长' },
      contacts: [{ name: '张经理', phone: '13812345678' }],
    });
  });

  it('I.1.1 an edit from the card’s 修改档案 form is kept with who, when and old → new', async () => {
    await addTwoClients();
    clock = new Date('2026-11-28T03:15:00Z');
    await lark.say(IDS.kefu2, '客户 万达物业');
    const card = lastCard(p2p(IDS.kefu2));
    await lark.click(IDS.kefu2, card.messageId, findButtonValue(card.card, 'clients.edit')!);
    const form = await standin.waitFor(
      () => standin.cards(p2p(IDS.kefu2)).find((c) => formInputNames(c.card).includes('callDays')),
      'the edit form card',
    );
    // the card shows the record's values to change in place
    expect(JSON.stringify(form.card)).toContain('0571-88886666');
    await lark.click(IDS.kefu2, form.messageId, findButtonValue(form.card, 'form.submit')!, {
      phone: '0571-88887777',
      visitDays: '60',
    });
    await lark.say(IDS.kefu, '客户 万达物业');
    const shown = JSON.stringify(lastCard(p2p(IDS.kefu)).card);
    expect(shown).toContain(
      '2026-11-28 11:15 周客服 修改：电话：0571-88886666 → 0571-88887777；拜访周期：按状态默认 → 60 天',
    );
  });

  it('imports a good client file and refuses a bad one whole, naming every bad row (I.2.8)', async () => {
    const bad = await checkClientFile(fixture('bad.csv'));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors.map((e) => e.row)).toEqual([2, 3, 4, 5, 6]);
    expect(!bad.ok && bad.errors.at(-1)!.message).toContain('第 6 行：负责人「不存在的人」不在人员名单里');
    expect(await Client.countDocuments()).toBe(0);

    const good = await checkClientFile(fixture('good.csv'));
    if (!good.ok) throw new Error(good.errors.map((e) => e.message).join('\n'));
    expect(await importClients(good, { staffId: '', name: '命令行导入' }, clock)).toEqual({
      dryRun: false,
      created: 3,
      updated: 0,
      unchanged: 0,
    });
    expect(await importClients(good, { staffId: '', name: '命令行导入' }, clock)).toEqual({
      dryRun: false,
      created: 0,
      updated: 0,
      unchanged: 3,
    });
    await lark.say(IDS.duizhang, '客户 城北商场');
    const shown = JSON.stringify(lastCard(p2p(IDS.duizhang)).card);
    expect(shown).toContain('赵总 总经理 13700002222');
    expect(shown).toContain('命令行导入 导入新建');
  });
});

describe('I.2.7 the morning list, per owner, and the escalation', () => {
  it('sends each owner their due and overdue follow-ups in one message (I.2.5, I.2.7)', async () => {
    await addTwoClients();
    clock = morningOf('2026-12-27');
    const report = await sendMorningLists(lark.bot.services);
    expect(report.sent.sort()).toHaveLength(2);
    expect(cardsTo(IDS.duizhang, '今日客户跟进')).toHaveLength(1);
    expect(JSON.stringify(cardsTo(IDS.duizhang, '今日客户跟进')[0]!.card)).toContain('万达物业 电话回访：今天到期');
    const kefu = cardsTo(IDS.kefu, '今日客户跟进');
    expect(kefu).toHaveLength(1);
    expect(JSON.stringify(kefu[0]!.card)).toContain('城北商场 电话回访：已逾期 15 天');
    expect(JSON.stringify(kefu[0]!.card)).not.toContain('万达物业');
  });

  it('escalates an overdue follow-up to the customer-service head exactly once, with two instances (I.2.7)', async () => {
    await addTwoClients();
    const second = new Bot({
      config: lark.config,
      log: silentLog,
      receivers: [new LarkReceiver(lark.config.lark!, silentLog)],
      workflows: composition,
      jobs: [],
      now: () => clock,
      instanceId: 'second',
    });
    await second.start();
    try {
      const schedulers = [lark.bot, second].map(
        (b, i) => new Scheduler([clientMorning], { ...b.services, recoverInbox: async () => 0 }, `instance-${i}`),
      );
      for (const day of ['2026-12-27', '2026-12-28']) {
        clock = morningOf(day);
        const ran = await Promise.all(schedulers.map((s) => s.catchUp(clock)));
        expect(ran.flat()).toHaveLength(1);
      }
      // a list each morning (positive signal), the escalation once
      expect(cardsTo(IDS.kefu, '今日客户跟进')).toHaveLength(2);
      const up = cardsTo(IDS.kefu2, '客户跟进逾期上报');
      expect(up).toHaveLength(1);
      expect(JSON.stringify(up[0]!.card)).toContain('城北商场 电话回访已逾期 15 天（2026-12-12 到期，负责人 王客服）');
    } finally {
      await second.stop();
    }
  });
});

describe('II visit reports and II.7 promises on Lark', () => {
  it('a visit report with a promise creates a reminder that stops when it is marked done (II.7); the visit restarts the cadence (I.2.7)', async () => {
    await addTwoClients();
    clock = new Date('2026-12-20T02:00:00Z');
    await lark.say(IDS.duizhang, '客户 万达物业');
    const card = lastCard(p2p(IDS.duizhang));
    await lark.click(IDS.duizhang, card.messageId, findButtonValue(card.card, 'clients.visit')!);
    const form = await standin.waitFor(
      () => standin.cards(p2p(IDS.duizhang)).find((c) => formInputNames(c.card).includes('objections')),
      'the visit report card',
    );
    expect(formInputNames(form.card)).toEqual([
      'purpose',
      'reached',
      'reachedTitle',
      'needs',
      'problems',
      'help',
      'objections',
      'competitors',
      'prospects',
      'promises',
      'day',
    ]);
    await lark.click(IDS.duizhang, form.messageId, findButtonValue(form.card, 'form.submit')!, {
      purpose: '了解夜班情况',
      reached: '张经理',
      reachedTitle: '物业经理',
      objections: '嫌费用高，解释了人工成本',
      promises: '送新排班表 12月28日',
    });
    expect(await ClientPromise.findOne().lean()).toMatchObject({
      _id: 'CN-20261220-001',
      dueDay: '2026-12-28',
      owner: { name: '陈队长' },
    });

    // without the visit, 万达物业's call (every 30 days from 11-27) would be due this morning
    clock = morningOf('2026-12-27');
    await sendMorningLists(lark.bot.services);
    const reminder = cardsTo(IDS.duizhang, '今日客户跟进');
    expect(reminder).toHaveLength(1);
    expect(JSON.stringify(reminder[0]!.card)).toContain('CN-20261220-001 万达物业：送新排班表');
    expect(JSON.stringify(reminder[0]!.card)).not.toContain('万达物业 电话回访');
    const toast = await lark.click(
      IDS.duizhang,
      reminder[0]!.messageId,
      findButtonValue(reminder[0]!.card, 'clients.promiseDone')!,
    );
    expect(toast).toContain('已标记承诺完成');

    clock = morningOf('2026-12-28');
    const report = await sendMorningLists(lark.bot.services);
    // 王客服's list went out the same morning (the positive signal); 陈队长 has nothing left
    const owners = await Client.find({}, { name: 1, owner: 1 }).lean();
    expect(report.sent).toContain(owners.find((c) => c.name === '城北商场')!.owner!.staffId);
    expect(report.sent).not.toContain(owners.find((c) => c.name === '万达物业')!.owner!.staffId);
    expect(cardsTo(IDS.duizhang, '今日客户跟进')).toHaveLength(1);
  });
});

describe('III.3.1.10 on Lark: a complaint follow-up logged from the client card', () => {
  /** Submits the form card `text` opened, with these values. */
  async function submitCard(openId: string, text: string, values: Record<string, string>): Promise<void> {
    await lark.say(openId, text);
    const form = lastCard(p2p(openId));
    await lark.click(openId, form.messageId, findButtonValue(form.card, 'form.submit')!, values);
  }

  it('the 记录电话回访 button opens the call card with the due complaint and 满意/不满意; submitting records it once, and the owner’s list no longer shows it', async () => {
    await submitCard(IDS.kefu, '登记投诉', {
      clientName: '万达物业',
      clientAddress: '城南路 1 号',
      clientPhone: '13712345678',
      reason: '夜班队员睡岗',
      demand: '更换队员',
      category: '一般性',
      type: '脱岗睡岗',
    });
    const id = (await Complaint.findOne().lean())!._id;
    await submitCard(IDS.renfang, `调查 ${id}`, {
      cause: '疲劳',
      guards: '无',
      teamLeader: '无',
      measures: '调整排班',
    });
    await submitCard(IDS.kefu, `处理投诉 ${id}`, {
      reasonable: '合理',
      handling: '更换队员',
      responsibility: '队员',
      plan: '队长查岗',
    });
    await submitCard(IDS.kefu, `告知结果 ${id}`, { content: '已更换队员', via: '电话' });
    await lark.say(IDS.kefu, `改善效果 ${id} 有效`);
    expect((await Complaint.findById(id).lean())!.status).toBe('following_up');

    clock = new Date(clock.getTime() + 8 * 24 * 3600_000);
    await lark.say(IDS.kefu, '今日跟进');
    expect(JSON.stringify(lastCard(p2p(IDS.kefu)).card)).toContain(`${id} 万达物业 第 1 次回访`);
    await lark.say(IDS.kefu, '客户 万达物业');
    const card = lastCard(p2p(IDS.kefu));
    await lark.click(IDS.kefu, card.messageId, findButtonValue(card.card, 'clients.call')!);
    const form = await standin.waitFor(
      () => standin.cards(p2p(IDS.kefu)).find((c) => formInputNames(c.card).includes('outcome')),
      'the call card with the complaint',
    );
    expect(formInputNames(form.card)).toEqual(['reached', 'content', 'day', 'complaint', 'outcome']);
    expect(JSON.stringify(form.card)).toContain(id);
    await lark.click(IDS.kefu, form.messageId, findButtonValue(form.card, 'form.submit')!, {
      reached: '张经理',
      content: '夜班已改善',
      complaint: id,
      outcome: '满意',
    });
    expect(JSON.stringify(lastCard(p2p(IDS.kefu)).card)).toContain(
      `已计入投诉 ${id} 第 1 次回访（满意）。还剩 1 次回访`,
    );
    const c = (await Complaint.findById(id).lean())!;
    expect(c.followUps[0]).toMatchObject({
      outcome: '满意',
      by: { name: '王客服' },
      note: '电话回访，联系 张经理：夜班已改善',
    });
    expect(c.followUps[1]!.doneAt).toBeNull();
    expect(c.history.filter((h) => h.action === '记录回访')).toHaveLength(1);
    await lark.say(IDS.kefu, '今日跟进');
    expect(standin.texts(p2p(IDS.kefu)).at(-1)).toContain('没有到期的客户跟进');
  });
});
