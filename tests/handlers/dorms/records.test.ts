import { describe, expect, it } from 'vitest';
import { eveningStep } from '../../../handlers/dorms/evening.ts';
import { Dorm } from '../../../src/models/index.ts';
import { type DormWho, seedDormPeople, seedLeaders } from '../../helpers/dorms.ts';
import { useTestBot } from '../../helpers/harness.ts';

/*
 * 查房记录 (§3.3.3 队长每天进行宿舍查房): every evening of the month since the dorm exists shows, and
 * one without a roll call (no leader, or it never went out) is 未查房 rather than left out.
 */

/** Shanghai time on a day of November or December 2026. */
const at = (month: 11 | 12, day: number, hhmm: string) =>
  new Date(`2026-${month}-${String(day).padStart(2, '0')}T${hhmm}:00+08:00`);
let clock = at(11, 27, '20:00');

const { bot, chat } = useTestBot('dorms_records', {
  now: () => clock,
  seed: async () => {
    clock = at(11, 27, '20:00');
    await seedLeaders(await seedDormPeople('console'));
  },
});

const say = (who: DormWho, text: string) => chat.say(who, text).then((r) => r.join('\n'));
/** When the dorm's record was made (the seed makes it at the machine's time). */
const createdAt = (dorm: string, when: Date) =>
  Dorm.collection.updateOne({ name: dorm }, { $set: { createdAt: when } });
/** The evening of `day`: roll call at 21:45, `who` answers 全到 at 22:05. */
async function evening(day: number, who?: DormWho) {
  clock = at(11, day, '21:45');
  await eveningStep(bot.services, clock);
  clock = at(11, day, '22:05');
  if (who) expect(await say(who, '查房 全到')).toContain('已上报');
}

describe('查房记录 shows the evenings nobody checked', () => {
  it('shows a dorm without a leader as 未查房 for each evening since it was created, consecutive evenings on one line', async () => {
    await createdAt('东区宿舍', at(11, 20, '10:00'));
    const before = await say('zonghe', '查房记录 东区宿舍');
    expect(before).not.toContain('没有查房记录');
    // tonight's roll call time has not come yet: up to last evening
    expect(before).toContain('11-20 至 11-26 未查房（7 晚）');
    expect(before).not.toContain('11-19');
    expect(before).toContain('未查房 7');
    expect(before).toContain('设置宿舍队长');
    clock = at(11, 27, '21:50');
    expect(await say('zonghe', '查房记录 东区宿舍')).toContain('11-20 至 11-27 未查房（8 晚）');
  });

  it('shows the evenings between roll calls that never went out as 未查房, one evening on its own line', async () => {
    await createdAt('城南宿舍', at(11, 24, '09:00'));
    await evening(25, 'chen');
    await evening(27, 'chen');
    clock = at(11, 28, '09:00');
    const month = await say('chen', '查房记录');
    expect(month).toMatch(/11-24 未查房\n11-25 按时：全部已归\n11-26 未查房\n11-27 按时：全部已归\n/);
    expect(month).not.toContain('11-23');
    expect(month).not.toContain('11-28');
    expect(month).toContain('按时 2');
    expect(month).toContain('未查房 2');
  });

  it('counts a dorm created after its roll call time from the next evening', async () => {
    await createdAt('东区宿舍', at(11, 24, '23:00'));
    const month = await say('zonghe', '查房记录 东区宿舍 2026-11');
    expect(month).toContain('11-25 至 11-26 未查房（2 晚）');
  });

  it('shows a past month up to its last evening', async () => {
    await createdAt('东区宿舍', at(11, 29, '10:00'));
    clock = at(12, 3, '10:00');
    expect(await say('zonghe', '查房记录 东区宿舍 2026-11')).toContain('11-29 至 11-30 未查房（2 晚）');
    expect(await say('zonghe', '查房记录 东区宿舍 2026-10')).toContain('东区宿舍 2026-10 没有查房记录');
  });
});
