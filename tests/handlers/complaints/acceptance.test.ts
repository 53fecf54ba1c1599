import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Complaint } from '../../../handlers/complaints/models.ts';
import { sweepComplaints } from '../../../schedules/complaints.ts';
import type { Bot } from '../../../src/bot.ts';
import { Staff } from '../../../src/models/index.ts';
import { NUMBER_RE, type PEOPLE, registrationLines, seedPeople } from '../../helpers/complaints.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot, testConfig } from '../../helpers/harness.ts';

/*
 * Issue #20, holes 5 and 6 for complaints, performed as the person trying to get around the rule:
 * a 队长 downgrading a 扣服务费 complaint at registration (Ch.10 III §2, §3.1.3, §4.1), and a person
 * named responsible deciding their own complaint through a second role.
 */

useDatabase('complaints_acceptance');

let bot: Bot;
let chat: MemoryReceiver;
let clock = new Date('2026-11-27T02:00:00Z');
const H = 3600_000;
const config = testConfig({
  COMPLAINT_LIMIT_HOURS_GENERAL: '72',
  COMPLAINT_LIMIT_HOURS_FEE_DEDUCTION: '24',
  COMPLAINT_LIMIT_HOURS_UNJUSTIFIED: '120',
  COMPLAINT_REMIND_BEFORE_HOURS: '6',
  COMPLAINT_FOLLOWUP_DAYS: '7',
});
let ids: Record<keyof typeof PEOPLE, string>;

beforeAll(async () => {
  ({ bot, receiver: chat } = await startTestBot({ config, now: () => clock }));
});
afterAll(() => bot.stop());
beforeEach(async () => {
  await clearCollections();
  clock = new Date('2026-11-27T02:00:00Z');
  ids = await seedPeople('console');
});

const inbox = (who: string, from: number) => chat.privately(who, from).join('\n');
const say = async (who: string, text: string) => (await chat.say(who, text)).join('\n');
const load = async (id: string) => (await Complaint.findById(id).lean())!;

async function register(who: string, category: string): Promise<string> {
  const replies = await say(
    who,
    `登记投诉\n${registrationLines({ category, reason: '客户称夜班脱岗，要按合同扣本月服务费' })}`,
  );
  const id = NUMBER_RE.exec(replies)?.[0];
  expect(id, replies).toBeDefined();
  return id!;
}

describe('category downgrade (Ch.10 III §2, §3.1.3, §4.1)', () => {
  it('a 队长 registering a 扣服务费 complaint as 非正当理由 gets no 120 h clock: it waits for 客服部, who reclassifies it with history, and 24 h run from acceptance', async () => {
    const start = chat.sent.length;
    const id = await register('duizhang', '非正当理由');
    let c = await load(id);
    // §4.1 only customer service accepts: no clock, nobody investigates yet; only §4.2's 已告知 reminder is due
    expect(c).toMatchObject({
      status: 'unconfirmed',
      category: 'unjustified',
      registeredBy: { name: '陈队长' },
      nextCheckAt: new Date(clock.getTime() + 2 * H),
    });
    const toKefu = inbox('kefu', start);
    expect(toKefu).toContain(`新投诉待确认受理：${id}`);
    expect(toKefu).toMatch(/确认受理[\s\S]*改为扣服务费/);
    expect(inbox('renfang', start)).not.toContain(id);
    expect(
      await say('renfang', `调查 ${id}\n发生原因: 疲劳\n责任队员: 张三\n责任队长: 陈队长\n改善对策: 排班`),
    ).toContain('等客服部确认受理');
    expect((await load(id)).status).toBe('unconfirmed');

    // the registrant cannot confirm or reclassify it himself
    expect(await say('duizhang', `改分类 ${id} 一般性 客户只是不满`)).toContain('没有权限');
    expect(await say('duizhang', `确认投诉 ${id}`)).toContain('没有权限');

    // however long it waits, the sweep neither reminds nor escalates nor decides it
    clock = new Date(clock.getTime() + 2 * H);
    const swept = await sweepComplaints(bot.services);
    expect([...swept.reminded, ...swept.escalated]).toEqual([]);

    // 客服部 changes the category only with a reason
    expect(await say('kefu', `确认投诉 ${id} 扣服务费`)).toContain('须写明原因');
    expect((await load(id)).status).toBe('unconfirmed');
    const acceptedAt = clock;
    const confirmed = await say('kefu', `确认投诉 ${id} 扣服务费 客户依合同要求扣本月服务费`);
    expect(confirmed).toContain(`已确认受理：${id}`);
    c = await load(id);
    expect(c).toMatchObject({
      status: 'registered',
      category: 'fee_deduction',
      acceptedBy: { name: '王客服' },
      registeredBy: { name: '陈队长' },
    });
    expect(c.acceptedAt).toEqual(acceptedAt);
    expect(c.dueAt).toEqual(new Date(acceptedAt.getTime() + 24 * H));
    expect(c.categoryChanges).toMatchObject([
      { by: { name: '王客服' }, from: 'unjustified', to: 'fee_deduction', reason: '客户依合同要求扣本月服务费' },
    ]);
    expect(c.categoryChanges[0]!.at).toEqual(acceptedAt);
    expect(c.history.at(-1)).toMatchObject({ action: '确认受理', by: { name: '王客服' } });
    expect(c.history.at(-1)!.detail).toContain('非正当理由投诉 → 扣服务费性投诉');
    expect(inbox('renfang', start)).toContain(`新投诉待调查：${id}`);
    expect(inbox('duizhang', start)).toContain(`投诉已确认受理：${id}`);
    expect(await say('kefu', `投诉 ${id}`)).toContain('【改分类】');

    // the 24 h run out under the true category, and the decision must record the deduction
    clock = new Date(acceptedAt.getTime() + 24 * H + 60_000);
    expect((await sweepComplaints(bot.services)).escalated).toEqual([id]);
    await say('renfang', `调查 ${id}\n发生原因: 疲劳\n责任队员: 张三\n责任队长: 无\n改善对策: 排班`);
    expect(
      await say('kefu', `处理投诉 ${id}\n是否合理: 合理\n处理方式: 更换队员\n责任归属: 队员张三\n改善方案: 查岗`),
    ).toContain('扣的服务费金额');
  });

  it('客服部 may reclassify an accepted case later with a reason, recomputed from acceptance; the registrant may not, nor anyone after the decision', async () => {
    const id = await register('kefu', '一般性');
    const acceptedAt = clock;
    // a 客服部 registration is accepted at once
    expect(await load(id)).toMatchObject({ status: 'registered', acceptedBy: { name: '王客服' } });
    expect((await load(id)).dueAt).toEqual(new Date(acceptedAt.getTime() + 72 * H));

    expect(await say('kefu', `改分类 ${id} 非正当理由 客户要求过分`)).toContain('这件投诉是你登记的');
    expect(await say('kefu2', `改分类 ${id} 扣服务费`)).toContain('须写明原因');
    expect((await load(id)).category).toBe('general');

    clock = new Date(clock.getTime() + 3 * H);
    expect(await say('kefu2', `改分类 ${id} 扣服务费 客户来函要求扣服务费`)).toContain(`已改分类：${id}`);
    const c = await load(id);
    expect(c.category).toBe('fee_deduction');
    expect(c.dueAt).toEqual(new Date(acceptedAt.getTime() + 24 * H));
    expect(c.categoryChanges).toMatchObject([
      { by: { name: '周客服' }, from: 'general', to: 'fee_deduction', reason: '客户来函要求扣服务费' },
    ]);
    expect(c.history.at(-1)).toMatchObject({ action: '改分类', by: { name: '周客服' } });

    await say('renfang', `调查 ${id}\n发生原因: 疲劳\n责任队员: 张三\n责任队长: 无\n改善对策: 排班`);
    await say(
      'kefu',
      `处理投诉 ${id}\n是否合理: 合理\n处理方式: 更换队员\n责任归属: 队员张三\n改善方案: 查岗\n扣款金额: 500\n扣款月份: 2026-11`,
    );
    expect((await load(id)).status).toBe('decided');
    expect(await say('kefu2', `改分类 ${id} 一般性 客户撤回扣款`)).toContain('不能再改分类');
    expect((await load(id)).category).toBe('fee_deduction');
  });

  it('the card buttons: 改为扣服务费 asks the reason and accepts the case with it; 确认受理 keeps the category', async () => {
    const a = await register('duizhang', '非正当理由');
    expect(
      (await chat.click('kefu', 'complaints.reclassify', { id: a, category: 'fee_deduction' })).join('\n'),
    ).toContain('改分类原因');
    await say('kefu', '客户合同有扣费条款');
    expect(await load(a)).toMatchObject({
      status: 'registered',
      category: 'fee_deduction',
      categoryChanges: [{ reason: '客户合同有扣费条款' }],
    });

    const b = await register('duizhang', '一般性');
    await chat.click('kefu', 'complaints.confirm', { id: b });
    expect(await load(b)).toMatchObject({ status: 'registered', category: 'general', categoryChanges: [] });
    expect((await chat.click('kefu2', 'complaints.confirm', { id: b })).join('\n')).toContain('已经确认受理过了');
  });
});

describe("deciding one's own case (#20): named responsible in a complaint", () => {
  /** 周客服 is also a 队长 here, and the investigation names him 责任队长. */
  async function investigatedWithKefu2Responsible(): Promise<string> {
    await Staff.updateOne({ _id: ids.kefu2 }, { $set: { roles: ['team_leader', 'customer_service'] } });
    const id = await register('kefu', '一般性');
    await say('renfang', `调查 ${id}\n发生原因: 队长查岗不到位\n责任队员: 张三\n责任队长: 周客服\n改善对策: 每晚查岗`);
    expect((await load(id)).responsible.map((r) => r.name)).toEqual(['张三', '周客服']);
    return id;
  }

  it('a 队长 + 客服部 named responsible cannot decide their own complaint as 不合理/客户原因, nor reclassify it; a colleague can decide', async () => {
    const start = chat.sent.length;
    const id = await investigatedWithKefu2Responsible();
    const tried = await say(
      'kefu2',
      `处理投诉 ${id}\n是否合理: 不合理\n处理方式: 不处理\n责任归属: 客户原因\n改善方案: 无`,
    );
    expect(tried).toContain(`你是投诉 ${id} 的责任人`);
    expect(tried).toContain('本人回避');
    expect((await load(id)).decision).toBeNull();
    expect((await chat.click('kefu2', 'complaints.decide', { id })).join('\n')).toContain('本人回避');
    expect(await say('kefu2', `改分类 ${id} 非正当理由 客户无理取闹`)).toContain('本人回避');
    expect((await load(id)).category).toBe('general');
    // he is not sent the 拟定处理 card his department gets
    expect(inbox('kefu', start)).toContain(`调查完成，待拟定处理：${id}`);
    expect(inbox('kefu2', start)).not.toContain('调查完成，待拟定处理');

    expect(
      await say('kefu', `处理投诉 ${id}\n是否合理: 合理\n处理方式: 更换队长\n责任归属: 队长周客服\n改善方案: 每晚查岗`),
    ).toContain(`处理已拟定：${id}`);
    // nor does he tell the client the result, confirm the effect or log the follow-up
    expect(await say('kefu2', `告知结果 ${id}\n告知内容: 已处理\n告知方式: 电话\n告知日期: 今天`)).toContain(
      '本人回避',
    );
    expect(await say('kefu2', `改善效果 ${id} 有效`)).toContain('本人回避');
    await say('kefu', `告知结果 ${id}\n告知内容: 已更换队长\n告知方式: 电话\n告知日期: 今天`);
    clock = new Date(clock.getTime() + 8 * 24 * H);
    expect(await say('kefu2', `回访 ${id} 满意 客户说已改善`)).toContain('本人回避');
    const c = await load(id);
    expect(c.effect).toBeNull();
    expect(c.followUps.every((f) => !f.doneAt)).toBe(true);
    // what he may still do about his own case: confirm he has seen it, and file a 签呈
    expect(await say('kefu2', `已阅 ${id}`)).toContain('已记录：你已阅知');
    expect(await say('kefu2', `签呈 ${id} 责任不在队长`)).toContain('签呈已提交');
  });

  it('someone named responsible in an earlier round stays out of the reopened case: a 人防部 member cannot investigate it', async () => {
    await Staff.updateOne({ _id: ids.renfang }, { $set: { roles: ['guard_ops', 'team_leader'] } });
    const id = await register('kefu', '一般性');
    // §4.2: told at once, so the case can close (#20)
    await say('kefu', `已告知 ${id}`);
    await say('renfang', `调查 ${id}\n发生原因: 查岗不到位\n责任队员: 无\n责任队长: 刘人防\n改善对策: 每晚查岗`);
    await say('kefu', `处理投诉 ${id}\n是否合理: 合理\n处理方式: 批评教育\n责任归属: 队长\n改善方案: 查岗`);
    await say('kefu', `告知结果 ${id}\n告知内容: 已处理\n告知方式: 电话\n告知日期: 今天`);
    await say('kefu', `改善效果 ${id} 有效`);
    clock = new Date(clock.getTime() + 8 * 24 * H);
    await say('kefu', `回访 ${id} 满意 正常`);
    expect((await load(id)).status).toBe('closed');
    await say('kefu', `重开投诉 ${id} 问题再次发生`);
    expect((await load(id)).status).toBe('registered');
    expect(await say('renfang', `调查 ${id}\n发生原因: 没问题\n责任队员: 无\n责任队长: 无\n改善对策: 无`)).toContain(
      '本人回避',
    );
    expect((await load(id)).investigation).toBeNull();
  });
});
