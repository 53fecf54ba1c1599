import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pendingComplaintChecks } from '../../../handlers/complaints/due.ts';
import { complaints } from '../../../handlers/complaints/index.ts';
import { parseListFilter } from '../../../handlers/complaints/lookup.ts';
import { Complaint, type ComplaintRecord, complaintRows } from '../../../handlers/complaints/models.ts';
import { sweepComplaints } from '../../../schedules/complaints.ts';
import type { Bot } from '../../../src/bot.ts';
import { OnceKey } from '../../../src/models/infra.ts';
import { NUMBER_RE, registrationLines, seedPeople } from '../../helpers/complaints.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot, testConfig } from '../../helpers/harness.ts';

/*
 * Complaint lists, 投诉报告 / 周报, 导出 投诉列表 and the clients' lists filter the complaints' rows
 * (models.ts complaintRows), not the complaints: on FerretDB 1.24 any filter but a bare `_id`
 * decodes every case (41 MB in a year). So each row must follow its case through every step, and
 * a row left behind (a crash between the two writes, a record from before the rows) must be
 * repaired, never shown as the case.
 */

useDatabase('complaints_rows');

let bot: Bot;
let chat: MemoryReceiver;
let clock = new Date('2026-11-27T02:00:00Z');
let people: Awaited<ReturnType<typeof seedPeople>>;
const DAY = 24 * 3600_000;
const config = testConfig({
  COMPLAINT_LIMIT_HOURS_GENERAL: '72',
  COMPLAINT_LIMIT_HOURS_FEE_DEDUCTION: '24',
  COMPLAINT_REMIND_BEFORE_HOURS: '6',
  COMPLAINT_FOLLOWUP_DAYS: '7',
});

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ config, now: () => clock }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  clock = new Date('2026-11-27T02:00:00Z');
  people = await seedPeople('console');
});

const INVESTIGATION = '发生原因: 队员连续上夜班疲劳\n责任队员: 张三\n责任队长: 陈队长\n改善对策: 调整排班';
const DECISION = '是否合理: 合理\n处理方式: 更换夜班队员\n责任归属: 队员张三\n改善方案: 队长每晚查岗';

const rowsCollection = () => Complaint.db.collection('complaintrows');

/** The stored row of `id` equals the row of the case as it is now. */
async function expectRowInStep(id: string, step: string): Promise<ComplaintRecord> {
  const record = (await Complaint.findById(id).lean<ComplaintRecord>())!;
  const row = await rowsCollection().findOne({ _id: id as never });
  expect(row, `the row after ${step}`).toEqual(complaintRows.rowOf(record));
  return record;
}

async function register(who: string, category: string, name = '万达物业'): Promise<string> {
  const replies = await chat.say(who, `登记投诉\n${registrationLines({ category, name })}`);
  const id = NUMBER_RE.exec(replies.join('\n'))?.[0];
  expect(id, replies.join('\n')).toBeDefined();
  return id!;
}

/** The numbers 投诉列表 <args> lists, as the kefu asks. */
async function listed(args: string): Promise<string[]> {
  return [...(await chat.say('kefu', `投诉列表 ${args}`)).join('\n').matchAll(/TS-\d{8}-\d{3}/g)].map((m) => m[0]);
}

describe('the complaints rows follow every step of a case', () => {
  it('registration by a 队长, 确认, 改分类, 已告知, 调查, 已阅, 处理 with money, 不核准, 核准, 签呈, 签呈决定, 告知结果, 改善效果, 新对策, 回访, 结案, 重开, the sweep', async () => {
    const id = await register('duizhang', '一般性');
    expect((await expectRowInStep(id, '登记')).status).toBe('unconfirmed');
    await chat.say('kefu', `确认投诉 ${id}`);
    expect((await expectRowInStep(id, '确认投诉')).status).toBe('registered');
    await chat.say('kefu2', `改分类 ${id} 扣服务费 客户依合同要求扣服务费`);
    expect((await expectRowInStep(id, '改分类')).category).toBe('fee_deduction');
    await chat.say('kefu', `已告知 ${id}`);
    expect((await expectRowInStep(id, '已告知')).clientToldAt).not.toBeNull();
    await chat.say('renfang', `调查 ${id}\n${INVESTIGATION}`);
    expect((await expectRowInStep(id, '调查')).responsible.length).toBe(2);
    await chat.say('zhangsan', `已阅 ${id}`);
    await expectRowInStep(id, '已阅');
    await chat.say('kefu', `处理投诉 ${id}\n${DECISION}\n扣款金额: 500\n扣款月份: 2026-11`);
    expect((await expectRowInStep(id, '处理投诉')).approval?.status).toBe('pending');
    await chat.say('dongshi', `核准处理 ${id} 不同意 只同意更换队员，不扣服务费`);
    await expectRowInStep(id, '不核准');
    await chat.say('kefu', `处理投诉 ${id}\n${DECISION}\n扣款金额: 300\n扣款月份: 2026-11`);
    await chat.say('dongshi', `核准处理 ${id}`);
    const approved = await expectRowInStep(id, '核准处理');
    expect(approved.approval?.status).toBe('approved');
    expect(complaintRows.rowOf(approved).fen).toBe(30000);
    await chat.say('renfang', `签呈 ${id} 张三当晚发烧，责任不在队员`);
    expect((await expectRowInStep(id, '签呈')).appeal?.status).toBe('pending');
    await chat.say('xingzheng', `签呈决定 ${id} 维持`);
    await expectRowInStep(id, '签呈决定');
    await chat.say('kefu', `告知结果 ${id}\n告知内容: 已更换队员\n告知方式: 电话\n告知日期: 今天`);
    const told = await expectRowInStep(id, '告知结果');
    expect(complaintRows.rowOf(told)).toMatchObject({ status: 'following_up', nextFollowUpSeq: 1 });
    await chat.say('kefu2', `改善效果 ${id} 无效 队员仍然睡岗`);
    expect((await expectRowInStep(id, '改善效果 无效')).measuresDue).toBe(true);
    await chat.say('renfang', `新对策 ${id}\n改善对策: 夜班两人互查`);
    await expectRowInStep(id, '新对策');
    await chat.say('kefu', `改善效果 ${id} 有效 已两人互查`);
    await expectRowInStep(id, '改善效果 有效');

    // the sweep's reminders write through transition() like every step
    clock = new Date(clock.getTime() + 7 * DAY);
    expect((await sweepComplaints(bot.services)).followUps).toEqual([id]);
    await expectRowInStep(id, '回访提醒');
    await chat.say('kefu', `回访 ${id} 满意 已改善`);
    expect((await expectRowInStep(id, '回访')).status).toBe('closed');
    expect(await listed('已结案')).toEqual([id]);
    await chat.say('kefu', `重开投诉 ${id} 问题再次发生`);
    expect((await expectRowInStep(id, '重开投诉')).status).toBe('registered');
    expect(await listed('已结案')).toEqual([]);
    expect(await listed('待调查')).toEqual([id]);
  });

  it('an overdue case escalated by the sweep is listed under 逾期 from its row', async () => {
    const id = await register('kefu', '扣服务费');
    expect(await listed('逾期')).toEqual([]);
    clock = new Date(clock.getTime() + 2 * DAY);
    expect((await sweepComplaints(bot.services)).escalated).toEqual([id]);
    expect((await expectRowInStep(id, '逾期上报')).overdueAt).not.toBeNull();
    expect(await listed('逾期')).toEqual([id]);
  });
});

describe('the lists read the rows as they read the complaints', () => {
  it('投诉列表 words select through the rows exactly the cases the same filter selects on the complaints', async () => {
    const a = await register('kefu', '一般性');
    const b = await register('kefu', '扣服务费', '华联超市');
    const c = await register('duizhang', '一般性', '华联超市');
    await chat.say('kefu', `已告知 ${a}`);
    await chat.say('renfang', `调查 ${a}\n${INVESTIGATION}`);
    clock = new Date(clock.getTime() + 2 * DAY);
    await sweepComplaints(bot.services);
    // 客服部's 待办 lists the 队长's registration waiting for confirmation (§4.1)
    expect((await chat.say('kefu', '我的待办')).join('\n')).toContain(c);
    for (const words of [
      '全部',
      '待调查',
      '待处理',
      '逾期',
      '扣服务费',
      '华联',
      '我的',
      '本月',
      '2026-10',
      '待确认 华联',
    ]) {
      const f = parseListFilter(words, clock, config.timezone, people.zhangsan);
      if ('error' in f) throw new Error(f.error);
      const direct = (await Complaint.find(f.query).sort({ acceptedAt: 1 }).lean()).map((x) => x._id);
      const viaRows = (await complaintRows.all(f.query, { sort: { acceptedAt: 1 } })).map((x) => x._id);
      expect(viaRows, words).toEqual(direct);
    }
    expect((await listed('扣服务费')).sort()).toEqual([b]);
  });
});

describe('a row behind its record is repaired, and never shows the case wrongly meanwhile', () => {
  it('a write that skipped the rows (a crash between the two): the list re-checks the case, syncIds repairs the row', async () => {
    const id = await register('kefu', '一般性');
    // as if the process died after writing the case and before its row
    await Complaint.collection.updateOne({ _id: id as never }, { $set: { status: 'investigated' } });
    expect(await listed('待调查')).toEqual([]);
    expect(await listed('待处理')).toEqual([]);
    await complaintRows.syncIds([id]);
    await expectRowInStep(id, 'syncIds');
    expect(await listed('待处理')).toEqual([id]);
  });

  it('a case stored before the rows existed is found by 投诉列表 after the workflow start rebuilds them, and keeps its reminders', async () => {
    const id = await register('kefu', '一般性');
    const record = (await Complaint.findById(id).lean<ComplaintRecord>())!;
    // as a database from before the rows: the case, no row, no once-key
    await rowsCollection().deleteMany({});
    await OnceKey.deleteMany({});
    expect(await listed('全部')).toEqual([]);
    expect(record.nextCheckAt).not.toBeNull();
    expect((await pendingComplaintChecks()).map((e) => e.id)).toEqual([id]);
    await rowsCollection().deleteMany({});
    await OnceKey.deleteMany({});
    await complaints.start!(bot.services);
    // the start builds the rows in the background (a year's build takes minutes); 投诉列表 waits for it
    expect(await listed('全部')).toEqual([id]);
    await complaintRows.built();
    await expectRowInStep(id, 'rebuild');
    expect(await listed('全部')).toEqual([id]);
  });
});
