import { describe, expect, it } from 'vitest';
import { eveningStep } from '../../../handlers/dorms/evening.ts';
import { DormLeader, HygieneEvaluation, RentReport, RollCall } from '../../../handlers/dorms/models.ts';
import { FormSession } from '../../../src/models/index.ts';
import { type DormWho, seedDormPeople, seedLeaders, sh } from '../../helpers/dorms.ts';
import { useTestBot } from '../../helpers/harness.ts';

/*
 * A dorm name typed as an argument that no dorm has (城东宿舍) is answered as such, with the dorms
 * there are, by every dorm command — not read as something else, and never applied to another dorm.
 */

let clock = sh('20:00');

const { bot, chat } = useTestBot('dorms_names', {
  now: () => clock,
  seed: async () => {
    clock = sh('20:00');
    await seedLeaders(await seedDormPeople('console'));
  },
});

const say = (who: DormWho, text: string) => chat.say(who, text).then((r) => r.join('\n'));
const MARKS = '合格 合格 不合格 合格 合格 合格 85';

/** The answer names the dorm as typed and lists the real ones. */
function expectUnknown(reply: string, real: string[] = ['城南宿舍', '城北宿舍', '东区宿舍']) {
  expect(reply).toContain('没有「城东宿舍」这个宿舍');
  for (const d of real) expect(reply).toContain(d);
}

describe('a dorm that does not exist, typed as a command’s dorm', () => {
  it('卫生检查 城东宿舍 names the dorm and lists the real ones instead of 「请写明宿舍」, and records nothing', async () => {
    const reply = await say('zonghe', `卫生检查 城东宿舍 ${MARKS}`);
    expect(reply).not.toContain('请写明宿舍');
    expectUnknown(reply);
    expect(await HygieneEvaluation.countDocuments()).toBe(0);
  });

  it('卫生检查 城东宿舍 from the leader of one dorm is not taken for his own dorm', async () => {
    expectUnknown(await say('chen', `卫生检查 城东宿舍 ${MARKS}`), ['城南宿舍']);
    expect(await HygieneEvaluation.countDocuments()).toBe(0);
    expect(await FormSession.countDocuments()).toBe(0);
  });

  it('查房记录 城东宿舍 names the dorm and lists the real ones instead of 「没有查房记录」', async () => {
    const reply = await say('zonghe', '查房记录 城东宿舍');
    expect(reply).not.toContain('没有查房记录');
    expectUnknown(reply);
  });

  it('房租申报, 查房, 归宿 and 房租已付 with 城东宿舍 name the dorm and change nothing', async () => {
    expectUnknown(await say('chen', '房租申报 城东宿舍'), ['城南宿舍']);
    expect(await FormSession.countDocuments()).toBe(0);
    await eveningStep(bot.services, sh('21:45'));
    clock = sh('22:05');
    expectUnknown(await say('chen', '查房 城东宿舍 全到'), ['城南宿舍']);
    expect((await RollCall.findById('2026-11-27:城南宿舍').lean())!.report).toBeNull();
    await say('chen', '查房 未归 张三');
    expectUnknown(await say('chen', '归宿 城东宿舍 张三 22:30'), ['城南宿舍']);
    expect(
      (await RollCall.findById('2026-11-27:城南宿舍').lean())!.report!.entries.find((e) => e.name === '张三')!
        .returnedAt,
    ).toBeNull();
    expectUnknown(await say('caiwu', '房租已付 城东宿舍 2026-11 银行转账'));
    expect(await RentReport.countDocuments()).toBe(0);
  });

  it('宿舍列表 and 设置宿舍队长 with 城东宿舍 list the real dorms', async () => {
    expectUnknown(await say('zonghe', '宿舍列表 城东宿舍'));
    expectUnknown(await say('xingzheng', '设置宿舍队长 城东宿舍 陈队长'));
    expect(await DormLeader.countDocuments({ dorm: '城东宿舍' })).toBe(0);
  });

  it('归宿 with another leader’s dorm is refused as not theirs, not read as a resident’s name', async () => {
    await eveningStep(bot.services, sh('21:45'));
    clock = sh('22:05');
    await say('liu', '查房 未归 周七');
    clock = sh('22:30');
    const reply = await say('chen', '归宿 城北宿舍 周七');
    expect(reply).toContain('城北宿舍');
    expect(reply).not.toContain('没有「城北宿舍」的未归记录');
    expect(
      (await RollCall.findById('2026-11-27:城北宿舍').lean())!.report!.entries.find((e) => e.name === '周七')!
        .returnedAt,
    ).toBeNull();
  });
});
