import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eveningStep } from '../../handlers/dorms/evening.ts';
import { DormLeader, RollCall } from '../../handlers/dorms/models.ts';
import { dormEvening } from '../../schedules/dorms.ts';
import { Bot } from '../../src/bot.ts';
import { LarkReceiver } from '../../src/receivers/lark/index.ts';
import { composition } from '../../src/workflows.ts';
import { clearCollections, useDatabase } from '../helpers/db.ts';
import { DORM_PEOPLE, type DormWho, seedDormPeople, seedLeaders, sh } from '../helpers/dorms.ts';
import { silentLog } from '../helpers/harness.ts';
import { type LarkBot, p2p, startLarkBot } from '../helpers/lark-bot.ts';
import { findButtonValue, formInputNames, type LarkStandin, tickOptions } from '../helpers/lark-standin.ts';

/*
 * The dorm roll call through Lark for real: cards sent through the SDK to the Open API stand-in,
 * button clicks and form cards POSTed signed and encrypted to the bot, on the real database, with
 * the bot's clock set by the test (no test waits until 21:45).
 */

useDatabase('dorms_lark');

const OPEN_IDS = Object.fromEntries(Object.keys(DORM_PEOPLE).map((k) => [k, `ou_${k}`])) as Record<DormWho, string>;
let lark: LarkBot;
let standin: LarkStandin;
let clock = sh('20:00');
let ids: Record<DormWho, string>;

beforeAll(async () => {
  lark = await startLarkBot({}, { now: () => clock });
  standin = lark.standin;
});
afterAll(() => lark?.close());
beforeEach(async () => {
  await clearCollections();
  standin.reset();
  clock = sh('20:00');
  ids = await seedDormPeople('lark', OPEN_IDS);
  await seedLeaders(ids);
});

/** A second bot instance on the same database and the same Lark app. */
async function secondInstance(): Promise<Bot> {
  const bot = new Bot({
    config: lark.config,
    log: silentLog,
    receivers: [new LarkReceiver(lark.config.lark!, silentLog)],
    workflows: composition,
    jobs: [],
    now: () => clock,
  });
  await bot.start();
  return bot;
}

const texts = (who: DormWho) => standin.texts(OPEN_IDS[who]);
const rollCallCards = (who: DormWho) =>
  standin.cards(OPEN_IDS[who]).filter((c) => JSON.stringify(c.card).includes('查房：'));

describe('§3.3.3 the roll call on Lark', () => {
  it('reaches every leader once at 21:45 even with two bot instances, and the dorm without a leader is reported to 综合部', async () => {
    const other = await secondInstance();
    try {
      clock = sh('21:45');
      const [a, b] = await Promise.all([eveningStep(lark.bot.services, clock), eveningStep(other.services, clock)]);
      expect([...a.asked, ...b.asked].sort()).toEqual(['城北宿舍', '城南宿舍']);
      expect(rollCallCards('chen')).toHaveLength(1);
      expect(rollCallCards('liu')).toHaveLength(1);
      const card = JSON.stringify(rollCallCards('chen')[0]!.card);
      expect(card).toContain('1. 张三');
      expect(card).not.toContain('周七');
      expect(findButtonValue(rollCallCards('chen')[0]!.card, 'dorms.allPresent')).toEqual({
        action: 'dorms.allPresent',
        id: '2026-11-27:城南宿舍',
      });
      const noLeader = await standin.waitFor(
        () => texts('zonghe').filter((t) => t.includes('没有能收到查房的队长')),
        'the no-leader report',
      );
      expect(noLeader).toHaveLength(1);
      expect(noLeader[0]).toContain('东区宿舍');
    } finally {
      await other.stop();
    }
  });

  it('one tap on 全部已归 records the report and updates the card in place; a second tap by another leader is refused', async () => {
    clock = sh('21:45');
    await eveningStep(lark.bot.services, clock);
    const sent = rollCallCards('chen')[0]!;
    clock = sh('22:03');
    const toast = await lark.click(OPEN_IDS.chen, sent.messageId, findButtonValue(sent.card, 'dorms.allPresent')!);
    expect(toast).toContain('已上报：城南宿舍');
    const rc = await RollCall.findById('2026-11-27:城南宿舍').lean();
    expect(rc!.report!.entries.every((e) => e.status === 'present')).toBe(true);
    expect(JSON.stringify(standin.patches(sent.messageId).at(-1)?.content)).toContain('查房已上报');
    expect(await lark.click(OPEN_IDS.liu, sent.messageId, findButtonValue(sent.card, 'dorms.allPresent')!)).toContain(
      '只有 城南宿舍 的队长',
    );
    expect(texts('zonghe').some((t) => t.includes('未归'))).toBe(false);
  });

  it('the form card lists the residents to tick under 未归/请假/夜班执勤: 未归 reaches 综合部 at once, while 夜班/请假 are recorded and not escalated', async () => {
    clock = sh('21:45');
    await eveningStep(lark.bot.services, clock);
    const sent = rollCallCards('chen')[0]!;
    clock = sh('22:04');
    await lark.click(OPEN_IDS.chen, sent.messageId, findButtonValue(sent.card, 'dorms.reportForm')!);
    const form = await standin.waitFor(
      () => standin.cards(p2p(OPEN_IDS.chen)).find((c) => formInputNames(c.card).includes('absent')),
      'the form card',
    );
    expect(formInputNames(form.card)).toEqual(['absent', 'leave', 'nightDuty']);
    expect(JSON.stringify(form.card)).toContain('"tag":"multi_select_static"');
    const residents = ['1. 张三', '2. 李四', '3. 王五', '4. 陈队长'];
    for (const list of ['absent', 'leave', 'nightDuty'])
      expect(tickOptions(form.card, list).map((o) => o.label)).toEqual(residents);
    const submit = findButtonValue(form.card, 'form.submit')!;

    // a value the card never offered, and one person ticked twice: refused on the card, nothing recorded
    expect(
      await lark.click(OPEN_IDS.chen, form.messageId, submit, { absent: ['9'], leave: [], nightDuty: [] }),
    ).toContain('红字');
    expect(JSON.stringify(standin.patches(form.messageId).at(-1)?.content)).toContain('「9」不在未归的选项里');
    expect(await lark.click(OPEN_IDS.chen, form.messageId, submit, { absent: ['1'], leave: ['1'] })).toContain('红字');
    const twice = standin.patches(form.messageId).at(-1)!.content as Record<string, unknown>;
    expect(JSON.stringify(twice)).toContain('张三 同时');
    // what was ticked stays ticked on the card that asks for a change
    expect(
      tickOptions(twice, 'absent')
        .filter((o) => o.selected)
        .map((o) => o.value),
    ).toEqual(['1']);
    expect((await RollCall.findById('2026-11-27:城南宿舍').lean())!.report).toBeNull();

    await lark.click(OPEN_IDS.chen, form.messageId, submit, { absent: ['1'], leave: ['3'], nightDuty: ['2'] });
    const notice = await standin.waitFor(
      () => texts('zonghe').find((t) => t.includes('未归：城南宿舍')),
      'the 未归 notice to 综合部',
    );
    expect(notice).toContain('张三');
    expect(notice).not.toMatch(/王五|李四/);
    const rc = await RollCall.findById('2026-11-27:城南宿舍').lean();
    expect(rc!.report!.entries.map((e) => `${e.name}:${e.status}`)).toEqual([
      '张三:absent',
      '李四:night_duty',
      '王五:leave',
      '陈队长:present',
    ]);
    // the roll-call card itself shows the result; the form card what was ticked, by name
    expect(JSON.stringify(standin.patches(sent.messageId).at(-1)?.content)).toContain('张三：未归');
    expect(JSON.stringify(standin.patches(form.messageId).at(-1)?.content)).toContain('请假：3. 王五');
  });

  it('submitting the form card with nothing ticked reports 全部已归', async () => {
    clock = sh('21:45');
    await eveningStep(lark.bot.services, clock);
    const sent = rollCallCards('chen')[0]!;
    await lark.click(OPEN_IDS.chen, sent.messageId, findButtonValue(sent.card, 'dorms.reportForm')!);
    const form = await standin.waitFor(
      () => standin.cards(p2p(OPEN_IDS.chen)).find((c) => formInputNames(c.card).includes('absent')),
      'the form card',
    );
    // submitted after 22:00 (§3.3.3): before it, the same answer is a 预报 (curfew.test.ts)
    clock = sh('22:02');
    // Lark leaves an untouched list out of form_value
    expect(await lark.click(OPEN_IDS.chen, form.messageId, findButtonValue(form.card, 'form.submit')!, {})).toContain(
      '已上报：城南宿舍',
    );
    const rc = await RollCall.findById('2026-11-27:城南宿舍').lean();
    expect(rc!.report!.entries.every((e) => e.status === 'present')).toBe(true);
  });

  it('no report → one reminder at the chase time → one list to 综合部 at the escalation time, with two instances stepping each minute', async () => {
    const other = await secondInstance();
    try {
      const both = (at: Date) => {
        clock = at;
        return Promise.all([eveningStep(lark.bot.services, at), eveningStep(other.services, at)]);
      };
      await both(sh('21:45'));
      clock = sh('22:10');
      await lark.say(OPEN_IDS.chen, '查房 全到');
      await both(sh('22:15'));
      await both(sh('22:16'));
      await both(sh('22:45'));
      await both(sh('22:46'));
      const escalations = await standin.waitFor(
        () => texts('zonghe').filter((t) => t.includes('查房未上报的宿舍')),
        'the escalation',
      );
      expect(escalations).toHaveLength(1);
      expect(escalations[0]).toContain('城北宿舍');
      expect(escalations[0]).not.toContain('城南宿舍');
      expect(texts('liu').filter((t) => t.includes('还没有上报'))).toHaveLength(1);
      expect(texts('chen').filter((t) => t.includes('还没有上报'))).toHaveLength(0);
    } finally {
      await other.stop();
    }
  });
});

describe('§3.3.3 who is responsible for a dorm, on the staff card', () => {
  it('行政部 taps 设为宿舍队长 on a 队长’s staff card: the leader is assigned and the staff card shows 取消宿舍队长; a guard’s tap is refused', async () => {
    await DormLeader.deleteMany({});
    await lark.say(OPEN_IDS.xingzheng, '人员 陈队长');
    const card = await standin.waitFor(
      () => standin.cards(p2p(OPEN_IDS.xingzheng)).find((c) => JSON.stringify(c.card).includes('员工档案：陈队长')),
      'the staff card',
    );
    const assign = findButtonValue(card.card, 'dorms.assign')!;
    expect(assign).toMatchObject({ dorm: '城南宿舍', staffId: ids.chen });
    expect(await lark.click(OPEN_IDS.zhangsan, card.messageId, assign)).toContain('没有权限');
    expect(await DormLeader.countDocuments()).toBe(0);
    expect(await lark.click(OPEN_IDS.xingzheng, card.messageId, assign)).toContain('已指定 陈队长 为 城南宿舍 的队长');
    expect(await DormLeader.countDocuments({ dorm: '城南宿舍', staffId: ids.chen })).toBe(1);
    const shown = standin.patches(card.messageId).at(-1)!.content as Record<string, unknown>;
    expect(JSON.stringify(shown)).toContain('员工档案：陈队长');
    expect(findButtonValue(shown, 'dorms.unassign')).toMatchObject({ dorm: '城南宿舍', staffId: ids.chen });
  });
});

describe('§3.3.3 catch-up through the scheduler after a restart', () => {
  it('a bot back at 22:30 sends the missed roll call; one back at 22:50 never sends that evening’s', async () => {
    const late = new Bot({
      config: lark.config,
      log: silentLog,
      receivers: [new LarkReceiver(lark.config.lark!, silentLog)],
      workflows: composition,
      jobs: [dormEvening],
      now: () => clock,
    });
    clock = sh('22:30');
    expect(await late.scheduler.catchUp(clock)).toHaveLength(1);
    expect(rollCallCards('chen')).toHaveLength(1);

    await clearCollections();
    standin.reset();
    ids = await seedDormPeople('lark', OPEN_IDS);
    await seedLeaders(ids);
    clock = sh('22:50');
    expect(await late.scheduler.catchUp(clock)).toHaveLength(1);
    await standin.waitFor(
      () => texts('zonghe').find((t) => t.includes('查房没有发出')),
      'the note that the roll call did not go out',
    );
    expect(rollCallCards('chen')).toHaveLength(0);
    expect(await RollCall.countDocuments()).toBe(0);
  });
});
