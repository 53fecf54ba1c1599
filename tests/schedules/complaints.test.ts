import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { complaintDue } from '../../handlers/complaints/due.ts';
import { Complaint } from '../../handlers/complaints/models.ts';
import { backfillComplaintKeys, sweepComplaints } from '../../schedules/complaints.ts';
import type { Bot } from '../../src/bot.ts';
import { DueChunk } from '../../src/models/index.ts';
import { NUMBER_RE, registrationLines, seedPeople } from '../helpers/complaints.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { type MemoryReceiver, startTestBot, testConfig } from '../helpers/harness.ts';

useDatabase('complaint_sweep');

let bot: Bot;
let chat: MemoryReceiver;
const t0 = new Date('2026-11-27T02:00:00Z');
let clock = t0;
const H = 3600_000;
const config = testConfig({
  COMPLAINT_LIMIT_HOURS_GENERAL: '72',
  COMPLAINT_REMIND_BEFORE_HOURS: '6',
  COMPLAINT_FOLLOWUP_DAYS: '7',
});
const hoursIn = (hours: number) => new Date(t0.getTime() + hours * H);

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ config, now: () => clock }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  clock = t0;
  await seedPeople('console');
});

const inbox = (who: string, from: number) => chat.privately(who, from);

/** A case registered by 客服部, the client told at once (§4.2): its checks are the time limit's and the follow-ups'. */
async function register(): Promise<string> {
  const replies = await chat.say('kefu', `登记投诉\n${registrationLines()}`);
  const id = NUMBER_RE.exec(replies.join('\n'))?.[0];
  expect(id, replies.join('\n')).toBeDefined();
  await chat.say('kefu', `已告知 ${id}`);
  return id!;
}

async function sweepAt(at: Date) {
  clock = at;
  return sweepComplaints(bot.services);
}

describe('§3.1.3 time-limit sweep over due keys', () => {
  it('reminds before the limit and escalates an overdue case exactly once, however many sweeps run', async () => {
    const id = await register();
    const start = chat.sent.length;
    expect((await sweepAt(hoursIn(66.5))).reminded).toEqual([id]);
    expect((await sweepAt(hoursIn(72.5))).escalated).toEqual([id]);
    for (const h of [72.5, 72.6, 73, 80, 200]) {
      const r = await sweepAt(hoursIn(h));
      expect(r).toEqual({ reminded: [], escalated: [], followUps: [], ackReminded: [] });
    }
    const c = (await Complaint.findById(id).lean())!;
    expect(c.history.filter((e) => e.action === '逾期上报')).toHaveLength(1);
    expect(c.history.filter((e) => e.action === '时效提醒')).toHaveLength(1);
    expect(inbox('kefu', start).filter((t) => t.includes(`投诉逾期：${id}`))).toHaveLength(1);
    expect(inbox('zonghe', start).filter((t) => t.includes(`投诉逾期：${id}`))).toHaveLength(1);
  });

  it('§3.1.10 finds a case whose check moved (result told → follow-up in 7 days) and ignores its old key', async () => {
    await sweepAt(t0);
    const id = await register();
    await chat.say('renfang', `调查 ${id}\n发生原因: 队员疲劳\n责任队员: 张三\n责任队长: 陈队长\n改善对策: 调整排班`);
    await chat.say(
      'kefu',
      `处理投诉 ${id}\n是否合理: 合理\n处理方式: 更换队员\n责任归属: 队员张三\n改善方案: 队长查岗`,
    );
    await chat.say('kefu', `告知结果 ${id}\n告知内容: 已更换队员\n告知方式: 电话\n告知日期: 今天`);
    const told = (await Complaint.findById(id).lean())!;
    expect(told.status).toBe('following_up');
    // the registration's key (reminder at 66 h) is still there, the case no longer due then
    expect(await sweepAt(hoursIn(67))).toEqual({ reminded: [], escalated: [], followUps: [], ackReminded: [] });
    expect((await Complaint.findById(id).lean())!.version).toBe(told.version);
    expect((await sweepAt(new Date(told.nextCheckAt!.getTime() + 60_000))).followUps).toEqual([id]);
  });

  it('a crash between the key write and the case write leaves an extra key that changes nothing', async () => {
    await sweepAt(t0);
    const id = await register();
    const start = chat.sent.length;
    const version = (await Complaint.findById(id).lean())!.version;
    // a change to "check at +1 h" that wrote its key and died before writing the case
    await complaintDue.add(id, hoursIn(1), clock);
    expect(await sweepAt(hoursIn(1.1))).toEqual({ reminded: [], escalated: [], followUps: [], ackReminded: [] });
    expect((await Complaint.findById(id).lean())!.version).toBe(version);
    expect(chat.sent.length).toBe(start);
    // the case's own key still brings the reminder at its time, once
    expect((await sweepAt(hoursIn(66.5))).reminded).toEqual([id]);
    expect((await sweepAt(hoursIn(66.6))).reminded).toEqual([]);
  });

  it('takes cases stored before the keys existed: by itself on a first sweep, and through the backfill', async () => {
    const first = await register();
    await DueChunk.deleteMany({});
    expect((await sweepAt(hoursIn(72.5))).escalated).toEqual([first]);

    clock = hoursIn(80);
    const second = await register();
    await DueChunk.deleteMany({});
    // the sweep already has a position: without the key it does not see the case (no scan)
    expect((await sweepAt(hoursIn(160))).escalated).toEqual([]);
    await backfillComplaintKeys(bot.services);
    expect((await sweepAt(hoursIn(160))).escalated).toEqual([second]);
    expect((await sweepAt(hoursIn(161))).escalated).toEqual([]);
  });
});
