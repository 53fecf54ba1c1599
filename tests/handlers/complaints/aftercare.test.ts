import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Complaint } from '../../../handlers/complaints/models.ts';
import { sweepComplaints } from '../../../schedules/complaints.ts';
import type { Bot } from '../../../src/bot.ts';
import { NUMBER_RE, registrationLines, seedPeople } from '../../helpers/complaints.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot, testConfig } from '../../helpers/harness.ts';

/*
 * Issue #13 for complaints (Ch.10 III): 签呈 by any department (§4.5), effect before closing (§3.1.6),
 * follow-ups (§3.1.10), the responsible guards' confirmation (§3.2.3), reopening, late registration.
 */

useDatabase('complaints_aftercare');

let bot: Bot;
let chat: MemoryReceiver;
let clock = new Date('2026-11-27T02:00:00Z');
const H = 3600_000;
const config = testConfig({
  COMPLAINT_LIMIT_HOURS_GENERAL: '72',
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
  await seedPeople('console');
});

const inbox = (who: string, from: number) => chat.privately(who, from).join('\n');

async function register(extra = ''): Promise<string> {
  const replies = await chat.say('kefu', `登记投诉\n${registrationLines()}${extra}`);
  const id = NUMBER_RE.exec(replies.join('\n'))?.[0];
  expect(id, replies.join('\n')).toBeDefined();
  return id!;
}

/** Registered, the client told it is handled (§4.2), investigated (张三 and 陈队长 responsible), decided and the result told: following up. */
async function followingUp(): Promise<string> {
  const id = await register();
  await chat.say('kefu', `已告知 ${id}`);
  await chat.say('renfang', `调查 ${id}\n发生原因: 队员疲劳\n责任队员: 张三\n责任队长: 陈队长\n改善对策: 调整排班`);
  await chat.say('kefu', `处理投诉 ${id}\n是否合理: 合理\n处理方式: 更换队员\n责任归属: 队员张三\n改善方案: 队长查岗`);
  await chat.say('kefu', `告知结果 ${id}\n告知内容: 已更换队员\n告知方式: 电话\n告知日期: 今天`);
  expect((await Complaint.findById(id).lean())!.status).toBe('following_up');
  return id;
}

describe('§4.5 签呈', () => {
  it("any department's staff can file a 签呈 (a 综合部 member here)", async () => {
    const id = await followingUp();
    const [reply] = await chat.say('zonghe', `签呈 ${id} 扣款依据不足`);
    expect(reply).toContain('签呈已提交');
    expect((await Complaint.findById(id).lean())!.appeal).toMatchObject({ status: 'pending', by: { name: '赵综合' } });
  });

  it('keeps the reason as typed, full-width punctuation and all (「责任不在队员，客户要求过分！」)', async () => {
    const id = await followingUp();
    await chat.say('zonghe', `签呈 ${id} 责任不在队员，客户要求过分！`);
    expect((await Complaint.findById(id).lean())!.appeal).toMatchObject({ reason: '责任不在队员，客户要求过分！' });
  });

  it('the person who filed it cannot rule on it', async () => {
    const id = await followingUp();
    await chat.say('xingzheng', `签呈 ${id} 处理过重`);
    const [own] = await chat.say('xingzheng', `签呈决定 ${id} 维持`);
    expect(own).toContain('不能由你自己决定');
    expect((await Complaint.findById(id).lean())!.appeal!.status).toBe('pending');
    await chat.say('dongshi', `签呈决定 ${id} 维持`);
    expect((await Complaint.findById(id).lean())!.appeal!.status).toBe('upheld');
  });
});

describe('§3.2.3 the responsible guard and team leader confirm', () => {
  it('tells 张三 and 陈队长 privately, and each confirmation is on the record', async () => {
    const id = await register();
    const from = chat.sent.length;
    await chat.say('renfang', `调查 ${id}\n发生原因: 队员疲劳\n责任队员: 张三\n责任队长: 陈队长\n改善对策: 调整排班`);
    expect(inbox('zhangsan', from)).toContain(`投诉责任告知：${id}`);
    expect(inbox('duizhang', from)).toContain('你被确定为：责任队长');
    expect(inbox('zhangsan', from)).not.toContain('13712345678');
    const [other] = await chat.say('lisi', `已阅 ${id}`);
    expect(other).toContain('没有把你列为责任人');
    await chat.click('zhangsan', 'complaints.seen', { id });
    const c = await Complaint.findById(id).lean();
    expect(c!.responsible.find((r) => r.name === '张三')?.seenAt).toEqual(clock);
    expect(c!.responsible.find((r) => r.name === '陈队长')?.seenAt).toBeNull();
    expect(c!.history.at(-1)).toMatchObject({ action: '责任人已阅确认', detail: '张三（责任队员）' });
    expect((await chat.say('kefu', `投诉 ${id}`))[0]).toContain('【责任人确认】张三 已确认');
  });
});

describe("§3.1.6 the improvement's effect", () => {
  it('does not close the case when the follow-ups are done but the effect is not confirmed', async () => {
    const id = await followingUp();
    clock = new Date(clock.getTime() + 7 * 24 * H);
    const [reply] = await chat.say('kefu', `回访 ${id} 满意`);
    expect(reply).toContain('改善效果还没有确认有效');
    expect((await Complaint.findById(id).lean())!.status).toBe('following_up');
    const [closed] = await chat.say('kefu', `改善效果 ${id} 有效`);
    expect(closed).toContain('投诉已结案');
    expect((await Complaint.findById(id).lean())!.status).toBe('closed');
  });

  it('无效 tells 人防部 and the case owner and goes back for new measures before it can close', async () => {
    const id = await followingUp();
    const from = chat.sent.length;
    await chat.say('kefu2', `改善效果 ${id} 无效 队员仍然睡岗`);
    expect(inbox('renfang', from)).toContain(`改善无效，待提出新对策：${id}`);
    expect(inbox('kefu', from)).toContain(`改善无效，待提出新对策：${id}`);
    const [again] = await chat.say('kefu', `改善效果 ${id} 有效`);
    expect(again).toContain('人防部还没有提出新的改善对策');
    await chat.say('renfang', `新对策 ${id}\n改善对策: 夜班两人互查`);
    const c = await Complaint.findById(id).lean();
    expect(c!.investigation!.measures).toBe('夜班两人互查');
    expect(c!.measuresDue).toBe(false);
    expect(c!.history.some((h) => h.action === '提出新改善对策' && h.detail.includes('原对策：调整排班'))).toBe(true);
  });
});

describe('§3.1.10 follow-ups', () => {
  it('refuses a follow-up before it is due unless the person says why, and keeps the reason', async () => {
    const id = await followingUp();
    const [early] = await chat.say('kefu', `回访 ${id} 满意 客户说已改善`);
    expect(early).toContain('还没到期');
    expect((await Complaint.findById(id).lean())!.followUps[0]!.doneAt).toBeNull();
    // the card button on a text channel says the same instead of opening a form that cannot ask why
    const [button] = await chat.click('kefu', 'complaints.followup', { id });
    expect(button).toContain('提前原因');
    await chat.say('kefu', `回访 ${id} 满意 客户说已改善 提前原因: 客户主动来电`);
    const f = (await Complaint.findById(id).lean())!.followUps[0]!;
    expect(f.doneAt).toEqual(clock);
    expect(f.note).toContain('提前回访：客户主动来电');
  });

  it('不满意 does not close the case; it asks 客服部 what next, and another follow-up can be planned', async () => {
    const id = await followingUp();
    await chat.say('kefu', `改善效果 ${id} 有效`);
    clock = new Date(clock.getTime() + 7 * 24 * H);
    const from = chat.sent.length;
    const [reply] = await chat.say('kefu', `回访 ${id} 不满意 仍有人睡岗`);
    expect(reply).toContain('客户不满意，暂不结案');
    expect((await Complaint.findById(id).lean())!.status).toBe('following_up');
    expect(inbox('kefu2', from)).toContain(`回访客户不满意：${id}`);
    expect(inbox('kefu2', from)).toContain('再安排回访');
    await chat.click('kefu2', 'complaints.moreFollowUp', { id });
    const c = await Complaint.findById(id).lean();
    expect(c!.followUps).toHaveLength(2);
    expect(c!.followUps[1]!.dueAt).toEqual(new Date(clock.getTime() + 7 * 24 * H));
  });
});

describe('reopening keeps the earlier round', () => {
  it('keeps the earlier investigation and decision visible on the record', async () => {
    const id = await followingUp();
    await chat.say('kefu', `改善效果 ${id} 有效`);
    clock = new Date(clock.getTime() + 7 * 24 * H);
    await chat.say('kefu', `回访 ${id} 满意`);
    expect((await Complaint.findById(id).lean())!.status).toBe('closed');
    await chat.say('kefu', `重开投诉 ${id} 问题再次发生`);
    const c = await Complaint.findById(id).lean();
    expect(c!.status).toBe('registered');
    expect(c!.earlierRounds[0]).toMatchObject({
      reason: '问题再次发生',
      investigation: { cause: '队员疲劳' },
      decision: { handling: '更换队员' },
    });
    const [card] = await chat.say('kefu', `投诉 ${id}`);
    expect(card).toContain('【第 1 轮');
    expect(card).toContain('调查：队员疲劳');
    expect(card).toContain('处理：更换队员');
  });
});

describe('受理日期 for a registration made after the fact', () => {
  it('runs the time limit from the 受理日期 and shows the registration as late (补登)', async () => {
    const id = await register('\n受理日期: 2026-11-23 09:00');
    const c = await Complaint.findById(id).lean();
    const accepted = new Date('2026-11-23T01:00:00Z'); // 09:00 in Shanghai
    expect(c!.acceptedAt).toEqual(accepted);
    expect(c!.registeredAt).toEqual(clock);
    expect(c!.dueAt).toEqual(new Date(accepted.getTime() + 72 * H));
    expect(c!.history[0]!.action).toBe('补登投诉');
    expect((await chat.say('kefu', `投诉 ${id}`))[0]).toContain('（补登，2026-11-27 10:00 登记）');
    // already past its limit: the next sweep escalates it
    const report = await sweepComplaints({ ...bot.services });
    expect(report.escalated).toEqual([id]);
  });

  it('refuses a 受理日期 in the future', async () => {
    const replies = await chat.say('kefu', `登记投诉\n${registrationLines()}\n受理日期: 2026-11-28`);
    expect(replies.join('\n')).toContain('晚于现在');
    expect(await Complaint.countDocuments()).toBe(0);
  });
});
