import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExportSheet } from '../../../src/core/reporting.ts';
import { DATE_FORMAT, DATETIME_FORMAT, MONEY_FORMAT, sheetName, writeXlsx } from '../../../src/core/xlsx-export.ts';

/*
 * 导出's spreadsheet, read back with exceljs as Excel would: money as numbers of yuan with a ¥ format,
 * dates as real dates showing Shanghai time, the header row frozen, Chinese headers, one sheet each.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'xlsx-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function* rows<T>(items: readonly T[]): AsyncIterable<T> {
  for (const r of items) yield r;
}

describe('writeXlsx', () => {
  it('writes typed cells a spreadsheet can sum and sort: yuan with ¥, local dates, a frozen Chinese header', async () => {
    const file = path.join(dir, 'a.xlsx');
    const sheets: ExportSheet[] = [
      {
        name: '报销',
        columns: [
          { header: '编号', type: 'text' },
          { header: '金额', type: 'money' },
          { header: '件数', type: 'number' },
          { header: '日期', type: 'date' },
          { header: '提交时间', type: 'datetime' },
        ],
        rows: rows([
          // 2026-12-01 00:30 in Shanghai is still 11-30 in UTC
          ['BX-20261201-001', 12345, 3, new Date('2026-11-30T16:30:00Z'), new Date('2026-11-30T16:30:00Z')],
          ['=1+1', null, null, null, null],
        ]),
      },
      { name: '明细', columns: [{ header: '说明', type: 'text' }], rows: rows([['一'], ['二']]) },
    ];
    const written = await writeXlsx(file, '报销台账', sheets, 'Asia/Shanghai');
    expect(written).toEqual([
      { name: '报销', rows: 2, truncated: false },
      { name: '明细', rows: 2, truncated: false },
    ]);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['报销', '明细']);
    const ws = wb.getWorksheet('报销')!;
    expect(ws.getRow(1).values).toEqual([undefined, '编号', '金额', '件数', '日期', '提交时间']);
    expect(ws.getRow(1).font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });

    const r = ws.getRow(2);
    expect(r.getCell(1).value).toBe('BX-20261201-001');
    expect(r.getCell(2).value).toBe(123.45);
    expect(r.getCell(2).numFmt).toBe(MONEY_FORMAT);
    expect(r.getCell(3).value).toBe(3);
    // a real date, showing the Shanghai day and time
    expect(r.getCell(4).value).toBeInstanceOf(Date);
    expect((r.getCell(4).value as Date).toISOString()).toBe('2026-12-01T00:30:00.000Z');
    expect(r.getCell(4).numFmt).toBe(DATE_FORMAT);
    expect(r.getCell(5).numFmt).toBe(DATETIME_FORMAT);
    // text that looks like a formula stays text; empty cells stay empty
    expect(ws.getRow(3).getCell(1).value).toBe('=1+1');
    expect(ws.getRow(3).getCell(2).value).toBeNull();
    // widths fit the headers
    expect(ws.getColumn(5).width).toBeGreaterThanOrEqual(10);
  });

  it('writes every row of a long sheet, and a sheet with no rows as its header alone', async () => {
    let pulled = 0;
    async function* counting(): AsyncIterable<unknown[]> {
      for (let i = 0; i < 5000; i++) {
        pulled++;
        yield [`行${i}`, i * 100];
      }
    }
    const file = path.join(dir, 'b.xlsx');
    const written = await writeXlsx(
      file,
      't',
      [
        {
          name: '多',
          columns: [
            { header: 'a', type: 'text' },
            { header: 'b', type: 'money' },
          ],
          rows: counting(),
        },
        { name: '空', columns: [{ header: '说明', type: 'text' }], rows: rows([]) },
      ],
      'Asia/Shanghai',
    );
    expect(pulled).toBe(5000);
    expect(written.map((w) => w.rows)).toEqual([5000, 0]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.getWorksheet('多')!.getRow(5001).getCell(2).value).toBe(4999);
    expect(wb.getWorksheet('空')!.rowCount).toBe(1);
  });

  it('keeps sheet names Excel accepts: no : / ? * [ ], at most 31 characters, each its own', () => {
    const taken = new Set(['投诉']);
    expect(sheetName('投诉', taken)).toBe('投诉2');
    expect(sheetName('a/b:c', new Set())).toBe('a b c');
    expect(Array.from(sheetName('长'.repeat(40), new Set())).length).toBeLessThanOrEqual(31);
  });
});
