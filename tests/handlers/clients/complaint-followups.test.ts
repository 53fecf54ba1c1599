import { describe, expect, it } from 'vitest';
import { ClientLog } from '../../../handlers/clients/models.ts';
import { Complaint } from '../../../handlers/complaints/models.ts';
import { NUMBER_RE, registrationLines, seedPeople } from '../../helpers/complaints.ts';
import { testConfig, useTestBot } from '../../helpers/harness.ts';

/*
 * III.3.1.10 in the clients workflow: a 跟进 (phone follow-up) or 拜访 (visit) with a client whose
 * complaint follow-up is due is recorded as that follow-up through the complaint workflow's own
 * step — once, with who and when — and counts toward closing the complaint.
 */

let clock = new Date('2026-11-27T02:00:00Z');
const DAY = 24 * 3600_000;
const config = testConfig({ COMPLAINT_FOLLOWUP_DAYS: '7' });

const { chat } = useTestBot('clients_complaint_followups', {
  config,
  now: () => clock,
  seed: async () => {
    clock = new Date('2026-11-27T02:00:00Z');
    await seedPeople('console');
  },
});

const say = async (who: string, text: string) => (await chat.say(who, text)).join('\n');
const inbox = (who: string, from: number) => chat.privately(who, from).join('\n');

/** A complaint of 万达物业 (the client told it is handled, §4.2) told its result, its improvement confirmed 有效: one follow-up away from closing. */
async function awaitingFollowUp(): Promise<string> {
  const id = NUMBER_RE.exec(await say('kefu', `登记投诉\n${registrationLines()}`))?.[0];
  expect(id).toBeDefined();
  await say('kefu', `已告知 ${id}`);
  await say('renfang', `调查 ${id}\n发生原因: 队员疲劳\n责任队员: 张三\n责任队长: 陈队长\n改善对策: 调整排班`);
  await say('kefu', `处理投诉 ${id}\n是否合理: 合理\n处理方式: 更换队员\n责任归属: 队员张三\n改善方案: 队长查岗`);
  await say('kefu', `告知结果 ${id}\n告知内容: 已更换队员\n告知方式: 电话\n告知日期: 今天`);
  await say('kefu', `改善效果 ${id} 有效`);
  expect((await Complaint.findById(id).lean())!.status).toBe('following_up');
  return id!;
}

const VISIT = [
  '拜访 万达物业',
  '拜访目的: 回访投诉处理',
  '接待人: 张经理',
  '接待人职务: 物业经理',
  '客户需求: 跳过',
  '发现的问题: 跳过',
  '指导和培训: 跳过',
  '客户异议及处理: 跳过',
  '竞争对手情况: 跳过',
  '潜在客户信息: 跳过',
  '日期: 今天',
];

describe('III.3.1.10 complaint follow-ups logged the same way as client follow-ups', () => {
  it('a 跟进 with the client records the due complaint follow-up once, with who and when, and closes the complaint', async () => {
    const id = await awaitingFollowUp();
    clock = new Date(clock.getTime() + 8 * DAY);
    expect(await say('kefu', '今日跟进')).toContain(`${id} 万达物业 第 1 次回访`);

    const reply = await say('kefu', '跟进 万达物业 张经理 满意 夜班已改善');
    expect(reply).toContain('已记录电话回访：万达物业');
    expect(reply).toContain(`已计入投诉 ${id} 第 1 次回访（满意）`);
    expect(reply).toContain('投诉已结案');
    const c = (await Complaint.findById(id).lean())!;
    expect(c.status).toBe('closed');
    expect(c.followUps[0]).toMatchObject({ doneAt: clock, outcome: '满意', by: { name: '王客服' } });
    expect(c.followUps[0]!.note).toContain('电话回访，联系 张经理：满意 夜班已改善');
    expect(c.history.filter((h) => h.action === '记录回访')).toHaveLength(1);
    expect(await ClientLog.findOne().lean()).toMatchObject({ kind: 'call', complaintId: id, complaintSeq: 1 });

    // the owner's list no longer shows it, and a second call counts nothing again
    expect(await say('kefu', '今日跟进')).not.toContain(id);
    expect(await say('kefu', '跟进 万达物业 张经理 满意 再确认一次')).not.toContain('已计入投诉');
    expect((await Complaint.findById(id).lean())!.history.filter((h) => h.action === '记录回访')).toHaveLength(1);
    expect(await say('kefu', '客户 万达物业')).toContain(`（计入投诉 ${id} 第 1 次回访）`);
  });

  it('a 拜访 asks how the complaint follow-up went; 不满意 keeps the complaint open and tells 客服部', async () => {
    const id = await awaitingFollowUp();
    clock = new Date(clock.getTime() + 8 * DAY);
    expect(await say('kefu', VISIT.join('\n'))).toContain('答应了客户什么');
    expect(await say('kefu', '跳过')).toContain('客户对投诉处理满意吗');
    const from = chat.sent.length;
    const reply = await say('kefu', '不满意');
    expect(reply).toContain('已记录拜访：万达物业');
    expect(reply).toContain(`已计入投诉 ${id} 第 1 次回访（不满意）`);
    const c = (await Complaint.findById(id).lean())!;
    expect(c.status).toBe('following_up');
    expect(c.followUps[0]).toMatchObject({ outcome: '不满意', by: { name: '王客服' } });
    expect(inbox('kefu2', from)).toContain(`回访客户不满意：${id}`);
  });

  it("a team leader's call is logged, but the complaint follow-up waits for 客服部 (the complaint rule)", async () => {
    const id = await awaitingFollowUp();
    clock = new Date(clock.getTime() + 8 * DAY);
    const reply = await say('duizhang', '跟进 万达物业 张经理 满意 一切正常');
    expect(reply).toContain('已记录电话回访：万达物业');
    expect(reply).toContain(`投诉回访也到期了：${id}（第 1 次）。投诉回访须由客服部记录`);
    expect((await Complaint.findById(id).lean())!.followUps[0]!.doneAt).toBeNull();
  });

  it('with several complaint follow-ups due it asks which, and the number names the one', async () => {
    const first = await awaitingFollowUp();
    const second = await awaitingFollowUp();
    clock = new Date(clock.getTime() + 8 * DAY);
    const asked = await say('kefu', '跟进 万达物业 张经理 满意 已改善');
    expect(asked).toContain(`有 2 件投诉回访到期：${first}（第 1 次）、${second}（第 1 次）`);
    expect(asked).toContain(`跟进 万达物业 ${first} 张经理 满意`);
    expect(await ClientLog.countDocuments()).toBe(0);

    const reply = await say('kefu', `跟进 万达物业 ${second} 张经理 满意 已改善`);
    expect(reply).toContain(`已计入投诉 ${second} 第 1 次回访（满意）`);
    expect(reply).toContain(`这个客户的投诉回访也到期了：${first}（第 1 次）`);
    expect((await Complaint.findById(second).lean())!.status).toBe('closed');
    expect((await Complaint.findById(first).lean())!.followUps[0]!.doneAt).toBeNull();
  });

  it('a complaint number whose follow-up is not due yet is refused, and nothing is logged', async () => {
    const id = await awaitingFollowUp();
    const reply = await say('kefu', `跟进 万达物业 ${id} 张经理 满意 已改善`);
    expect(reply).toContain(`投诉 ${id} 的下一次回访还没到期`);
    expect(await ClientLog.countDocuments()).toBe(0);
    expect((await Complaint.findById(id).lean())!.followUps[0]!.doneAt).toBeNull();
  });
});
