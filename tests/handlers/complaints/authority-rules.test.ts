import { describe, expect, it } from 'vitest';
import {
  approvalFor,
  canApproveHandling,
  moneyPromises,
  needsChairman,
  toldBeyondAuthority,
} from '../../../handlers/complaints/authority-rules.ts';
import { parseReportPeriod, weekBefore } from '../../../handlers/complaints/report.ts';
import { canTellResult } from '../../../handlers/complaints/rules.ts';
import { weeklyCron } from '../../../handlers/complaints/settings.ts';
import type { Role } from '../../../src/core/types.ts';

const roles =
  (...rs: Role[]) =>
  (r: Role) =>
    rs.includes(r);
const TZ = 'Asia/Shanghai';
const now = new Date('2026-11-27T02:00:00Z'); // Friday 10:00 in Shanghai
const kefu = { staffId: 'k1', name: '王客服' };

describe("§4.4 promises within one's authority: money words", () => {
  it.each([
    ['同意减免本月服务费', ['减免']],
    ['答应退款 200 元，并赔偿损失', ['退款', '赔偿']],
    ['免费加派一名夜班队员', ['免费']],
    ['同意客户扣服务费 500 元', ['扣服务费']],
    ['下月打八折', []],
    ['给予 9 折优惠', ['优惠']],
    ['更换夜班队员，队长每晚查岗', []],
    ['不予赔偿，已向客户解释', []],
    ['客户要求退款，不同意退款', []],
    ['无需补偿', []],
    ['减免、减免', ['减免']],
  ])('「%s」 → %j', (text, words) => {
    expect(moneyPromises(text)).toEqual(words);
  });

  it('needs the chairman for money promised by 客服部 or a 队长, never for his own', () => {
    expect(needsChairman(['减免'], roles('customer_service'))).toBe(true);
    expect(needsChairman(['减免'], roles('team_leader', 'customer_service'))).toBe(true);
    expect(needsChairman(['减免'], roles('customer_service', 'chairman'))).toBe(false);
    expect(needsChairman([], roles('customer_service'))).toBe(false);
  });

  it('makes a handling wait for the chairman, approved at once when he decided it himself, none without money', () => {
    expect(approvalFor(['扣服务费 ¥500.00（2026-11）', '减免'], roles('customer_service'), kefu, now)).toMatchObject({
      status: 'pending',
      what: '扣服务费 ¥500.00（2026-11）、减免',
      decidedBy: null,
    });
    expect(approvalFor(['减免'], roles('chairman'), { staffId: 'c1', name: '孙董事长' }, now)).toMatchObject({
      status: 'approved',
      decidedBy: { name: '孙董事长' },
    });
    expect(approvalFor([], roles('customer_service'), kefu, now)).toBeNull();
  });

  it('lets only the chairman confirm, only a waiting handling, and not one he is named responsible in', () => {
    const waiting = { status: 'decided' as const, approval: { status: 'pending', what: '减免' } };
    expect(canApproveHandling(waiting, roles('chairman'), 'c1').ok).toBe(true);
    expect(canApproveHandling(waiting, roles('customer_service', 'admin'), 'k1').ok).toBe(false);
    expect(canApproveHandling({ ...waiting, approval: { status: 'approved' } }, roles('chairman'), 'c1').ok).toBe(
      false,
    );
    expect(canApproveHandling({ status: 'decided' }, roles('chairman'), 'c1').ok).toBe(false);
    expect(canApproveHandling({ ...waiting, responsible: [{ staffId: 'c1' }] }, roles('chairman'), 'c1').ok).toBe(
      false,
    );
  });

  it('does not let the result be told while the chairman has not confirmed, nor money told on a handling he never saw', () => {
    const verdict = canTellResult(
      { status: 'decided', approval: { status: 'pending', what: '减免' } },
      roles('customer_service'),
    );
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.why).toContain('须董事长核准后才能告知客户');
    expect(
      canTellResult({ status: 'decided', approval: { status: 'approved', what: '减免' } }, roles('customer_service'))
        .ok,
    ).toBe(true);
    expect(toldBeyondAuthority('已答应减免本月服务费', { status: 'decided' }, roles('customer_service'))).toContain(
      '没有经董事长核准',
    );
    expect(
      toldBeyondAuthority(
        '已答应减免本月服务费',
        { status: 'decided', approval: { status: 'approved' } },
        roles('customer_service'),
      ),
    ).toBeUndefined();
    expect(toldBeyondAuthority('已更换队员', { status: 'decided' }, roles('customer_service'))).toBeUndefined();
  });
});

describe("§4.3 the report's period and its weekly time", () => {
  it("reads 本周, 上周, 本月, a month and a range in the bot's zone", () => {
    expect(parseReportPeriod('', now, TZ)).toMatchObject({
      label: '2026-11-23 至 2026-11-29',
      from: new Date('2026-11-22T16:00:00Z'),
      to: new Date('2026-11-29T16:00:00Z'),
    });
    expect(parseReportPeriod('上周', now, TZ)).toMatchObject({ label: '2026-11-16 至 2026-11-22' });
    expect(parseReportPeriod('本月', now, TZ)).toMatchObject({ label: '2026-11-01 至 2026-11-30' });
    expect(parseReportPeriod('上月', now, TZ)).toMatchObject({ label: '2026-10-01 至 2026-10-31' });
    expect(parseReportPeriod('2026-11-01 至 2026-11-15', now, TZ)).toMatchObject({ label: '2026-11-01 至 2026-11-15' });
    expect(parseReportPeriod('2026-11-27', now, TZ)).toMatchObject({ label: '2026-11-27' });
    expect(parseReportPeriod('前几天', now, TZ)).toHaveProperty('error');
  });

  it('covers the seven days before the weekly slot, and runs on the weekday set (Sunday is 0 for cron)', () => {
    expect(weekBefore(new Date('2026-11-30T01:00:00Z'), TZ).label).toBe('2026-11-23 至 2026-11-29');
    expect(weeklyCron(1, '09:00')).toBe('0 9 * * 1');
    expect(weeklyCron(7, '18:30')).toBe('30 18 * * 0');
  });
});
