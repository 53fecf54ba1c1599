import { describe, expect, it } from 'vitest';
import { absenceKeys } from '../../../handlers/dorms/absence-keys.ts';
import { eveningStep } from '../../../handlers/dorms/evening.ts';
import { type DormWho, seedDormPeople, seedLeaders, sh } from '../../helpers/dorms.ts';
import { useTestBot } from '../../helpers/harness.ts';

/*
 * 查找 <姓名> finds a person's absences through the keys a roll call's report writes for each new
 * 未归 (absence-keys.ts), before the report itself; a correction leaves the key, and the search
 * shows what the roll call says now.
 */

let clock = sh('20:00');
let ids: Record<DormWho, string>;

const { bot, chat } = useTestBot('dorms_absence_keys', {
  now: () => clock,
  seed: async () => {
    clock = sh('20:00');
    ids = await seedDormPeople('console');
    await seedLeaders(ids);
  },
});

const SOUTH = '2026-11-27:城南宿舍';
const say = (who: DormWho, text: string) => chat.say(who, text).then((r) => r.join('\n'));

describe('a roll call’s 未归 is keyed to the person for 查找', () => {
  it('keys each new 未归 of a report, and 查找 shows it until a correction clears it', async () => {
    clock = sh('21:45');
    await eveningStep(bot.services, clock);
    clock = sh('22:05');
    expect(await say('chen', '查房 未归 张三、李四')).toContain('已上报');
    expect(await absenceKeys.ids([ids.zhangsan])).toEqual([SOUTH]);
    expect(await absenceKeys.ids([ids.lisi])).toEqual([SOUTH]);
    expect(await absenceKeys.ids([ids.wangwu])).toEqual([]);
    expect(await say('zonghe', '查找 张三')).toContain('未归 张三 城南宿舍');
    expect(await say('zhangsan', '查找 张三')).toContain('未归 张三 城南宿舍');

    // a correction keeps 李四 out (no second key) and clears 张三: the key stays, the search reads the record
    clock = sh('22:10');
    expect(await say('chen', '查房 未归 李四')).toContain('已更正');
    expect(await absenceKeys.ids([ids.lisi])).toEqual([SOUTH]);
    expect(await say('zonghe', '查找 张三')).not.toContain('未归');
    expect(await say('zonghe', '查找 李四')).toContain('未归 李四 城南宿舍');
  });
});
