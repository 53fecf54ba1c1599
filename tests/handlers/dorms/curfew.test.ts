import { describe, expect, it } from 'vitest';
import { eveningStep } from '../../../handlers/dorms/evening.ts';
import { RollCall } from '../../../handlers/dorms/models.ts';
import { dailyStep } from '../../../handlers/dorms/periodic.ts';
import { Staff } from '../../../src/models/index.ts';
import { type DormWho, seedDormPeople, seedLeaders, sh } from '../../helpers/dorms.ts';
import { useTestBot } from '../../helpers/harness.ts';

/*
 * Issue #20 item 7, the roll call (§3.3.3 队长每天进行宿舍查房，要求员工22:00之前归宿): the facts of
 * the roll call are who is in at 22:00. A report before 22:00 is a 预报 of who is expected in; a
 * return is recorded only after the report that said the person was out; 综合部 sees who is away
 * on leave or night duty, and who is on no dorm's list at all.
 */

let clock = sh('20:00');
let ids: Record<DormWho, string>;
let mark = 0;

const { bot, chat } = useTestBot('dorms_curfew', {
  now: () => clock,
  seed: async () => {
    clock = sh('20:00');
    ids = await seedDormPeople('console');
    await seedLeaders(ids);
    mark = chat.sent.length;
  },
});

const inbox = (who: DormWho) => chat.privately(who, mark);
const say = (who: DormWho, text: string) => chat.say(who, text).then((r) => r.join('\n'));
const step = (at: Date) => {
  clock = at;
  return eveningStep(bot.services, at);
};
const southTonight = () => RollCall.findById('2026-11-27:城南宿舍').lean();

describe('§3.3.3 the roll call states who is in at 22:00', () => {
  it('全到 at 21:46 is only a 预报: the leader is chased to confirm, 综合部 is told at the escalation time, and it never counts as on time', async () => {
    await step(sh('21:45'));
    clock = sh('21:46');
    const reply = await say('chen', '查房 全到');
    expect(reply).toContain('已预报：城南宿舍 11月27日');
    expect(reply).toContain('22:00 后要再点「全部已归」或发送「查房 …」确认一次');
    expect((await southTonight())!.report).toMatchObject({ preCurfew: true });

    const chased = await step(sh('22:15'));
    expect(chased.reminded).toContain('城南宿舍');
    expect(inbox('chen').find((t) => t.includes('只有 21:46 的预报'))).toContain('还没有确认 22:00 的查房');
    expect((await step(sh('22:45'))).escalated).toContain('城南宿舍');
    const summary = inbox('zonghe').find((t) => t.includes('晚查房汇总'))!;
    expect(summary).toContain('只有 22:00 前的预报、没有确认 22:00 查房的宿舍 1 个');
    expect(summary).toContain('城南宿舍（陈队长 21:46 预报：全部已归（4 人））');

    clock = sh('09:00', 28);
    const month = await say('zonghe', '查房记录 城南宿舍 2026-11');
    expect(month).toContain('11-27 只有22:00前预报，未确认');
    expect(month).toContain('按时 0');
  });

  it('a 预报 confirmed after 22:00 is the roll call: on time, and a 未归 in it reaches 综合部 only then', async () => {
    await step(sh('21:45'));
    clock = sh('21:50');
    expect(await say('chen', '查房 未归 张三(还在路上)')).toContain('已预报');
    // still before 22:00: 张三 may yet be back in time, so 综合部 hears nothing
    expect(inbox('zonghe').some((t) => t.includes('未归：城南宿舍'))).toBe(false);
    expect(await say('chen', '查房 未归 张三(还在路上)')).toContain('预报过同样的结果');

    clock = sh('22:03');
    expect(await say('chen', '查房 未归 张三(还在路上)')).toContain('已确认：城南宿舍 11月27日');
    expect(inbox('zonghe').filter((t) => t.includes('未归：城南宿舍'))).toHaveLength(1);
    const rc = await southTonight();
    expect(rc!.report).toMatchObject({ preCurfew: false, late: false });
    expect(rc!.history.map((h) => h.action)).toEqual(['预报', '确认']);
    expect((await step(sh('22:15'))).reminded).not.toContain('城南宿舍');

    clock = sh('09:00', 28);
    expect(await say('zonghe', '查房记录 城南宿舍 2026-11')).toContain('11-27 按时：张三未归');
  });
});

describe('§3.3.3 归宿 follows the report that said the person was out', () => {
  it('refuses 归宿 21:50 for someone reported 未归 at 22:05, and 22:03 too; records 22:30', async () => {
    await step(sh('21:45'));
    clock = sh('22:05');
    await say('chen', '查房 未归 张三');
    clock = sh('23:00');
    const before22 = await say('chen', '归宿 张三 21:50');
    expect(before22).toContain('早于 22:00');
    expect(before22).toContain('更正查房');
    expect(await say('chen', '归宿 张三 22:03')).toContain('早于 22:05 上报未归的时间');
    expect(await say('zonghe', '归宿 城南宿舍 张三 22:03')).toContain('不能登记');
    expect((await southTonight())!.report!.entries.find((e) => e.name === '张三')!.returnedAt).toBeNull();
    expect(inbox('zonghe').some((t) => t.includes('已于'))).toBe(false);

    expect(await say('chen', '归宿 张三 22:30')).toContain('已登记：张三 22:30 归宿');
  });

  it('for someone only added as 未归 by a correction at 22:40, a return at 22:20 is refused', async () => {
    await step(sh('21:45'));
    clock = sh('22:05');
    await say('chen', '查房 全到');
    clock = sh('22:40');
    await say('chen', '查房 未归 李四');
    clock = sh('23:00');
    expect(await say('chen', '归宿 李四 22:20')).toContain('早于 22:40 上报未归的时间');
    expect(await say('chen', '归宿 李四')).toContain('已登记：李四 23:00 归宿');
  });
});

describe('§3.3.3 请假 and 夜班 appear in 综合部’s evening summary', () => {
  it('lists who is on leave or night duty, with the 未归 and their returns, at the escalation time', async () => {
    await step(sh('21:45'));
    clock = sh('22:05');
    await say('chen', '查房 请假 王五(回老家) 夜班 李四');
    await say('liu', '查房 未归 周七');
    clock = sh('22:30');
    await say('liu', '归宿 周七 22:25');
    await step(sh('22:45'));
    const summary = inbox('zonghe').find((t) => t.includes('晚查房汇总'))!;
    expect(summary).toContain('【请假 1 人】王五（城南宿舍，回老家）');
    expect(summary).toContain('【夜班执勤 1 人】李四（城南宿舍）');
    expect(summary).toContain('【未归 1 人】周七（城北宿舍，22:25 已归宿）');
    expect(summary).not.toContain('查房未上报');
  });
});

describe('§3.3.3 a guard with no dorm is never checked: 综合部 gets them weekly', () => {
  it('lists active 队员 and 队长 without a dorm in the weekly summary, not the disabled nor the office staff', async () => {
    await Staff.create({ name: '吴十', phone: '13800000110', roles: ['guard'], dorm: '' });
    await Staff.create({ name: '冯队长', phone: '13800000111', roles: ['team_leader'], dorm: '' });
    await Staff.create({ name: '陈离职', phone: '13800000112', roles: ['guard'], dorm: '', active: false });
    clock = new Date('2026-11-30T09:00:00+08:00');
    expect((await dailyStep(bot.services, clock)).summary).toBe(true);
    const summary = inbox('zonghe').find((t) => t.includes('宿舍查房周报'))!;
    expect(summary).toContain('【没有登记宿舍的队员、队长 2 人】冯队长、吴十');
    expect(summary).toContain('设置宿舍 姓名 宿舍名');
    expect(summary).not.toContain('陈离职');
    expect(summary).not.toContain('赵综合');
  });
});
