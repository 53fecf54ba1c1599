import { describe, expect, it } from 'vitest';
import {
  defaultScore,
  HYGIENE_CHECKLIST,
  parsePassFail,
  parseScore,
  rankDorms,
  rankLine,
} from '../../../handlers/dorms/hygiene-rules.ts';
import {
  accountFor,
  amountChange,
  maskAccount,
  mayConfirmPayee,
  mayPayRent,
  mayseeAccount,
  parseAccount,
  payeeChange,
  previousMonth,
  rentDue,
  rentPeriodProblem,
} from '../../../handlers/dorms/rent-rules.ts';

describe('§3.3.1 the hygiene checklist', () => {
  it('has the rulebook’s six items, 空气清洁无异味 from §3.3.2 included', () => {
    expect(HYGIENE_CHECKLIST.map((i) => i.label)).toEqual([
      '床铺平整清洁',
      '床单与床垫同宽',
      '棉被二折四叠放床头中间',
      '帽子放被子中央',
      '物品摆放整齐不放床上',
      '空气清洁无异味',
    ]);
  });

  it.each([
    ['合格', true],
    ['√', true],
    ['1', true],
    ['不合格', false],
    ['×', false],
    ['0', false],
    ['还行', undefined],
  ])('reads "%s" as %s', (text, pass) => {
    expect(parsePassFail(text)).toBe(pass);
  });

  it('takes a score 0–100 or computes one from the items passed', () => {
    expect(parseScore('85')).toBe(85);
    expect(parseScore('85分')).toBe(85);
    expect(parseScore('101')).toBeUndefined();
    expect(defaultScore([{ pass: true }, { pass: true }, { pass: false }])).toBe(67);
  });
});

describe('§3.3.2 卫生评比 ranking', () => {
  const ev = (dorm: string, score: number, failed = 0) => ({
    dorm,
    score,
    items: Array.from({ length: 6 }, (_, i) => ({ key: String(i), pass: i >= failed })),
  });

  it('ranks by mean score, ties share a rank and order by fewer failed items; unevaluated dorms last without a rank', () => {
    const rows = rankDorms(
      [ev('城南宿舍', 90), ev('城南宿舍', 80, 1), ev('城北宿舍', 85, 2), ev('东区宿舍', 95)],
      ['城南宿舍', '城北宿舍', '东区宿舍', '西区宿舍'],
    );
    expect(rows.map((r) => [r.rank, r.dorm, r.average, r.failedItems])).toEqual([
      [1, '东区宿舍', 95, 0],
      [2, '城南宿舍', 85, 1],
      [2, '城北宿舍', 85, 2],
      [null, '西区宿舍', null, 0],
    ]);
    expect(rankLine(rows[1]!)).toBe('2. 城南宿舍：平均 85 分（2 次，不合格 1 项）');
    expect(rankLine(rows[3]!)).toBe('• 西区宿舍：本期未评比');
  });

  it("leaves a leader's self-checks out of the mean and the rank, and shows them beside it (#20)", () => {
    const self = (dorm: string, score: number) => ({ ...ev(dorm, score), selfCheck: true });
    const rows = rankDorms(
      [self('城南宿舍', 100), ev('城南宿舍', 70, 1), ev('城北宿舍', 80), self('东区宿舍', 95)],
      ['城南宿舍', '城北宿舍', '东区宿舍'],
    );
    expect(rows.map((r) => [r.rank, r.dorm, r.average, r.evaluations])).toEqual([
      [1, '城北宿舍', 80, 1],
      [2, '城南宿舍', 70, 1],
      [null, '东区宿舍', null, 0],
    ]);
    expect(rankLine(rows[1]!)).toBe(
      '2. 城南宿舍：平均 70 分（1 次，不合格 1 项；另有队长自查 1 次，平均 100 分，不计入排名）',
    );
    expect(rankLine(rows[2]!)).toBe('• 东区宿舍：本期未评比（仅队长自查 1 次，平均 95 分，不计入排名）');
  });
});

describe('§3.3.4 the landlord’s account', () => {
  it('reads an account with spaces and dashes and refuses anything else', () => {
    expect(parseAccount('6222 0212 3456 7890 123')).toBe('6222021234567890123');
    expect(parseAccount('6222-0212')).toBe('62220212');
    expect(parseAccount('abc')).toBeUndefined();
    expect(parseAccount('123')).toBeUndefined();
  });

  it('masks it except for 综合部 and 财务部 in a private chat', () => {
    expect(maskAccount('6222021234567890123')).toBe('6222 **** **** 0123');
    expect(mayseeAccount({ isGroup: false, roles: ['finance'] })).toBe(true);
    expect(mayseeAccount({ isGroup: false, roles: new Set(['general_affairs']) })).toBe(true);
    expect(mayseeAccount({ isGroup: true, roles: ['finance'] })).toBe(false);
    expect(mayseeAccount({ isGroup: false, roles: ['team_leader'] })).toBe(false);
    expect(accountFor('6222021234567890123', false)).not.toContain('02123456');
  });
});

describe('§3.3.4 rent amounts and the monthly round', () => {
  it('flags an amount that differs from last month’s', () => {
    expect(amountChange(null, 350000)).toEqual({ changed: false, deltaFen: 0 });
    expect(amountChange(350000, 350000)).toEqual({ changed: false, deltaFen: 0 });
    expect(amountChange(350000, 380000)).toEqual({ changed: true, deltaFen: 30000 });
  });

  it('knows the month before', () => {
    expect(previousMonth('2026-01')).toBe('2025-12');
    expect(previousMonth('2026-11')).toBe('2026-10');
  });

  it('reminds from the reminder day and escalates from the escalation day', () => {
    expect(rentDue(1, 1, 10)).toEqual({ remind: true, escalate: false });
    expect(rentDue(12, 1, 10)).toEqual({ remind: true, escalate: true });
    expect(rentDue(3, 5, 10)).toEqual({ remind: false, escalate: false });
  });
});

describe('§3.3.4 who is paid: the landlord and account against the last accepted report', () => {
  const last = { landlord: '王房东', account: '6222021234567890123' };

  it('is unchanged for the same landlord (spaces and punctuation aside) and account; changed otherwise; new without an accepted report', () => {
    expect(payeeChange(last, { landlord: '王 房东', account: last.account })).toBe('');
    expect(payeeChange(last, { landlord: '陈队长', account: last.account })).toBe('changed');
    expect(payeeChange(last, { landlord: '王房东', account: '6217009876543219999' })).toBe('changed');
    expect(payeeChange(null, last)).toBe('new');
  });

  it('is paid only once 综合部 confirmed a new or changed payee, and never confirmed by the leader who reported it', () => {
    const waiting = { payeeChange: 'changed', payeeConfirmed: null, paid: null, reportedBy: { staffId: 'leader' } };
    expect(mayPayRent(waiting)).toMatchObject({ ok: false, why: expect.stringContaining('综合部确认收款人') });
    expect(mayConfirmPayee(waiting, 'leader')).toMatchObject({
      ok: false,
      why: expect.stringContaining('不能确认自己申报'),
    });
    expect(mayConfirmPayee(waiting, 'ga')).toEqual({ ok: true });
    const confirmed = { ...waiting, payeeConfirmed: { at: new Date() } };
    expect(mayPayRent(confirmed)).toEqual({ ok: true });
    expect(mayPayRent({ ...waiting, payeeChange: '' })).toEqual({ ok: true });
    expect(mayConfirmPayee({ ...waiting, payeeChange: '' }, 'ga').ok).toBe(false);
  });

  it('takes rent months from two months back to next month', () => {
    expect(rentPeriodProblem('2026-09', '2026-11')).toBeUndefined();
    expect(rentPeriodProblem('2026-12', '2026-11')).toBeUndefined();
    expect(rentPeriodProblem('2027-01', '2026-12')).toBeUndefined();
    expect(rentPeriodProblem('2026-08', '2026-11')).toContain('2026-09 到 2026-12');
    expect(rentPeriodProblem('2024-01', '2026-11')).toContain('2024-01 不能申报');
    expect(rentPeriodProblem('2027-09', '2026-11')).toContain('不能申报');
    expect(rentPeriodProblem('2026-11', '2027-01')).toBeUndefined();
  });
});
