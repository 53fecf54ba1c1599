import { beforeEach, describe, expect, it, vi } from 'vitest';
import { eveningStep } from '../../../handlers/dorms/evening.ts';
import { type EveningRecord, summarize } from '../../../handlers/dorms/figures-rules.ts';
import {
  outOf,
  RollCall,
  type RollCallRecord,
  type RollCallRow,
  rollCallRows,
} from '../../../handlers/dorms/models.ts';
import { recordsOf } from '../../../handlers/dorms/records.ts';
import { OnceKey } from '../../../src/models/index.ts';
import { type DormWho, seedDormPeople, seedLeaders, sh } from '../../helpers/dorms.ts';
import { useTestBot } from '../../helpers/harness.ts';

/*
 * The roll calls' rows (models.ts rollCallRows, one collection per month) are what 周报, the
 * Monday summary, 查房记录, 导出 查房记录, 归宿 and 查找 read instead of the roll calls: a row
 * must say what its roll call says after every step of the evening, from the first start on a
 * database from before the rows, and after a write the hooks did not see.
 */

let clock = sh('20:00');
let ids: Record<DormWho, string>;

const { bot, chat } = useTestBot('dorms_rollcall_rows', {
  now: () => clock,
  seed: async () => {
    clock = sh('20:00');
    ids = await seedDormPeople('console');
    await seedLeaders(ids);
  },
});

const SOUTH = '2026-11-27:城南宿舍';
const NORTH = '2026-11-27:城北宿舍';
const say = (who: DormWho, text: string) => chat.say(who, text).then((r) => r.join('\n'));
const step = (at: Date) => {
  clock = at;
  return eveningStep(bot.services, at);
};
const record = async (id: string) => (await RollCall.findById(id).lean<RollCallRecord>())!;
const row = async (id: string) =>
  (await rollCallRows.rows({ _id: id }, { keys: ['2026-11'] }))[0] as RollCallRow | undefined;
/** The row as it is stored, and as its roll call says it should be now. */
const rowAndRecord = async (id: string) =>
  [await row(id), rollCallRows.rowOf(await record(id)) as RollCallRow] as const;

/** The figures as read from the roll calls themselves, every entry (what recordsOf gave before the rows). */
const fromRecords = (rcs: RollCallRecord[]): EveningRecord[] =>
  rcs.map((rc) => ({
    date: rc.date,
    dorm: rc.dorm,
    asked: !!rc.askedAt,
    reportedAt: rc.report?.at ?? null,
    late: rc.report?.late ?? false,
    preCurfew: rc.report?.preCurfew ?? false,
    entries: rc.report?.entries ?? [],
  }));

describe('the roll calls’ rows follow every step of the evening (§3.3.3)', () => {
  it('asked, a 预报 before 22:00, confirmed with a 未归, corrected, 归宿, and a late report', async () => {
    await step(sh('21:45'));
    let [r, want] = await rowAndRecord(SOUTH);
    expect(r).toEqual(want);
    expect(r).toMatchObject({ dorm: '城南宿舍', date: '2026-11-27', residentCount: 4, out: [] });
    expect(r!.askedAt).toEqual(sh('21:45'));
    expect(r!.report).toBeUndefined();

    clock = sh('21:50');
    expect(await say('chen', '查房 全到')).toContain('已预报');
    [r, want] = await rowAndRecord(SOUTH);
    expect(r).toEqual(want);
    expect(r!.report).toMatchObject({ preCurfew: true, by: { name: '陈队长' } });

    clock = sh('22:05');
    expect(await say('chen', '查房 未归 张三(电话不通)')).toContain('已上报');
    [r, want] = await rowAndRecord(SOUTH);
    expect(r).toEqual(want);
    expect(r!.report).toMatchObject({ preCurfew: false, late: false });
    expect(outOf(r!)).toEqual([
      { staffId: ids.zhangsan, name: '张三', status: 'absent', note: '电话不通', returnedAt: null },
    ]);
    expect(r!.absent).toEqual([ids.zhangsan]);

    clock = sh('22:30');
    expect(await say('chen', '查房 未归 张三(电话不通) 请假 李四')).toContain('已更正');
    [r, want] = await rowAndRecord(SOUTH);
    expect(r).toEqual(want);
    expect(
      outOf(r!)
        .map((e) => `${e.name}:${e.status}`)
        .sort(),
    ).toEqual(['张三:absent', '李四:leave']);

    clock = sh('23:30');
    expect(await say('chen', '归宿 张三 23:10')).toContain('已登记：张三 23:10 归宿');
    [r, want] = await rowAndRecord(SOUTH);
    expect(r).toEqual(want);
    expect(outOf(r!).find((e) => e.name === '张三')!.returnedAt).toEqual(sh('23:10'));

    // 城北宿舍 never answered: chased, escalated, then reports late
    // rows in step with their roll calls are not written again by the escalation's check
    const put = vi.spyOn(rollCallRows, 'put');
    await step(sh('22:45'));
    expect(put).not.toHaveBeenCalled();
    put.mockRestore();
    clock = sh('23:20');
    expect(await say('liu', '查房 全到')).toContain('（迟报）');
    [r, want] = await rowAndRecord(NORTH);
    expect(r).toEqual(want);
    expect(r!.report).toMatchObject({ late: true, preCurfew: false });

    // the figures from the rows are those the roll calls themselves give
    const all = await RollCall.find().sort({ date: 1, dorm: 1 }).lean<RollCallRecord[]>();
    expect(summarize(await recordsOf({ month: '2026-11' }))).toEqual(summarize(fromRecords(all)));
    expect(await say('zonghe', '查房记录 城南宿舍 2026-11')).toContain('11-27 按时：张三未归（23:10归宿）、李四请假');
  });
});

describe('roll calls from before the rows, and rows left behind', () => {
  const stored = (id: string, date: string, dorm: string) => ({
    _id: id,
    version: 1,
    date,
    dorm,
    residents: [{ staffId: ids.zhangsan, name: '张三' }],
    leaders: [{ staffId: ids.chen, name: '陈队长' }],
    askedAt: new Date(`${date}T13:45:00Z`),
    report: {
      at: new Date(`${date}T14:05:00Z`),
      by: { staffId: ids.chen, name: '陈队长' },
      late: false,
      preCurfew: false,
      entries: [{ staffId: ids.zhangsan, name: '张三', status: 'absent', note: '', returnedAt: null }],
    },
    history: [],
  });

  beforeEach(async () => {
    // written past the model (as by a version of the bot from before the rows): no row for them
    await RollCall.collection.insertMany([
      stored('2026-10-31:城南宿舍', '2026-10-31', '城南宿舍'),
      stored('2026-11-02:城南宿舍', '2026-11-02', '城南宿舍'),
    ] as never[]);
    await OnceKey.deleteOne({ _id: 'narrow:rollcallrows:built' });
  });

  it('the first start writes the rows of the roll calls already there, once, each in its month', async () => {
    expect(await recordsOf({ from: '2026-10-01', to: '2026-11-30' })).toEqual([]);
    expect(await rollCallRows.rebuild()).toBe(2);
    expect((await recordsOf({ from: '2026-10-01', to: '2026-11-30' })).map((r) => r.date)).toEqual([
      '2026-10-31',
      '2026-11-02',
    ]);
    expect((await recordsOf({ month: '2026-10' })).map((r) => r.entries.map((e) => e.name))).toEqual([['张三']]);
    expect(await rollCallRows.partitions()).toEqual(['202610', '202611']);
    expect(await rollCallRows.rebuild()).toBe(0);
  });

  it('a row behind its roll call (a write the hooks did not see) is put right by the evening’s escalation', async () => {
    await step(sh('21:45'));
    clock = sh('22:05');
    await say('chen', '查房 全到');
    // the report changed past the model: the row still says everyone is in
    await RollCall.collection.updateOne({ _id: SOUTH } as never, {
      $set: { 'report.entries.0.status': 'absent' },
    });
    let [r, want] = await rowAndRecord(SOUTH);
    expect(r).not.toEqual(want);
    await RollCall.collection.deleteOne({ _id: NORTH } as never);
    await RollCall.collection.insertOne(stored(NORTH, '2026-11-27', '城北宿舍') as never);
    expect((await row(NORTH))!.report).toBeUndefined();

    await step(sh('22:45'));
    [r, want] = await rowAndRecord(SOUTH);
    expect(r).toEqual(want);
    expect(outOf(r!).map((e) => e.name)).toEqual(['张三']);
    const [north, northWant] = await rowAndRecord(NORTH);
    expect(north).toEqual(northWant);
    expect(north!.report).toMatchObject({ by: { name: '陈队长' } });
  });
});
