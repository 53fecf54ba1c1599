import { beforeEach, describe, expect, it } from 'vitest';
import { eveningStep } from '../../../handlers/dorms/evening.ts';
import { DormLeader, RollCall } from '../../../handlers/dorms/models.ts';
import { Dorm, Staff } from '../../../src/models/index.ts';
import { clearCollections } from '../../helpers/db.ts';
import { type DormWho, seedDormPeople, seedLeaders, sh } from '../../helpers/dorms.ts';
import { useTestBot } from '../../helpers/harness.ts';

let clock = sh('20:00');
let ids: Record<DormWho, string>;
/** Where this test's messages start in the receiver's record. */
let mark = 0;

const { bot, chat } = useTestBot('dorms_workflow', {
  now: () => clock,
  seed: async () => {
    clock = sh('20:00');
    ids = await seedDormPeople('console');
    mark = chat.sent.length;
  },
});

/** What went privately to `who` since `from`. */
const inbox = (who: DormWho, from = mark) => chat.privately(who, from);
const say = (who: DormWho, text: string) => chat.say(who, text).then((r) => r.join('\n'));
const step = (at: Date) => {
  clock = at;
  return eveningStep(bot.services, at);
};

describe('§3.3.3 who is responsible for a dorm', () => {
  it('行政部 assigns a team leader; someone who is not a 队长 is refused; a guard may not assign', async () => {
    expect(await say('xingzheng', '设置宿舍队长 城南宿舍 陈队长')).toContain('已指定 陈队长 为 城南宿舍 的队长');
    expect(await say('xingzheng', '设置宿舍队长 城南宿舍 陈队长')).toContain('没有重复设置');
    expect(await say('zonghe', '设置宿舍队长 城南宿舍 张三')).toContain('不是队长');
    expect(await say('zonghe', '设置宿舍队长 西区宿舍 陈队长')).toContain('没有「西区宿舍」');
    expect(await say('zhangsan', '设置宿舍队长 城南宿舍 张三')).toContain('没有权限');
    expect(await DormLeader.find().lean()).toHaveLength(1);
    expect(await say('zonghe', '取消宿舍队长 城南宿舍 陈队长')).toContain('现在没有队长');
    expect(await DormLeader.countDocuments()).toBe(0);
  });

  it('#18 「城南 宿舍」 is the dorm 城南宿舍: 设置宿舍 makes no second dorm, 设置宿舍队长 and 宿舍列表 take it too', async () => {
    expect(await say('xingzheng', '设置宿舍 郑九 城南 宿舍')).toContain('已把 郑九 的宿舍设为：城南宿舍');
    expect((await Dorm.find().lean()).map((d) => d.name).sort()).toEqual(['东区宿舍', '城北宿舍', '城南宿舍'].sort());
    expect((await Staff.findById(ids.zhengjiu).lean())!.dorm).toBe('城南宿舍');
    expect(await say('xingzheng', '设置宿舍队长 城南 宿舍 陈队长')).toContain('已指定 陈队长 为 城南宿舍 的队长');
    const one = await say('zonghe', '宿舍列表 城南 宿舍');
    expect(one).toContain('郑九');
    expect(one).toContain('队长：陈队长');
    // the leader's own command: 「城南 宿舍」 then what to report
    expect(await say('chen', '查房记录 城南 宿舍 2026-11')).toContain('城南宿舍');
  });

  it('宿舍列表 shows each dorm’s residents and leader, and flags a dorm with residents and no leader', async () => {
    await seedLeaders(ids);
    const list = await say('zonghe', '宿舍列表');
    expect(list).toContain('城南宿舍：4 人，队长：陈队长');
    expect(list).toContain('东区宿舍：1 人，队长：⚠️ 未指定');
    const one = await say('zonghe', '宿舍列表 城南宿舍');
    expect(one).toContain('1. 张三');
    expect(one).toContain('队长：陈队长');
    expect(one).toContain('[1] 取消队长：陈队长');
  });

  it('the dorm card’s buttons make a resident 队长 the leader, and remove one; a guard cannot press them', async () => {
    const card = await say('xingzheng', '宿舍列表 城南宿舍');
    expect(card).toContain('队长：⚠️ 未指定');
    expect(card).toContain('[1] 设为队长：陈队长');
    expect(
      (await chat.click('zhangsan', 'dorms.assign', { dorm: '城南宿舍', staffId: ids.chen })).join('\n'),
    ).toContain('没有权限');
    expect(await DormLeader.countDocuments()).toBe(0);
    expect(await say('xingzheng', '1')).toContain('已指定 陈队长 为 城南宿舍 的队长');
    expect(await DormLeader.countDocuments({ dorm: '城南宿舍' })).toBe(1);
    await say('xingzheng', '宿舍列表 城南宿舍');
    expect(await say('xingzheng', '1')).toContain('已取消 陈队长 的 城南宿舍 队长');
    expect(await DormLeader.countDocuments()).toBe(0);
  });
});

describe('§3.3.3 who is responsible for a dorm, from the staff card', () => {
  it('行政部 sees 设为宿舍队长 / 取消宿舍队长 on a 队长’s staff card and uses it; a guard cannot press it; a guard’s card has none', async () => {
    const card = await say('xingzheng', '人员 陈队长');
    expect(card).toContain('[3] 设为宿舍队长：城南宿舍');
    expect(
      (await chat.click('zhangsan', 'dorms.assign', { dorm: '城南宿舍', staffId: ids.chen, from: 'staff' })).join('\n'),
    ).toContain('没有权限');
    expect(await DormLeader.countDocuments()).toBe(0);
    expect(await say('xingzheng', '3')).toContain('已指定 陈队长 为 城南宿舍 的队长');
    expect(await DormLeader.countDocuments({ dorm: '城南宿舍', staffId: ids.chen })).toBe(1);

    expect(await say('xingzheng', '人员 陈队长')).toContain('[3] 取消宿舍队长：城南宿舍');
    expect(await say('xingzheng', '3')).toContain('已取消 陈队长 的 城南宿舍 队长');
    expect(await DormLeader.countDocuments()).toBe(0);
    expect(await say('xingzheng', '人员 张三')).not.toContain('宿舍队长');
  });
});

describe('§3.3.3 the nightly roll call', () => {
  beforeEach(() => seedLeaders(ids));

  it('asks each dorm’s leader once at 21:45 with the residents listed, and reports the dorm without a leader to 综合部', async () => {
    expect((await step(sh('21:44'))).asked).toEqual([]);
    const r = await step(sh('21:45'));
    expect(r.asked.sort()).toEqual(['城北宿舍', '城南宿舍']);
    expect(r.noLeader).toEqual(['东区宿舍']);
    const card = inbox('chen').join('\n');
    expect(card).toContain('【查房：城南宿舍 11月27日】');
    expect(card).toMatch(/1\. 张三[\s\S]*2\. 李四/);
    expect(card).toContain('[1] 全部已归');
    expect(inbox('zonghe').join('\n')).toContain('东区宿舍（1 人）：未指定队长');
    // the next minute, or a second instance, sends nothing again
    const before = chat.sent.length;
    expect((await step(sh('21:46'))).asked).toEqual([]);
    expect(chat.sent.length).toBe(before);
    expect(await RollCall.countDocuments()).toBe(2);
  });

  it('records 未归 with its reason and tells 综合部 at once; 请假 and 夜班 are recorded but not escalated', async () => {
    await step(sh('21:45'));
    clock = sh('22:05');
    const reply = await say('chen', '查房 未归 张三(电话不通) 请假 王五');
    expect(reply).toContain('已上报：城南宿舍 11月27日');
    expect(reply).toContain('已通知综合部');
    const notice = inbox('zonghe').find((t) => t.includes('未归：城南宿舍'));
    expect(notice).toContain('张三（电话不通）');
    expect(notice).not.toContain('王五');
    const rc = await RollCall.findById('2026-11-27:城南宿舍').lean();
    expect(rc!.report!.late).toBe(false);
    expect(rc!.report!.entries.map((e) => `${e.name}:${e.status}`)).toEqual([
      '张三:absent',
      '李四:present',
      '王五:leave',
      '陈队长:present',
    ]);
  });

  it('全部已归 by the card’s number answer; another dorm’s leader cannot report for it', async () => {
    await step(sh('21:45'));
    clock = sh('22:01');
    // the card came at 21:45, more than CARD_NUMBER_MINUTES ago: it is shown again, and its 1 then counts (#21)
    expect(await say('chen', '1')).toMatch(/这张卡片已过期[\s\S]*【查房：城南宿舍 11月27日】/);
    expect(await say('chen', '1')).toContain('已上报');
    expect(
      (await RollCall.findById('2026-11-27:城南宿舍').lean())!.report!.entries.every((e) => e.status === 'present'),
    ).toBe(true);
    expect(await say('liu', '查房 城南宿舍 全到')).toContain('你不是 城南宿舍 的队长（你负责：城北宿舍）');
    expect(inbox('zonghe').some((t) => t.includes('未归'))).toBe(false);
  });

  it('a guided form from the card’s second button reads names and numbers, and refuses a stranger', async () => {
    await step(sh('21:45'));
    clock = sh('21:50');
    expect(await say('chen', '2')).toContain('谁未归');
    clock = sh('22:02');
    expect(await say('chen', '周七')).toContain('谁请假');
    await say('chen', '无');
    // the names are checked against the list once all three are answered; a stranger is asked again
    expect(await say('chen', '1')).toMatch(/不在本宿舍名单上[\s\S]*谁未归/);
    expect(
      await RollCall.findById('2026-11-27:城南宿舍')
        .lean()
        .then((r) => r!.report),
    ).toBeNull();
    expect(await say('chen', '2')).toContain('已上报');
    const rc = await RollCall.findById('2026-11-27:城南宿舍').lean();
    expect(rc!.report!.entries.find((e) => e.name === '李四')!.status).toBe('absent');
    expect(rc!.report!.entries.find((e) => e.name === '张三')!.status).toBe('night_duty');
  });

  it('no report → the leader is reminded once at 22:15 → 综合部 gets the dorms that did not report once at 22:45', async () => {
    await step(sh('21:45'));
    clock = sh('22:10');
    await say('chen', '查房 全到');
    expect((await step(sh('22:15'))).reminded).toEqual(['城北宿舍']);
    expect((await step(sh('22:16'))).reminded).toEqual([]);
    expect(inbox('liu').filter((t) => t.includes('还没有上报'))).toHaveLength(1);
    expect(inbox('chen').filter((t) => t.includes('还没有上报'))).toHaveLength(0);
    expect((await step(sh('22:45'))).escalated).toEqual(['城北宿舍']);
    expect((await step(sh('22:50'))).escalated).toEqual([]);
    const escalations = inbox('zonghe').filter((t) => t.includes('查房未上报的宿舍'));
    expect(escalations).toHaveLength(1);
    expect(escalations[0]).toContain('城北宿舍（队长：刘队长）');
    expect(escalations[0]).not.toContain('城南宿舍');
  });

  it('a report after the escalation time is accepted, marked late, and 综合部 told', async () => {
    await step(sh('21:45'));
    await step(sh('22:45'));
    clock = sh('23:20');
    expect(await say('liu', '查房 全到')).toContain('（迟报）');
    expect((await RollCall.findById('2026-11-27:城北宿舍').lean())!.report!.late).toBe(true);
    expect(inbox('zonghe').some((t) => t.includes('城北宿舍 11月27日 的查房已补报（迟报'))).toBe(true);
  });

  it('a correction before the cut-off keeps every version; after the cut-off nothing changes', async () => {
    await step(sh('21:45'));
    clock = sh('22:05');
    await say('chen', '查房 全到');
    clock = sh('22:30');
    expect(await say('chen', '查房 未归 李四')).toContain('已更正');
    expect(inbox('zonghe').filter((t) => t.includes('未归：城南宿舍'))[0]).toContain('李四');
    clock = sh('22:40');
    expect(await say('chen', '查房 请假 李四')).toContain('已更正');
    expect(inbox('zonghe').find((t) => t.startsWith('更正：'))).toContain('李四 改为请假');
    clock = sh('22:50');
    await say('chen', '查房 未归 李四');
    clock = sh('08:30', 28);
    expect(await say('chen', '查房 全到')).toContain('已过更正截止时间');
    const rc = await RollCall.findById('2026-11-27:城南宿舍').lean();
    expect(rc!.history.map((h) => h.action)).toEqual(['上报', '更正', '更正', '更正']);
    expect(rc!.history[0]!.entries!.every((e) => e.status === 'present')).toBe(true);
    expect(rc!.report!.entries.find((e) => e.name === '李四')!.status).toBe('absent');
  });

  it('归宿 marks a 未归 resident back with the time and counts late returns per person', async () => {
    await step(sh('21:45'));
    clock = sh('22:05');
    await say('chen', '查房 未归 张三');
    clock = sh('23:30');
    expect(await say('chen', '归宿 李四 23:10')).toContain('没有「李四」的未归记录');
    expect(await say('chen', '归宿 张三 23:10')).toContain('已登记：张三 23:10 归宿');
    expect(await say('chen', '归宿 张三 23:20')).toContain('没有重复登记');
    expect(inbox('zonghe').find((t) => t.includes('已于 23:10 归宿'))).toContain('本月第 1 次晚归');
    const month = await say('zonghe', '查房记录 城南宿舍 2026-11');
    expect(month).toContain('11-27 按时：张三未归（23:10归宿）');
  });
});

describe('§3.3.3 catch-up after a restart', () => {
  beforeEach(() => seedLeaders(ids));

  it('sends a missed roll call when back before the escalation time, and never for an evening that is over', async () => {
    const late = await step(sh('22:30'));
    expect(late.asked.sort()).toEqual(['城北宿舍', '城南宿舍']);
    // asked after the chase time: not chased a moment later
    expect(late.reminded).toEqual([]);
    await clearCollections();
    ids = await seedDormPeople('console');
    await seedLeaders(ids);
    const before = chat.sent.length;
    const over = await step(sh('22:50'));
    expect(over.asked).toEqual([]);
    expect(inbox('chen', before).some((t) => t.includes('查房：城南宿舍'))).toBe(false);
    expect(inbox('zonghe', before).join('\n')).toContain('查房没有发出');
  });
});
