import { describe, expect, it } from 'vitest';
import { DormLeader, HygieneEvaluation } from '../../../handlers/dorms/models.ts';
import { weeklySummary } from '../../../handlers/dorms/periodic.ts';
import { type DormWho, seedDormPeople, seedLeaders, sh } from '../../helpers/dorms.ts';
import { useTestBot } from '../../helpers/harness.ts';

/*
 * Issue #20, hole 6 for dorms: the leader of a dorm scoring its hygiene is its subject. His own
 * score is a self-check (自查), kept and shown; the ranking (卫生评比 and the weekly summary) uses
 * 综合部's or another leader's (§3.3.2).
 */

let clock = sh('10:00');
let ids: Record<DormWho, string>;

const { bot, chat } = useTestBot('dorms_own_dorm', {
  now: () => clock,
  seed: async () => {
    clock = sh('10:00');
    ids = await seedDormPeople('console');
    await seedLeaders(ids);
  },
});

const say = (who: DormWho, text: string) => chat.say(who, text).then((r) => r.join('\n'));
const ALL_PASS = '合格 合格 合格 合格 合格 合格';

describe("deciding one's own case (#20): the leader of a dorm whose hygiene they score (§3.3.2)", () => {
  it("a leader giving his own dorm 100 gets a self-check that does not rank it; another leader's or 综合部's score ranks it", async () => {
    const own = await say('chen', `卫生检查 城南宿舍 ${ALL_PASS} 100`);
    expect(own).toContain('已记录 城南宿舍 2026-11-27 卫生评比：100 分');
    expect(own).toContain('这是你负责宿舍的自查，不计入评比排名');
    let rank = await say('zonghe', '卫生评比 2026-11');
    expect(rank).toContain('• 城南宿舍：本期未评比（仅队长自查 1 次，平均 100 分，不计入排名）');
    expect(rank).not.toMatch(/1\. 城南宿舍/);

    // another dorm's leader checks it (互查), and 综合部 checks 城北
    const cross = await say('liu', '卫生检查 城南宿舍 合格 合格 不合格 不合格 合格 合格 60 被子没叠');
    expect(cross).toContain('已记录 城南宿舍 2026-11-27 卫生评比：60 分');
    expect(cross).not.toContain('自查');
    await say('zonghe', `卫生检查 城北宿舍 ${ALL_PASS} 80`);
    rank = await say('zonghe', '卫生评比 2026-11');
    expect(rank).toMatch(
      /1\. 城北宿舍：平均 80 分[\s\S]*2\. 城南宿舍：平均 60 分（1 次，不合格 2 项；另有队长自查 1 次，平均 100 分，不计入排名）/,
    );
    expect(
      (await HygieneEvaluation.find().sort({ at: 1 }).lean()).map((e) => [e.dorm, e.inspector.name, e.selfCheck]),
    ).toEqual([
      ['城南宿舍', '陈队长', true],
      ['城南宿舍', '刘队长', false],
      ['城北宿舍', '赵综合', false],
    ]);

    // the weekly summary to 综合部 ranks the same way
    const summary = await weeklySummary(bot.services, new Date('2026-11-30T09:00:00+08:00'));
    expect(summary).toMatch(/【卫生评比】\n1\. 城北宿舍：平均 80 分[\s\S]*2\. 城南宿舍：平均 60 分/);
  });

  it('综合部 scoring a dorm he also leads is a self-check too', async () => {
    await DormLeader.create({
      _id: `东区宿舍:${ids.zonghe}`,
      dorm: '东区宿舍',
      staffId: ids.zonghe,
      name: '赵综合',
      assignedBy: { staffId: ids.xingzheng, name: '钱行政' },
      assignedAt: clock,
    });
    expect(await say('zonghe', `卫生检查 东区宿舍 ${ALL_PASS}`)).toContain('自查');
    expect(await say('zonghe', '卫生评比 2026-11')).toContain('• 东区宿舍：本期未评比（仅队长自查 1 次');
  });
});
