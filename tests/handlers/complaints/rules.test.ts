import { describe, expect, it } from 'vitest';
import {
  canAppeal,
  canConfirmEffect,
  canDecide,
  canFollowUp,
  canInvestigate,
  canProposeMeasures,
  canReopen,
  canRule,
  canTellResult,
  categoryFromWords,
  closingBlocker,
  deadlinesFor,
  dueWork,
  followUpPlan,
  nextCheckAt,
  parseComplaintNumber,
  planDone,
  timeLimitFor,
  toldOnProblem,
} from '../../../handlers/complaints/rules.ts';
import { parsePhoneNumber } from '../../../src/core/text.ts';
import type { Role } from '../../../src/core/types.ts';

const roles =
  (...rs: Role[]) =>
  (r: Role) =>
    rs.includes(r);
const limits = { general: 72, fee_deduction: 24, unjustified: 120 };
const H = 3600_000;
const t0 = new Date('2026-11-27T02:00:00Z'); // 10:00 on 11-27 in Shanghai
const TZ = 'Asia/Shanghai';

describe('§2 categories from the words people type', () => {
  it.each([
    ['一般性', 'general'],
    ['一般', 'general'],
    ['1', 'general'],
    ['扣服务费', 'fee_deduction'],
    ['扣费', 'fee_deduction'],
    ['扣服务费性投诉', 'fee_deduction'],
    ['2', 'fee_deduction'],
    ['非正当理由', 'unjustified'],
    ['无理投诉', 'unjustified'],
    ['3', 'unjustified'],
  ])('reads 「%s」 as %s', (word, cat) => {
    expect(categoryFromWords(word)).toBe(cat);
  });

  it('refuses words that name no category', () => {
    expect(categoryFromWords('严重')).toBeUndefined();
    expect(categoryFromWords('')).toBeUndefined();
    expect(categoryFromWords('4')).toBeUndefined();
  });
});

describe('§3.1.3 time limits', () => {
  it('gives 扣服务费 the shortest limit', () => {
    expect(timeLimitFor('fee_deduction', limits)).toBeLessThan(timeLimitFor('general', limits));
    expect(timeLimitFor('fee_deduction', limits)).toBeLessThan(timeLimitFor('unjustified', limits));
  });

  it('is due the limit after acceptance, and reminds the configured hours before', () => {
    const { dueAt, remindAt } = deadlinesFor(t0, 'fee_deduction', limits, 6);
    expect(dueAt).toEqual(new Date(t0.getTime() + 24 * H));
    expect(remindAt).toEqual(new Date(t0.getTime() + 18 * H));
  });

  it('reminds at acceptance when the limit is shorter than the reminder lead', () => {
    expect(deadlinesFor(t0, 'fee_deduction', { ...limits, fee_deduction: 2 }, 6).remindAt).toEqual(t0);
  });

  const open = {
    status: 'registered' as const,
    dueAt: new Date(t0.getTime() + 24 * H),
    remindedAt: null,
    overdueAt: null,
    followUps: [],
  };

  it('reminds before the limit, escalates after it, and only once each', () => {
    expect(dueWork(open, new Date(t0.getTime() + 17 * H), 6)).toEqual({
      remind: false,
      escalate: false,
      followUpsDue: [],
      ackRemind: false,
    });
    expect(dueWork(open, new Date(t0.getTime() + 19 * H), 6)).toEqual({
      remind: true,
      escalate: false,
      followUpsDue: [],
      ackRemind: false,
    });
    expect(dueWork({ ...open, remindedAt: t0 }, new Date(t0.getTime() + 19 * H), 6).remind).toBe(false);
    expect(dueWork({ ...open, remindedAt: t0 }, new Date(t0.getTime() + 25 * H), 6).escalate).toBe(true);
    expect(dueWork({ ...open, overdueAt: t0 }, new Date(t0.getTime() + 25 * H), 6)).toEqual({
      remind: false,
      escalate: false,
      followUpsDue: [],
      ackRemind: false,
    });
  });

  it('does not escalate once the result was told to the client', () => {
    expect(dueWork({ ...open, status: 'following_up' }, new Date(t0.getTime() + 99 * H), 6).escalate).toBe(false);
  });

  it('§4.2: reminds once when 已告知 is still missing at its time, for an unconfirmed case too, never once told or closed', () => {
    const fresh = {
      ...open,
      status: 'unconfirmed' as const,
      ackDueAt: new Date(t0.getTime() + 2 * H),
      clientToldAt: null,
      ackRemindedAt: null,
    };
    expect(dueWork(fresh, new Date(t0.getTime() + 1 * H), 6).ackRemind).toBe(false);
    expect(dueWork(fresh, new Date(t0.getTime() + 2 * H), 6).ackRemind).toBe(true);
    expect(dueWork({ ...fresh, ackRemindedAt: t0 }, new Date(t0.getTime() + 3 * H), 6).ackRemind).toBe(false);
    expect(dueWork({ ...fresh, clientToldAt: t0 }, new Date(t0.getTime() + 3 * H), 6).ackRemind).toBe(false);
    expect(dueWork({ ...fresh, status: 'closed' }, new Date(t0.getTime() + 3 * H), 6).ackRemind).toBe(false);
    expect(nextCheckAt({ ...fresh, status: 'registered' }, 6)).toEqual(fresh.ackDueAt);
    expect(nextCheckAt({ ...fresh, status: 'registered', clientToldAt: t0 }, 6)).toEqual(
      new Date(t0.getTime() + 18 * H),
    );
  });

  it('schedules the next check at the reminder, then at the limit, then at nothing', () => {
    expect(nextCheckAt(open, 6)).toEqual(new Date(t0.getTime() + 18 * H));
    expect(nextCheckAt({ ...open, remindedAt: t0 }, 6)).toEqual(open.dueAt);
    expect(nextCheckAt({ ...open, overdueAt: t0 }, 6)).toBeNull();
    expect(nextCheckAt({ ...open, status: 'closed' }, 6)).toBeNull();
  });
});

describe('§3.2 / §3.1.5 who may act, and when', () => {
  const c = { status: 'registered' as const };
  it('lets only 人防部 investigate, and only a registered complaint', () => {
    expect(canInvestigate(c, roles('guard_ops')).ok).toBe(true);
    expect(canInvestigate(c, roles('customer_service', 'team_leader')).ok).toBe(false);
    expect(canInvestigate({ status: 'investigated' }, roles('guard_ops')).ok).toBe(false);
  });

  it('lets only 客服部 decide, after the investigation', () => {
    expect(canDecide({ status: 'investigated' }, roles('customer_service')).ok).toBe(true);
    expect(canDecide({ status: 'investigated' }, roles('guard_ops')).ok).toBe(false);
    const early = canDecide(c, roles('customer_service'));
    expect(early.ok).toBe(false);
    expect(!early.ok && early.why).toContain('还没有调查');
  });

  it('holds back telling the result while a 签呈 is pending (§4.5)', () => {
    expect(canTellResult({ status: 'decided' }, roles('customer_service')).ok).toBe(true);
    expect(canTellResult({ status: 'decided', appeal: { status: 'pending' } }, roles('customer_service')).ok).toBe(
      false,
    );
  });

  it('lets only 客服部 log follow-ups, which is how a case closes', () => {
    expect(canFollowUp({ status: 'following_up' }, roles('customer_service')).ok).toBe(true);
    expect(canFollowUp({ status: 'following_up' }, roles('guard_ops', 'team_leader', 'admin')).ok).toBe(false);
  });

  it('§4.5: departments file a 签呈 after the decision; 行政部 or 董事长 rule on it', () => {
    expect(canAppeal({ status: 'decided' }).ok).toBe(true);
    expect(canAppeal({ status: 'investigated' }).ok).toBe(false);
    expect(canAppeal({ status: 'decided', appeal: { status: 'pending' } }).ok).toBe(false);
    expect(canRule({ status: 'decided', appeal: { status: 'pending' } }, roles('chairman')).ok).toBe(true);
    expect(canRule({ status: 'decided', appeal: { status: 'pending' } }, roles('customer_service')).ok).toBe(false);
  });

  it('§4.5: nobody rules on a 签呈 they filed or a case they are named responsible in', () => {
    const pending = {
      status: 'decided' as const,
      appeal: { status: 'pending', by: { staffId: 's-admin' } },
      responsible: [{ staffId: 's-boss' }],
    };
    expect(canRule(pending, roles('admin'), 's-admin')).toMatchObject({
      ok: false,
      why: expect.stringContaining('你提出的'),
    });
    expect(canRule(pending, roles('chairman'), 's-boss')).toMatchObject({
      ok: false,
      why: expect.stringContaining('责任人'),
    });
    expect(canRule(pending, roles('chairman'), 's-other').ok).toBe(true);
  });

  it('§3.1.6: no close until the effect is confirmed 有效; 不满意 at the last follow-up keeps it open (§3.1.10)', () => {
    const done = [{ seq: 1, dueAt: new Date(), doneAt: new Date(), outcome: '满意' }];
    expect(closingBlocker({ followUps: [{ seq: 1, dueAt: new Date(), doneAt: null }] })).toBe('followups');
    expect(closingBlocker({ followUps: done, effect: null })).toBe('effect');
    expect(closingBlocker({ followUps: done, effect: { effective: false } })).toBe('effect');
    expect(closingBlocker({ followUps: done, effect: { effective: true }, measuresDue: true })).toBe('effect');
    expect(closingBlocker({ followUps: [{ ...done[0]!, outcome: '不满意' }], effect: { effective: true } })).toBe(
      'unsatisfied',
    );
    expect(closingBlocker({ followUps: done, effect: { effective: true }, clientToldAt: t0 })).toBeUndefined();
  });

  it('§4.2: a case whose client is not on record as told it is handled (已告知) does not close', () => {
    const done = [{ seq: 1, dueAt: new Date(), doneAt: new Date(), outcome: '满意' }];
    expect(closingBlocker({ followUps: done, effect: { effective: true } })).toBe('told');
    expect(closingBlocker({ followUps: done, effect: { effective: true }, clientToldAt: null })).toBe('told');
  });

  it("§3.1.6: an effect marked 无效 waits for 人防部's new measures before it is confirmed again", () => {
    expect(canConfirmEffect({ status: 'following_up', measuresDue: true }, roles('customer_service')).ok).toBe(false);
    expect(canProposeMeasures({ status: 'following_up', measuresDue: true }, roles('guard_ops')).ok).toBe(true);
    expect(canProposeMeasures({ status: 'following_up', measuresDue: false }, roles('guard_ops')).ok).toBe(false);
    expect(canProposeMeasures({ status: 'following_up', measuresDue: true }, roles('customer_service')).ok).toBe(false);
  });

  it('reopens only a closed case', () => {
    expect(canReopen({ status: 'closed' }, roles('customer_service')).ok).toBe(true);
    expect(canReopen({ status: 'following_up' }, roles('customer_service')).ok).toBe(false);
    expect(canReopen({ status: 'closed' }, roles('guard_ops')).ok).toBe(false);
  });
});

describe('§3.1.10 the follow-up plan', () => {
  it('plans one follow-up per configured interval and is done when all are done', () => {
    const plan = followUpPlan('2026-11-27', t0, [7, 30], TZ);
    expect(plan).toEqual([
      { seq: 1, dueAt: new Date(t0.getTime() + 7 * 24 * H) },
      { seq: 2, dueAt: new Date(t0.getTime() + 30 * 24 * H) },
    ]);
    expect(planDone(plan.map((f) => ({ ...f, doneAt: null })))).toBe(false);
    expect(planDone(plan.map((f, i) => ({ ...f, doneAt: i === 0 ? t0 : null })))).toBe(false);
    expect(planDone(plan.map((f) => ({ ...f, doneAt: t0 })))).toBe(true);
  });

  it('plans from the 告知日期, not from when it was recorded: told 11-27, recorded 11-28, due 12-04', () => {
    const recorded = new Date(t0.getTime() + 24 * H);
    expect(followUpPlan('2026-11-27', recorded, [7, 30], TZ)).toEqual([
      { seq: 1, dueAt: new Date('2026-12-04T02:00:00Z') },
      { seq: 2, dueAt: new Date('2026-12-27T02:00:00Z') },
    ]);
  });

  it('counts the told day in BOT_TIMEZONE: recorded 00:30 in Shanghai (16:30 UTC the day before)', () => {
    const recorded = new Date('2026-11-27T16:30:00Z'); // 11-28 00:30 in Shanghai
    expect(followUpPlan('2026-11-28', recorded, [7], TZ)).toEqual([
      { seq: 1, dueAt: new Date('2026-12-04T16:30:00Z') },
    ]);
  });

  it('reminds of a follow-up when its day comes', () => {
    const c = {
      status: 'following_up' as const,
      dueAt: t0,
      followUps: followUpPlan('2026-11-27', t0, [7, 30], TZ).map((f) => ({ ...f, doneAt: null, remindedAt: null })),
    };
    expect(dueWork(c, new Date(t0.getTime() + 8 * 24 * H), 6).followUpsDue).toEqual([1]);
    expect(nextCheckAt(c, 6)).toEqual(c.followUps[0]!.dueAt);
  });
});

describe('§3.1.9 告知日期', () => {
  const accepted = new Date('2026-11-27T01:00:00Z'); // 09:00 on 11-27 in Shanghai
  const now = new Date('2026-11-28T02:00:00Z');

  it('refuses a day before the case was accepted, naming the 受理日期', () => {
    expect(toldOnProblem('2026-01-01', now, TZ, accepted)).toContain('早于受理日期 2026-11-27');
    expect(toldOnProblem('2026-11-26', now, TZ, accepted)).toContain('早于受理日期 2026-11-27');
  });

  it('refuses a day after today, naming today', () => {
    expect(toldOnProblem('2026-11-29', now, TZ, accepted)).toContain('晚于今天（2026-11-28）');
    expect(toldOnProblem('2026-11-29', now, TZ)).toContain('晚于今天（2026-11-28）');
  });

  it('accepts the day accepted, today, and any day between', () => {
    for (const day of ['2026-11-27', '2026-11-28']) expect(toldOnProblem(day, now, TZ, accepted)).toBeUndefined();
  });

  it('reads the accepted day and today in BOT_TIMEZONE', () => {
    // accepted 11-27 23:30 in Shanghai (15:30 UTC), now 11-28 00:30 in Shanghai
    expect(
      toldOnProblem('2026-11-28', new Date('2026-11-27T16:30:00Z'), TZ, new Date('2026-11-27T15:30:00Z')),
    ).toBeUndefined();
    expect(
      toldOnProblem('2026-11-26', new Date('2026-11-27T16:30:00Z'), TZ, new Date('2026-11-27T15:30:00Z')),
    ).toContain('2026-11-27');
  });
});

describe('the 客户投诉登记表 fields', () => {
  it('accepts mobile and landline phones, refuses others', () => {
    expect(parsePhoneNumber('138 0000 0001')).toBe('13800000001');
    expect(parsePhoneNumber('0571-88886666')).toBe('0571-88886666');
    expect(parsePhoneNumber('(0755) 8888-6666')).toBe('0755-88886666');
    expect(parsePhoneNumber('01088886666')).toBe('010-88886666');
    expect(parsePhoneNumber('+86 137 0000 3333')).toBe('13700003333');
    expect(parsePhoneNumber('12345')).toBeUndefined();
    expect(parsePhoneNumber('13800000001 张经理')).toBeUndefined();
  });

  it('reads 受理编号 as people type it', () => {
    expect(parseComplaintNumber('ts-20261127-3')).toBe('TS-20261127-003');
    expect(parseComplaintNumber('TS-20261127-003')).toBe('TS-20261127-003');
    expect(parseComplaintNumber('万达')).toBeUndefined();
  });
});

describe('§2 category words in lists', () => {
  it('takes only exact category words, so a client named 一般物业 stays a client', async () => {
    const { categoryFromExactWords } = await import('../../../handlers/complaints/rules.ts');
    expect(categoryFromExactWords('扣服务费')).toBe('fee_deduction');
    expect(categoryFromExactWords('一般物业')).toBeUndefined();
    expect(categoryFromExactWords('无理公司')).toBeUndefined();
  });
});
