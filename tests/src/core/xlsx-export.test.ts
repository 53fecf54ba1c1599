import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExportSheet } from '../../../src/core/reporting.ts';
import {
  DATE_FORMAT,
  DATETIME_FORMAT,
  MONEY_FORMAT,
  sheetName,
  sheetsOfOneRead,
  writeXlsx,
} from '../../../src/core/xlsx-export.ts';

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

  it('writes two sheets from one read of the records, the later sheet typed as the first: dates, ¥ amounts, numbers', async () => {
    // 2,000 claims of 3 items: the items' rows (~300 KB) go through the temporary file, not memory
    let pulled = 0;
    async function* claims() {
      for (let i = 0; i < 2000; i++) {
        pulled++;
        yield {
          no: `BX-${i}`,
          at: new Date(Date.UTC(2026, 10, 30, 16, 30) + i * 60_000),
          items: [1, 2, 3].map((n) => ({
            fen: i * 100 + n,
            day: '2026-11-25',
            note: n === 2 ? '{"$d":1}' : `第${n}项`,
          })),
        };
      }
    }
    type Claim = Awaited<ReturnType<ReturnType<typeof claims>['next']>>['value'] & object;
    const spools = () => readdirSync(tmpdir()).filter((f) => f.startsWith('export-spool-')).length;
    const before = spools();
    const [main, items] = sheetsOfOneRead(claims(), [
      (c: Claim) => [[c.no, c.at, c.items.length]],
      (c: Claim) => c.items.map((it) => [c.no, it.fen, it.day, it.note, c.at]),
    ]);
    const file = path.join(dir, 'c.xlsx');
    const written = await writeXlsx(
      file,
      '报销台账',
      [
        {
          name: '报销单',
          columns: [
            { header: '单号', type: 'text' },
            { header: '提交时间', type: 'datetime' },
            { header: '明细数', type: 'number' },
          ],
          rows: main,
        },
        {
          name: '明细',
          columns: [
            { header: '单号', type: 'text' },
            { header: '金额', type: 'money' },
            { header: '日期', type: 'date' },
            { header: '说明', type: 'text' },
            { header: '提交时间', type: 'datetime' },
          ],
          rows: items,
        },
      ],
      'Asia/Shanghai',
    );
    expect(pulled).toBe(2000);
    expect(written.map((w) => w.rows)).toEqual([2000, 6000]);
    expect(spools()).toBe(before);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.getWorksheet('明细')!;
    const last = ws.getRow(6001);
    expect(last.getCell(1).value).toBe('BX-1999');
    expect(last.getCell(2).value).toBe(1999.03);
    expect(last.getCell(2).numFmt).toBe(MONEY_FORMAT);
    expect((last.getCell(3).value as Date).toISOString()).toBe('2026-11-25T00:00:00.000Z');
    expect(last.getCell(3).numFmt).toBe(DATE_FORMAT);
    expect(last.getCell(4).value).toBe('第3项');
    // a Date comes back a Date, in Shanghai time; text that looks like the spool's own date stays text
    expect(last.getCell(5).value).toBeInstanceOf(Date);
    expect((last.getCell(5).value as Date).toISOString()).toBe('2026-12-02T09:49:00.000Z');
    expect(last.getCell(5).numFmt).toBe(DATETIME_FORMAT);
    expect(ws.getRow(3).getCell(4).value).toBe('{"$d":1}');
    expect(wb.getWorksheet('报销单')!.getRow(2001).getCell(3).value).toBe(3);
  });

  it('reads a later sheet of one read on its own, and a sheet cut short leaves the rest to the next', async () => {
    async function* numbers() {
      for (let i = 1; i <= 5; i++) yield i;
    }
    const [odd, all] = sheetsOfOneRead(numbers(), [(n: number) => (n % 2 ? [[n]] : []), (n: number) => [[n]]]);
    const firstOdd: unknown[] = [];
    for await (const row of odd) {
      firstOdd.push(row[0]);
      if (firstOdd.length === 2) break;
    }
    expect(firstOdd).toEqual([1, 3]);
    const rest: unknown[] = [];
    for await (const row of all) rest.push(row[0]);
    expect(rest).toEqual([1, 2, 3, 4, 5]);

    const [a, b] = sheetsOfOneRead(numbers(), [(n: number) => [[n]], (n: number) => [[n * 10]]]);
    const bs: unknown[] = [];
    for await (const row of b) bs.push(row[0]);
    const as: unknown[] = [];
    for await (const row of a) as.push(row[0]);
    expect([as, bs]).toEqual([
      [1, 2, 3, 4, 5],
      [10, 20, 30, 40, 50],
    ]);
  });

  it('keeps sheet names Excel accepts: no : / ? * [ ], at most 31 characters, each its own', () => {
    const taken = new Set(['投诉']);
    expect(sheetName('投诉', taken)).toBe('投诉2');
    expect(sheetName('a/b:c', new Set())).toBe('a b c');
    expect(Array.from(sheetName('长'.repeat(40), new Set())).length).toBeLessThanOrEqual(31);
  });
});
