import { describe, expect, it } from 'vitest';
import {
  type ConfiguredItem,
  mayDecideRequest,
  monthlyMomentReached,
  parseConfigPairs,
  planListChanges,
  postsWithoutReport,
  refusalReasonProblem,
  reportMonthFor,
  validateSupplyRows,
} from '../../../handlers/supplies/rules.ts';
import type { Role } from '../../../src/core/types.ts';

const TZ = 'Asia/Shanghai';
const LIST: ConfiguredItem[] = [
  { item: '对讲机', quantity: 6, unit: '台' },
  { item: '手电筒', quantity: 8, unit: '支' },
];

describe('§4.1 the configured list', () => {
  it('reads several items and quantities in one message, with units', () => {
    expect(parseConfigPairs('对讲机 6台、手电筒 8；5号电池 20节')).toEqual({
      ok: true,
      pairs: [
        { item: '对讲机', quantity: 6, unit: '台' },
        { item: '手电筒', quantity: 8, unit: '' },
        { item: '5号电池', quantity: 20, unit: '节' },
      ],
    });
  });

  it('refuses the whole message when one part is wrong, naming it', () => {
    const r = parseConfigPairs('对讲机 6、手电筒 八支、对讲机 2');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.join('\n')).toContain('「手电筒 八支」看不懂');
      expect(r.errors.join('\n')).toContain('「对讲机」写了两次');
    }
  });

  it('keeps old → new for every change; 0 takes an item off; an import replaces the whole list', () => {
    expect(
      planListChanges(
        LIST,
        [
          { item: '对讲机', quantity: 5, unit: '' },
          { item: '警棍', quantity: 6, unit: '根' },
        ],
        false,
      ),
    ).toEqual([
      { item: '对讲机', from: 6, to: 5, unit: '台' },
      { item: '警棍', from: null, to: 6, unit: '根' },
    ]);
    expect(planListChanges(LIST, [{ item: '手电筒', quantity: 0, unit: '' }], false)).toEqual([
      { item: '手电筒', from: 8, to: null, unit: '支' },
    ]);
    expect(planListChanges(LIST, [{ item: '对讲机', quantity: 6, unit: '台' }], true)).toEqual([
      { item: '手电筒', from: 8, to: null, unit: '支' },
    ]);
    expect(planListChanges(LIST, LIST, true)).toEqual([]);
  });

  it('checks every imported row: unknown post, bad quantity, missing item, the same item twice (with both rows)', () => {
    const r = validateSupplyRows(
      [
        { row: 2, values: { post: '万达广场', item: '对讲机', quantity: '6', unit: '台' } },
        { row: 3, values: { post: '万达广场', item: '手电筒', quantity: '八' } },
        { row: 4, values: { post: '火星基地', item: '警棍', quantity: '6' } },
        { row: 5, values: { post: '万达广场', quantity: '3' } },
        { row: 6, values: { post: '万达广场', item: '对讲机', quantity: '5' } },
      ],
      new Set(['万达广场']),
    );
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors.map((e) => e.message)).toEqual([
        '第 3 行：数量请写 0 或正整数',
        '第 4 行：驻点「火星基地」不存在（驻点名称要与「驻点列表」一致）',
        '第 5 行：物品没有填写',
        '第 6 行：万达广场 的「对讲机」与第 2 行重复，每种物品只写一行',
      ]);
  });
});

describe('§4.2 the monthly calendar', () => {
  it('files for this month from the report day, for last month before it', () => {
    expect(reportMonthFor(new Date('2026-11-25T01:00:00Z'), TZ, 25)).toBe('2026-11');
    expect(reportMonthFor(new Date('2026-12-02T01:00:00Z'), TZ, 25)).toBe('2026-11');
    expect(reportMonthFor(new Date('2027-01-03T01:00:00Z'), TZ, 25)).toBe('2026-12');
  });

  it('reaches the monthly moment on the day at the time, in the bot time zone, and stays reached that month', () => {
    expect(monthlyMomentReached(new Date('2026-11-25T00:59:00Z'), TZ, 25, '09:00')).toBe(false); // 08:59 Shanghai
    expect(monthlyMomentReached(new Date('2026-11-25T01:00:00Z'), TZ, 25, '09:00')).toBe(true);
    expect(monthlyMomentReached(new Date('2026-11-27T01:00:00Z'), TZ, 25, '09:00')).toBe(true);
    expect(monthlyMomentReached(new Date('2026-12-01T01:00:00Z'), TZ, 25, '09:00')).toBe(false);
  });

  it('lists the posts with a list that did not report, in name order', () => {
    expect(postsWithoutReport(['万达广场', '城南小区', '东湖公园'], ['万达广场'])).toEqual(['城南小区', '东湖公园']);
  });
});

describe('§4.2 requests', () => {
  const actor = (staffId: string, ...roles: Role[]) => ({ staffId, roles: new Set<Role>(roles) });
  it('lets only 综合部 decide, once, and never on their own request', () => {
    expect(mayDecideRequest({ status: 'pending', requesterId: 'a' }, actor('b', 'general_affairs')).ok).toBe(true);
    expect(mayDecideRequest({ status: 'pending', requesterId: 'a' }, actor('b', 'team_leader'))).toMatchObject({
      ok: false,
      why: expect.stringContaining('综合部'),
    });
    expect(mayDecideRequest({ status: 'approved', requesterId: 'a' }, actor('b', 'general_affairs'))).toMatchObject({
      ok: false,
      why: expect.stringContaining('已批准'),
    });
    expect(
      mayDecideRequest({ status: 'pending', requesterId: 'a' }, actor('a', 'general_affairs', 'team_leader')),
    ).toMatchObject({ ok: false });
  });

  it('needs a reason to refuse', () => {
    expect(refusalReasonProblem('  ')).toContain('必须写明原因');
    expect(refusalReasonProblem('本月已配发')).toBeUndefined();
  });
});
