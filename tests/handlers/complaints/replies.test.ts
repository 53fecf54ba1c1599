import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Complaint } from '../../../handlers/complaints/models.ts';
import { clip } from '../../../handlers/complaints/notice.ts';
import type { Bot } from '../../../src/bot.ts';
import { type Card, type ChannelCapabilities, TEXT_ONLY } from '../../../src/core/types.ts';
import { NUMBER_RE, registrationLines, seedPeople } from '../../helpers/complaints.ts';
import { clearCollections, useDatabase } from '../../helpers/db.ts';
import { type MemoryReceiver, startTestBot, testConfig } from '../../helpers/harness.ts';

/*
 * Issue #21 「Replies that fit a phone」 for complaints: every step's confirmation, to the person who
 * took it and to each person it is passed to, is a few lines (≤ 5 on a text channel) naming the case
 * number, what comes next and for whom, with the whole record one command away (投诉 <编号>); on
 * Lark it is a short card with a 查看详情 button. The record itself is shown where it is asked for.
 */

useDatabase('complaints_replies');

let bot: Bot;
let chat: MemoryReceiver;
let clock = new Date('2026-11-27T02:00:00Z');
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
  await seedPeople('console');
});

/** Markers of the whole record: its form fields and its audit trail. */
const RECORD = ['—— 记录 ——', '投诉缘由：', '客户要求：', '客户地址：'];

/**
 * A confirmation or notice that fits a phone: at most five lines, the case number, what happens
 * next, and none of the whole record (which is one command away for those who may read it).
 */
function expectShort(text: string | undefined, id: string, ...names: string[]): void {
  expect(text, 'a message was sent').toBeDefined();
  const lines = text!.split('\n');
  expect(lines.length, text).toBeLessThanOrEqual(5);
  expect(text).toContain(id);
  expect(text).toMatch(/下一步|请|已结案/);
  for (const marker of RECORD) expect(text, text).not.toContain(marker);
  for (const name of names) expect(text, `${text}\nnames ${name}`).toContain(name);
}

/** What `who` was sent privately since `from` that names the case. */
function to(who: string, from: number, id: string): string[] {
  return chat.privately(who, from).filter((t) => t.includes(id));
}

/** `who` says `text`; every reply about the case is short; returns the replies. */
async function step(who: string, text: string, id: string, ...names: string[]): Promise<string> {
  const replies = (await chat.say(who, text)).filter((t) => t.includes(id));
  expect(replies.length, `a reply to ${text}`).toBeGreaterThan(0);
  for (const r of replies) expectShort(r, id, ...names);
  return replies.join('\n');
}

async function register(who = 'kefu', category = '一般性'): Promise<string> {
  const replies = await chat.say(who, `登记投诉\n${registrationLines({ category })}`);
  const id = NUMBER_RE.exec(replies.join('\n'))?.[0];
  expect(id, replies.join('\n')).toBeDefined();
  return id!;
}

const INVESTIGATION = '发生原因: 队员连续上夜班疲劳\n责任队员: 张三\n责任队长: 陈队长\n改善对策: 调整排班';
const DECISION = '是否合理: 合理\n处理方式: 更换夜班队员\n责任归属: 队员张三\n改善方案: 队长每晚查岗';

describe('each step answers in a few lines: what happened, the number, what next and for whom (#21)', () => {
  it('registration, 确认受理 and 改分类: the registrant, 客服部, 人防部 and the registrant again each get ≤ 5 lines', async () => {
    const from = chat.sent.length;
    const replies = await chat.say('duizhang', `登记投诉\n${registrationLines({ category: '一般性' })}`);
    const id = NUMBER_RE.exec(replies.join('\n'))![0];
    // the registrant: waiting for 客服部, named, and to tell the client
    expectShort(replies.join('\n'), id, '下一步：客服部 王客服、周客服 确认受理', '已告知客户受理');
    for (const kefu of ['kefu', 'kefu2']) {
      const [notice] = to(kefu, from, id);
      expectShort(notice, id, `新投诉待确认受理：${id}`, '[1] 确认受理', '查看详情');
    }

    let at = chat.sent.length;
    await step(
      'kefu',
      `确认投诉 ${id} 扣服务费 客户依合同要求扣服务费`,
      id,
      '下一步：人防部 刘人防 调查',
      `调查 ${id}`,
    );
    expectShort(to('renfang', at, id)[0], id, `新投诉待调查：${id}`, '[1] 记录调查');
    expectShort(to('duizhang', at, id)[0], id, `投诉已确认受理：${id}`, '王客服', '人防部 刘人防');

    at = chat.sent.length;
    await step('kefu2', `改分类 ${id} 一般性 客户撤回扣款要求`, id, `已改分类：${id}`, '下一步：人防部调查');
    expectShort(to('duizhang', at, id)[0], id, `投诉改分类：${id}`, '客户撤回扣款要求');
  });

  it('已告知, 调查, 处理投诉, 签呈, 签呈决定, 告知结果: each actor and each person told get ≤ 5 lines', async () => {
    const id = await register();
    await step('kefu', `已告知 ${id}`, id, '下一步：人防部调查');

    let at = chat.sent.length;
    await step(
      'renfang',
      `调查 ${id}\n${INVESTIGATION}`,
      id,
      '下一步：客服部 王客服、周客服 拟定处理',
      `处理投诉 ${id}`,
    );
    for (const kefu of ['kefu', 'kefu2']) expectShort(to(kefu, at, id)[0], id, `调查完成，待拟定处理：${id}`);
    expectShort(to('zhangsan', at, id)[0], id, '你被确定为：责任队员', `已阅 ${id}`);
    expectShort(to('duizhang', at, id)[0], id, '你被确定为：责任队长');

    at = chat.sent.length;
    await step('kefu', `处理投诉 ${id}\n${DECISION}`, id, '前把处理结果告知客户', '人防部 刘人防');
    expectShort(to('renfang', at, id)[0], id, `处理已拟定：${id}`, '队长每晚查岗');

    at = chat.sent.length;
    await step('renfang', `签呈 ${id} 张三当晚发烧，责任不在队员`, id, '下一步：行政部、董事长 钱行政、孙董事长');
    expectShort(to('xingzheng', at, id)[0], id, `签呈待决定：${id}`, '[1] 维持原处理');
    expectShort(to('dongshi', at, id)[0], id, `签呈待决定：${id}`);

    at = chat.sent.length;
    await step('xingzheng', `签呈决定 ${id} 维持`, id, '下一步：客服部 王客服、周客服 告知客户结果');
    expectShort(to('kefu', at, id)[0], id, `签呈已决定：${id}`, '[1] 告知客户结果');
    // the one who filed it hears what happens next, without 客服部's button
    const filer = to('renfang', at, id)[0];
    expectShort(filer, id, `签呈已决定：${id}`, '维持原处理', '下一步：客服部告知客户结果');
    expect(filer).not.toContain('] 告知客户结果');

    await step(
      'kefu',
      `告知结果 ${id}\n告知内容: 已更换队员\n告知方式: 电话\n告知日期: 今天`,
      id,
      '已建立回访计划',
      '第 1 次回访',
    );
  });

  it('改善效果, 新对策, 回访, 再次回访, 重开投诉: each actor and each person told get ≤ 5 lines', async () => {
    const id = await register();
    await chat.say('kefu', `已告知 ${id}`);
    await chat.say('renfang', `调查 ${id}\n${INVESTIGATION}`);
    await chat.say('kefu', `处理投诉 ${id}\n${DECISION}`);
    await chat.say('kefu', `告知结果 ${id}\n告知内容: 已更换队员\n告知方式: 电话\n告知日期: 今天`);

    let at = chat.sent.length;
    await step('kefu2', `改善效果 ${id} 无效 队员仍然睡岗`, id, '下一步：人防部 刘人防 提出新的改善对策');
    expectShort(to('renfang', at, id)[0], id, `改善无效，待提出新对策：${id}`, '[1] 提出新改善对策');
    // the case owner hears of it too, told what 人防部 does next rather than asked to do it
    const owner = to('kefu', at, id)[0];
    expectShort(owner, id, `改善无效，待提出新对策：${id}`, '下一步：人防部提出新的改善对策');
    expect(owner).not.toContain('提出新改善对策  [');

    at = chat.sent.length;
    await step('renfang', `新对策 ${id}\n改善对策: 夜班两人互查`, id, '下一步：客服部 王客服、周客服 督促执行');
    expectShort(to('kefu', at, id)[0], id, `新改善对策：${id}`, '夜班两人互查', `改善效果 ${id}`);

    await step('kefu', `改善效果 ${id} 有效 已两人互查`, id, '下一步：客服部第 1 次回访');

    clock = new Date(clock.getTime() + 7 * DAY);
    at = chat.sent.length;
    await step('kefu', `回访 ${id} 不满意 仍有人睡岗`, id, '客户不满意，暂不结案', '再安排回访');
    expectShort(to('kefu2', at, id)[0], id, `回访客户不满意：${id}`, '[1] 再安排回访');

    const [planned] = await chat.say('kefu', `再次回访 ${id} 3`);
    expect(planned!.split('\n')).toHaveLength(1);
    expect(planned).toContain(`已安排投诉 ${id} 第 2 次回访`);

    clock = new Date(clock.getTime() + 3 * DAY);
    await step('kefu', `回访 ${id} 满意 已改善`, id, `投诉已结案：${id}`);
    expect((await Complaint.findById(id).lean())!.status).toBe('closed');

    at = chat.sent.length;
    await step('kefu', `重开投诉 ${id} 问题再次发生`, id, '下一步：人防部 刘人防 重新调查', `调查 ${id}`);
    expectShort(to('renfang', at, id)[0], id, `投诉重开，待调查：${id}`, '重开原因：问题再次发生', '[1] 记录调查');
  });

  it('核准处理 and 不核准 (§4.4): the chairman, 客服部 and the one who drafted it get ≤ 5 lines', async () => {
    const id = await register('kefu', '扣服务费');
    await chat.say('renfang', `调查 ${id}\n${INVESTIGATION}`);
    let at = chat.sent.length;
    await step('kefu', `处理投诉 ${id}\n${DECISION}\n扣款金额: 500\n扣款月份: 2026-11`, id, '已报董事长 孙董事长 核准');
    expectShort(to('dongshi', at, id)[0], id, `待董事长核准：${id}`, '[1] 核准处理', '不核准');

    at = chat.sent.length;
    await step('dongshi', `核准处理 ${id} 不同意 只同意更换队员，不扣服务费`, id, '下一步：已退回客服部 王客服');
    expectShort(to('kefu', at, id)[0], id, '董事长不核准处理', `处理投诉 ${id}`, '] 拟定处理');

    await chat.say('kefu', `处理投诉 ${id}\n${DECISION}\n扣款金额: 300\n扣款月份: 2026-11`);
    at = chat.sent.length;
    await step('dongshi', `核准处理 ${id}`, id, '下一步：客服部 王客服、周客服 告知客户结果');
    expectShort(to('kefu', at, id)[0], id, `董事长已核准处理：${id}`, '] 告知客户结果');
  });

  it('投诉 <编号> still shows the whole record, every step on its trail', async () => {
    const id = await register();
    await chat.say('kefu', `已告知 ${id}`);
    // every short reply says how to get it: as a command where it has no buttons, else as one
    const [investigated] = await chat.say('renfang', `调查 ${id}\n${INVESTIGATION}`);
    expect(investigated).toContain(`（发送「投诉 ${id}」查看完整记录）`);
    const [decided] = await chat.say('kefu', `处理投诉 ${id}\n${DECISION}`);
    expect(decided).toContain('[1] 告知客户结果  [2] 查看详情');
    expect((await chat.say('kefu', '2'))[0]).toContain('—— 记录 ——');
    const [record] = await chat.say('kefu', `投诉 ${id}`);
    for (const marker of RECORD) expect(record).toContain(marker);
    expect(record).toContain('【调查】原因：队员连续上夜班疲劳');
    expect(record).toContain('【处理】合理投诉；处理方式：更换夜班队员');
    for (const action of ['登记投诉', '确认已告知客户受理', '记录调查', '拟定处理']) expect(record).toContain(action);
  });

  it('keeps the privacy rules: the phone is masked in a group and for those who may not see it, in full to 人防部 in private', async () => {
    const registered = (await chat.say('duizhang', `登记投诉\n${registrationLines()}`)).join('\n');
    const id = NUMBER_RE.exec(registered)![0];
    // a 队长 is not 客服部/人防部
    expect(registered).toContain('137****5678');
    expect(registered).not.toContain('13712345678');
    const at = chat.sent.length;
    await chat.say('kefu', `确认投诉 ${id}`);
    // 人防部 calls the client back: the number in full in private
    expect(to('renfang', at, id).join('\n')).toContain('13712345678');
    const inGroup = (
      await chat.say('kefu', `登记投诉\n${registrationLines({ name: '华联超市' })}`, {
        chatId: 'group-1',
        isGroup: true,
      })
    ).join('\n');
    expect(inGroup).toMatch(NUMBER_RE);
    expect(inGroup).toContain('137****5678');
    expect(inGroup).not.toContain('13712345678');
  });
});

describe('on Lark a step confirmation is a short card with a 查看详情 button (#21)', () => {
  let lark: MemoryReceiver;
  let larkBot: Bot;
  beforeAll(async () => {
    ({ bot: larkBot, receiver: lark } = await startTestBot({ config, channel: 'lark', now: () => clock }));
    // the receiver as Lark: its buttons are clicked rather than answered with a number
    (lark.sender as { capabilities: ChannelCapabilities }).capabilities = { ...TEXT_ONLY, clickableButtons: true };
  });
  afterAll(() => larkBot.stop());
  beforeEach(async () => {
    await clearCollections();
    await seedPeople('lark');
  });

  /** The cards sent since `from` that name the case. */
  const cards = (from: number, id: string): Card[] =>
    lark.sent
      .slice(from)
      .map((s) => s.message)
      .filter((m): m is Card => typeof m !== 'string' && JSON.stringify(m).includes(id));

  it('registration, 调查 and 处理投诉: every card is ≤ 6 lines with 查看详情, the next actor keeps the buttons to act', async () => {
    const from = lark.sent.length;
    const replies = await lark.say('kefu', `登记投诉\n${registrationLines()}`);
    const id = NUMBER_RE.exec(replies.join('\n'))![0];
    await lark.say('renfang', `调查 ${id}\n${INVESTIGATION}`);
    await lark.say('kefu', `处理投诉 ${id}\n${DECISION}`);
    const sent = cards(from, id);
    expect(sent.length).toBeGreaterThanOrEqual(6);
    for (const card of sent) {
      expect(card.lines.length + (card.note ? 1 : 0), JSON.stringify(card)).toBeLessThanOrEqual(6);
      expect(card.lines.join('\n')).not.toContain('投诉缘由：');
      if (card.title.startsWith('投诉责任告知')) continue;
      expect(card.buttons?.find((b) => b.label === '查看详情')).toMatchObject({
        action: 'complaints.show',
        value: { id },
      });
      // the command is for text channels; here it is the button
      expect(card.note ?? '').not.toContain('查看完整记录');
    }
    const toOps = sent.find((c) => c.title === `新投诉待调查：${id}`)!;
    expect(toOps.buttons!.map((b) => b.action)).toEqual(['complaints.investigate', 'complaints.show']);
    // 查看详情 shows the whole record
    const [record] = await lark.click('renfang', 'complaints.show', { id });
    expect(record).toContain('—— 记录 ——');
    expect(record).toContain('投诉缘由：夜班队员在岗睡觉');
  });
});

describe('a quoted line is cut short, never inside a number (#21)', () => {
  it('drops a phone cut in two rather than leave digits that no longer read as a phone to mask', () => {
    expect(clip('客户张经理 13712345678 说队员睡岗', 10)).toBe('客户张经理…');
    expect(clip('客户张经理 13712345678 说队员睡岗', 20)).toBe('客户张经理 13712345678 说队…');
    expect(clip('夜班队员在岗睡觉', 30)).toBe('夜班队员在岗睡觉');
  });
});
