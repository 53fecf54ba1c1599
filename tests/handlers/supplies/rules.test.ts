import { describe, expect, it } from 'vitest';
import {
  type ConfiguredItem,
  compareWithConfiguration,
  damageOrLoss,
  differencesFromList,
  mayDecideRequest,
  monthlyMomentReached,
  parseConfigPairs,
  parseReport,
  parseReportLine,
  parseRequestLine,
  planListChanges,
  postsWithoutReport,
  refusalReasonProblem,
  reportLines,
  reportMonthFor,
  shortageAgainstConfiguredQuantity,
  validateSupplyRows,
} from '../../../handlers/supplies/rules.ts';
import type { Role } from '../../../src/core/types.ts';

const TZ = 'Asia/Shanghai';
const LIST: ConfiguredItem[] = [
  { item: '对讲机', quantity: 6, unit: '台' },
  { item: '手电筒', quantity: 8, unit: '支' },
];
const line = (
  item: string,
  stock: number,
  over: Partial<{ consumed: number; damaged: number; lost: number; note: string }> = {},
) => ({
  item,
  stock,
  consumed: 0,
  damaged: 0,
  lost: 0,
  note: '',
  ...over,
});

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

describe('§4.2 reading the monthly report', () => {
  it('reads a line with words or plain numbers in order (库存 消耗 损坏 丢失), and a note', () => {
    expect(parseReportLine('对讲机 库存5 消耗0 损坏1 丢失0 一台摔坏')).toEqual({
      ok: true,
      line: line('对讲机', 5, { damaged: 1, note: '一台摔坏' }),
    });
    expect(parseReportLine('手电筒 7 2 0 1')).toEqual({ ok: true, line: line('手电筒', 7, { consumed: 2, lost: 1 }) });
    expect(parseReportLine('对讲机: 库存 5 丢失1')).toEqual({ ok: true, line: line('对讲机', 5, { lost: 1 }) });
  });

  it('refuses a line whose stock was left blank in the template', () => {
    const r = parseReportLine('对讲机 库存_ 消耗0 损坏0 丢失0');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain('库存还没有填写数字');
  });

  it('refuses a negative count instead of taking it as a remark, in plain numbers or after a word', () => {
    for (const text of ['对讲机 8 0 -1 0', '对讲机 库存8 消耗0 损坏-1 丢失0', '对讲机 库存8 丢失 －2', '对讲机 8 −1']) {
      const r = parseReportLine(text);
      expect(r.ok, text).toBe(false);
      if (!r.ok) expect(r.error, text).toMatch(/对讲机：(消耗|损坏|丢失)不能是负数/);
    }
    // a minus sign inside the remark is the remark's own
    expect(parseReportLine('对讲机 8 0 1 0 比上月-1台')).toEqual({
      ok: true,
      line: line('对讲机', 8, { damaged: 1, note: '比上月-1台' }),
    });
  });

  it('reads requests; 申领 无 is none', () => {
    expect(parseRequestLine('申领 对讲机 2台 一台摔坏')).toEqual({
      ok: true,
      request: { item: '对讲机', quantity: 2, reason: '一台摔坏' },
    });
    expect(parseRequestLine('申领 无')).toEqual({ ok: true });
    expect(parseRequestLine('申领 对讲机 0').ok).toBe(false);
  });

  it('needs every item on the configured list, so the comparison is complete', () => {
    const r = parseReport('对讲机 库存5\n申领 对讲机 1 补齐', LIST);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join('\n')).toContain('还没有填写：手电筒');
  });
});

describe('§4.2 compared with the §4.1 list', () => {
  it('flags a shortage against the configured quantity', () => {
    expect(shortageAgainstConfiguredQuantity([line('对讲机', 4), line('手电筒', 8)], LIST)).toEqual([
      { clause: '§4.2', kind: 'shortage', item: '对讲机', message: '对讲机 短缺 2台（现有 4，配置 6）' },
    ]);
  });

  it('flags damage and loss whatever the stock', () => {
    expect(
      damageOrLoss([line('手电筒', 8, { damaged: 1, lost: 2, note: '巡逻遗失' })], LIST).map((f) => f.message),
    ).toEqual(['手电筒 损坏 1支（巡逻遗失）', '手电筒 丢失 2支（巡逻遗失）']);
  });

  it('flags a surplus and an item not on the list', () => {
    expect(differencesFromList([line('对讲机', 7), line('雨衣', 4)], LIST).map((f) => f.kind)).toEqual([
      'surplus',
      'unlisted',
    ]);
  });

  it('finds nothing when the post holds what it should', () => {
    expect(compareWithConfiguration([line('对讲机', 6), line('手电筒', 8, { consumed: 3 })], LIST)).toEqual([]);
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

describe('§4.2 a report typed on one line (the console sends one line a message)', () => {
  it('ends a line at 「；」 where an item, 申领 or 备注 follows', () => {
    expect(
      reportLines(
        '对讲机 库存5 消耗0 损坏1 丢失0 一台摔坏；手电筒 8 2 0 0；雨衣 库存3;申领 对讲机 1 补齐配置；备注：无',
        LIST,
      ),
    ).toEqual([
      '对讲机 库存5 消耗0 损坏1 丢失0 一台摔坏',
      '手电筒 8 2 0 0',
      '雨衣 库存3',
      '申领 对讲机 1 补齐配置',
      '备注：无',
    ]);
  });

  it('keeps a 「；」 inside a remark', () => {
    expect(reportLines('对讲机 5 0 2 0 一台摔坏；另一台进水\n手电筒 8', LIST)).toEqual([
      '对讲机 5 0 2 0 一台摔坏；另一台进水',
      '手电筒 8',
    ]);
  });
});
