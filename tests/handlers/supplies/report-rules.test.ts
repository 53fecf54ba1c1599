import { describe, expect, it } from 'vitest';
import {
  compareWithConfiguration,
  damageOrLoss,
  differencesFromList,
  parseReport,
  parseReportLine,
  parseRequestLine,
  reportLines,
  shortageAgainstConfiguredQuantity,
} from '../../../handlers/supplies/report-rules.ts';
import type { ConfiguredItem } from '../../../handlers/supplies/rules.ts';

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
