import { describe, expect, it } from 'vitest';
import {
  type EveningRecord,
  eveningRows,
  firstEveningOf,
  lastEveningDue,
  previousDays,
  summarize,
} from '../../../handlers/dorms/figures-rules.ts';
import {
  absentSince,
  type EveningTimes,
  eveningAt,
  eveningOf,
  eveningOrderProblem,
  isLate,
  isPreCurfew,
  looksLikeDormName,
  mayStillAsk,
  nearestDormNames,
  newAbsences,
  parseClock,
  parseReport,
  phaseAt,
  reportLine,
  reportWindow,
  resolveReturnTime,
  rollCallDuty,
} from '../../../handlers/dorms/rules.ts';

const TZ = 'Asia/Shanghai';
const times: EveningTimes = {
  rollCall: parseClock('21:45')!,
  chase: parseClock('22:15')!,
  escalate: parseClock('22:45')!,
  cutoff: parseClock('08:00')!,
};
/** 2026-11-27 at hh:mm Shanghai (UTC+8); a next-morning time is written with day 28. */
const sh = (day: number, hhmm: string) => new Date(`2026-11-${day}T${hhmm}:00+08:00`);
const residents = [
  { staffId: 'a', name: '张三' },
  { staffId: 'b', name: '李四' },
  { staffId: 'c', name: '王五' },
  { staffId: 'd', name: '赵六' },
];

describe('§3.3.3 the evening timetable in BOT_TIMEZONE', () => {
  it('puts a moment in the evening it belongs to: noon to noon, the small hours in the evening before', () => {
    expect(eveningOf(sh(27, '21:45'), TZ)).toBe('2026-11-27');
    expect(eveningOf(sh(28, '00:30'), TZ)).toBe('2026-11-27');
    expect(eveningOf(sh(28, '11:59'), TZ)).toBe('2026-11-27');
    expect(eveningOf(sh(28, '12:00'), TZ)).toBe('2026-11-28');
    // 21:45 Shanghai is 13:45 UTC: the UTC date would be right, but 00:30 Shanghai is still the 27th's evening
    expect(eveningAt('2026-11-27', times.rollCall, TZ).toISOString()).toBe('2026-11-27T13:45:00.000Z');
    expect(eveningAt('2026-11-27', times.cutoff, TZ).toISOString()).toBe('2026-11-28T00:00:00.000Z');
  });

  it('reads the same clock times in another zone', () => {
    expect(eveningAt('2026-11-27', times.rollCall, 'Europe/Berlin').toISOString()).toBe('2026-11-27T20:45:00.000Z');
  });

  it.each([
    ['20:00', 'before'],
    ['21:45', 'asking'],
    ['22:14', 'asking'],
    ['22:15', 'chasing'],
    ['22:45', 'escalated'],
  ] as const)('at %s the evening is %s', (hhmm, phase) => {
    expect(phaseAt(sh(27, hhmm), '2026-11-27', times, TZ)).toBe(phase);
  });

  it('is escalated until the cut-off next morning and closed after it', () => {
    expect(phaseAt(sh(28, '07:59'), '2026-11-27', times, TZ)).toBe('escalated');
    expect(phaseAt(sh(28, '08:01'), '2026-11-27', times, TZ)).toBe('closed');
  });

  it('refuses times out of order', () => {
    expect(eveningOrderProblem(times)).toBeUndefined();
    expect(eveningOrderProblem({ ...times, chase: parseClock('21:30')! })).toContain('chase');
    expect(eveningOrderProblem({ ...times, cutoff: parseClock('22:30')! })).toContain('cut-off');
    expect(eveningOrderProblem({ ...times, rollCall: parseClock('09:00')! })).toContain('roll call');
  });

  it('refuses an escalation time at or before 22:00: nobody could have reported the 22:00 roll call yet', () => {
    expect(
      eveningOrderProblem({
        rollCall: parseClock('21:00')!,
        chase: parseClock('21:30')!,
        escalate: parseClock('22:00')!,
        cutoff: parseClock('08:00')!,
      }),
    ).toContain('22:00');
    expect(
      eveningOrderProblem({
        rollCall: parseClock('21:00')!,
        chase: parseClock('21:30')!,
        escalate: parseClock('22:01')!,
        cutoff: parseClock('08:00')!,
      }),
    ).toBeUndefined();
  });
});

describe('§3.3.3 catch-up: the roll call goes out only while the escalation time has not passed', () => {
  it('asks from the roll-call time until the escalation time, never before or after', () => {
    expect(mayStillAsk(sh(27, '21:44'), '2026-11-27', times, TZ)).toBe(false);
    expect(mayStillAsk(sh(27, '21:45'), '2026-11-27', times, TZ)).toBe(true);
    expect(mayStillAsk(sh(27, '22:44'), '2026-11-27', times, TZ)).toBe(true);
    expect(mayStillAsk(sh(27, '22:45'), '2026-11-27', times, TZ)).toBe(false);
    expect(mayStillAsk(sh(28, '01:00'), '2026-11-27', times, TZ)).toBe(false);
  });
});

describe('§3.3.3 late reports and corrections', () => {
  it('marks a report at or after the escalation time late', () => {
    expect(isLate(sh(27, '22:44'), '2026-11-27', times, TZ)).toBe(false);
    expect(isLate(sh(27, '22:45'), '2026-11-27', times, TZ)).toBe(true);
    expect(isLate(sh(28, '01:00'), '2026-11-27', times, TZ)).toBe(true);
  });

  it('accepts a report or correction from the roll call until the cut-off, and says why otherwise', () => {
    expect(reportWindow(sh(27, '21:00'), '2026-11-27', times, TZ)).toMatchObject({
      ok: false,
      why: expect.stringContaining('21:45'),
    });
    expect(reportWindow(sh(27, '23:30'), '2026-11-27', times, TZ)).toEqual({ ok: true });
    expect(reportWindow(sh(28, '08:30'), '2026-11-27', times, TZ)).toMatchObject({
      ok: false,
      why: expect.stringContaining('截止'),
    });
  });
});

describe('§3.3.3 who is asked', () => {
  it('asks a dorm with residents through a reachable leader and reports one without', () => {
    const base = { name: '城南宿舍', residents, leaders: [{ staffId: 'L', name: '陈队长' }], reachableLeaders: 1 };
    expect(rollCallDuty(base)).toBe('ask');
    expect(rollCallDuty({ ...base, leaders: [], reachableLeaders: 0 })).toBe('no_leader');
    expect(rollCallDuty({ ...base, reachableLeaders: 0 })).toBe('leader_unreachable');
    expect(rollCallDuty({ ...base, residents: [] })).toBe('empty');
  });
});

describe('§3.3.3 reading the leader’s answer', () => {
  it('全到 marks everyone back', () => {
    const r = parseReport('全到', residents);
    expect(r.ok && r.entries.map((e) => e.status)).toEqual(['present', 'present', 'present', 'present']);
  });

  it('names after 未归/请假/夜班 set those; everyone else is back; only 未归 counts as an absence', () => {
    const r = parseReport('未归 张三 李四(电话不通) 请假 王五', residents);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.entries.map((e) => [e.name, e.status, e.note])).toEqual([
      ['张三', 'absent', ''],
      ['李四', 'absent', '电话不通'],
      ['王五', 'leave', ''],
      ['赵六', 'present', ''],
    ]);
    expect(newAbsences(null, r.entries).map((e) => e.name)).toEqual(['张三', '李四']);
    expect(reportLine(r.entries)).toBe('1/4 人已归；未归：张三、李四（电话不通）；请假：王五');
  });

  it('takes list numbers instead of names, with full-width brackets and 、', () => {
    const r = parseReport('夜班 4、未归 1（联系不上）', residents);
    expect(
      r.ok && r.entries.filter((e) => e.status !== 'present').map((e) => `${e.name}:${e.status}:${e.note}`),
    ).toEqual(['张三:absent:联系不上', '赵六:night_duty:']);
  });

  it.each([
    ['张三', '前面要写'],
    ['未归 周七', '不在本宿舍名单上'],
    ['未归 9', '没有第 9 号'],
    ['未归 张三 请假 张三', '同时写成了'],
    ['全到 未归 张三', '只能单独使用'],
    ['未归', '请写明是谁'],
    ['', '请写明查房结果'],
  ])('refuses "%s" as a whole (%s)', (text, why) => {
    const r = parseReport(text, residents);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain(why);
  });

  it('refuses a reason over 30 characters, which would go on every card and to 综合部', () => {
    const r = parseReport(`未归 张三(${'联系不上'.repeat(10)})`, residents);
    expect(!r.ok && r.error).toContain('原因太长了（最多 30 字）');
    expect(parseReport(`未归 张三(${'联'.repeat(30)})`, residents).ok).toBe(true);
  });

  it('an unknown name quotes at most 20 characters of it, and a big dorm lists ten names and the count', () => {
    const big = Array.from({ length: 300 }, (_, i) => ({ staffId: `s${i}`, name: `队员${i + 1}` }));
    const r = parseReport(`未归 ${'某'.repeat(400)}`, big);
    const error = (!r.ok && r.error) || '';
    expect(error).toContain('不在本宿舍名单上（队员1、队员2');
    expect(error).toContain('等 300 人');
    expect(error).not.toContain('队员11');
    expect(Array.from(error).length).toBeLessThan(150);
  });

  it('asks for the number when two residents share a name', () => {
    const r = parseReport('未归 张三', [...residents, { staffId: 'e', name: '张三' }]);
    expect(!r.ok && r.error).toContain('序号');
  });

  it('tells 综合部 only of absences it has not heard of when a report is corrected', () => {
    const first = parseReport('未归 张三', residents);
    const second = parseReport('未归 张三 李四', residents);
    if (!first.ok || !second.ok) throw new Error('parse');
    expect(newAbsences(first.entries, second.entries).map((e) => e.name)).toEqual(['李四']);
    expect(newAbsences(second.entries, first.entries)).toEqual([]);
  });
});

describe('§3.3.3 归宿时间 of a resident who was not back', () => {
  it('reads 23:10 and 00:30 within the evening; refuses a future time and nonsense', () => {
    const now = sh(28, '01:00');
    expect((resolveReturnTime('23:10', now, '2026-11-27', TZ) as Date).toISOString()).toBe('2026-11-27T15:10:00.000Z');
    expect((resolveReturnTime('0:30', now, '2026-11-27', TZ) as Date).toISOString()).toBe('2026-11-27T16:30:00.000Z');
    expect(resolveReturnTime('', now, '2026-11-27', TZ)).toBe(now);
    expect(resolveReturnTime('02:00', now, '2026-11-27', TZ)).toContain('还没到');
    expect(resolveReturnTime('十一点', now, '2026-11-27', TZ)).toContain('看不懂');
  });

  // the bound was the roll-call time (21:45); §3.3.3 is about 22:00 and the report that said they were out
  it('refuses a time before 22:00, or before the person was reported 未归', () => {
    const now = sh(28, '01:00');
    expect(resolveReturnTime('20:00', now, '2026-11-27', TZ)).toContain('早于 22:00');
    expect(resolveReturnTime('21:50', now, '2026-11-27', TZ, sh(27, '21:30'))).toContain('早于 22:00');
    expect(resolveReturnTime('22:03', now, '2026-11-27', TZ, sh(27, '22:05'))).toContain('早于 22:05 上报未归的时间');
    expect((resolveReturnTime('22:05', now, '2026-11-27', TZ, sh(27, '22:05')) as Date).toISOString()).toBe(
      '2026-11-27T14:05:00.000Z',
    );
    expect(resolveReturnTime('', sh(27, '21:55'), '2026-11-27', TZ)).toContain('21:55 早于 22:00');
  });

  it('takes the moment of being reported 未归 from the latest unbroken run of versions that list the person so', () => {
    const v = (hhmm: string, status: 'present' | 'absent') => ({
      at: sh(27, hhmm),
      entries: [{ staffId: 'a', name: '张三', status, note: '' }],
    });
    expect(absentSince([v('21:50', 'absent'), v('22:05', 'absent')], 'a')).toEqual(sh(27, '21:50'));
    expect(
      absentSince([v('21:50', 'absent'), v('22:05', 'present'), { at: sh(27, '22:10') }, v('22:40', 'absent')], 'a'),
    ).toEqual(sh(27, '22:40'));
    expect(absentSince([v('22:05', 'present')], 'a')).toBeUndefined();
  });

  it('reads a report before 22:00 as a 预报', () => {
    expect(isPreCurfew(sh(27, '21:59'), '2026-11-27', TZ)).toBe(true);
    expect(isPreCurfew(sh(27, '22:00'), '2026-11-27', TZ)).toBe(false);
    expect(isPreCurfew(sh(28, '00:30'), '2026-11-27', TZ)).toBe(false);
  });
});

describe('§3.3.3 weekly summary figures', () => {
  const entry = (
    staffId: string,
    name: string,
    status: 'present' | 'absent' | 'leave' | 'night_duty',
    returnedAt: Date | null = null,
  ) => ({
    staffId,
    name,
    status,
    note: '',
    returnedAt,
  });
  const rec = (date: string, dorm: string, o: Partial<EveningRecord> = {}): EveningRecord => ({
    date,
    dorm,
    asked: true,
    reportedAt: new Date(`${date}T14:00:00Z`),
    late: false,
    entries: [],
    ...o,
  });

  it('gives each dorm its on-time rate, each person their absences and late returns, repeat cases, and dorms never reported', () => {
    const s = summarize(
      [
        rec('2026-11-23', '城南宿舍', {
          entries: [entry('a', '张三', 'absent', new Date()), entry('b', '李四', 'leave')],
        }),
        rec('2026-11-24', '城南宿舍', { late: true, entries: [entry('a', '张三', 'absent')] }),
        rec('2026-11-25', '城南宿舍', { reportedAt: null }),
        rec('2026-11-26', '城南宿舍', { entries: [entry('d', '赵六', 'night_duty')] }),
        rec('2026-11-23', '城北宿舍', { reportedAt: null }),
        rec('2026-11-24', '城北宿舍', { reportedAt: null }),
      ],
      2,
    );
    expect(s.dorms).toEqual([
      { dorm: '城北宿舍', asked: 2, onTime: 0, late: 0, missing: 2, onTimeRate: 0 },
      { dorm: '城南宿舍', asked: 4, onTime: 2, late: 1, missing: 1, onTimeRate: 50 },
    ]);
    expect(s.people[0]).toEqual({
      staffId: 'a',
      name: '张三',
      dorm: '城南宿舍',
      absences: 2,
      lateReturns: 1,
      leave: 0,
      nightDuty: 0,
    });
    expect(s.repeat.map((p) => p.name)).toEqual(['张三']);
    expect(s.neverReported).toEqual(['城北宿舍']);
  });

  it('counts an evening with only a 预报 before 22:00 as not reported', () => {
    const s = summarize([rec('2026-11-23', '城南宿舍', { preCurfew: true }), rec('2026-11-24', '城南宿舍')]);
    expect(s.dorms[0]).toMatchObject({ onTime: 1, missing: 1, onTimeRate: 50 });
  });

  it('covers the seven days before the summary day', () => {
    expect(previousDays(sh(30, '09:00'), TZ)).toEqual({ from: '2026-11-23', to: '2026-11-29' });
  });
});

describe('a dorm name as typed', () => {
  const known = ['城北宿舍', '城南宿舍', '幸福里3栋'];

  it('takes a word for a dorm name that does not exist when it says 宿舍 or ends like a known dorm, not a person’s name', () => {
    expect(looksLikeDormName('城东宿舍', known)).toBe(true);
    expect(looksLikeDormName('幸福里5栋', known)).toBe(true);
    expect(looksLikeDormName('张三', known)).toBe(false);
    expect(looksLikeDormName('全到', known)).toBe(false);
    expect(looksLikeDormName('三栋', known)).toBe(false);
  });

  it('lists the known dorms nearest to the typed name first', () => {
    expect(nearestDormNames('幸福里5栋', known, 2)).toEqual(['幸福里3栋', '城北宿舍']);
  });
});

describe('§3.3.3 the evenings of a dorm’s month', () => {
  const rec = (date: string): EveningRecord => ({
    date,
    dorm: '城南宿舍',
    asked: true,
    reportedAt: sh(27, '22:00'),
    late: false,
    entries: [],
  });

  it('starts at the evening a dorm was made, or the next one when made after the roll call', () => {
    expect(firstEveningOf(sh(24, '10:00'), times, TZ)).toBe('2026-11-24');
    expect(firstEveningOf(sh(24, '23:00'), times, TZ)).toBe('2026-11-25');
    expect(firstEveningOf(sh(25, '01:00'), times, TZ)).toBe('2026-11-25');
  });

  it('ends at tonight once its roll call time has come, last night before', () => {
    expect(lastEveningDue(sh(27, '21:44'), times, TZ)).toBe('2026-11-26');
    expect(lastEveningDue(sh(27, '21:45'), times, TZ)).toBe('2026-11-27');
    expect(lastEveningDue(sh(28, '09:00'), times, TZ)).toBe('2026-11-27');
  });

  it('shows every evening without a roll call as 未查房, consecutive ones as one row', () => {
    const rows = eveningRows([rec('2026-11-22'), rec('2026-11-26')], '2026-11-20', '2026-11-28');
    expect(rows.map((r) => (r.kind === 'record' ? r.record.date : `${r.from}..${r.to}:${r.nights}`))).toEqual([
      '2026-11-20..2026-11-21:2',
      '2026-11-22',
      '2026-11-23..2026-11-25:3',
      '2026-11-26',
      '2026-11-27..2026-11-28:2',
    ]);
    expect(eveningRows([rec('2026-11-22')], '2026-11-23', '2026-11-22').map((r) => r.kind)).toEqual(['record']);
  });
});
