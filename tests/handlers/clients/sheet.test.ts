import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { CLIENT_SHEET, validateClientRows } from '../../../handlers/clients/sheet.ts';
import { parseTable, TableFileError } from '../../../src/core/table-file.ts';

const fixture = (name: string) => readFile(new URL(`../../fixtures/clients/${name}`, import.meta.url));

describe('I.2.8 the client list import reads CSV and XLSX (no database)', () => {
  it('reads every column of a good CSV, contacts with titles and phones', async () => {
    const { rows, columns } = await parseTable(await fixture('good.csv'), 'csv', CLIENT_SHEET);
    expect(columns).toEqual(['name', 'address', 'phone', 'contacts', 'posts', 'status', 'owner', 'notes', 'callDays']);
    const checked = validateClientRows(rows);
    expect(checked.errors).toEqual([]);
    expect(checked.entries[0]).toEqual({
      row: 2,
      input: {
        name: '万达物业',
        address: '城南路 1 号',
        phone: '0571-88886666',
        contacts: [
          { name: '张经理', title: '物业经理', phone: '13812345678' },
          { name: '李主管', title: '保安主管', phone: '13812340000' },
        ],
        posts: ['万达广场'],
        status: 'current',
        owner: '王客服',
        notes: '夜班两人',
      },
    });
    expect(checked.entries[1]!.input.callDays).toBe(15);
    expect(checked.entries[2]!.input.status).toBe('potential');
  });

  it('reports every bad row with its number, a repeated name naming the first row', async () => {
    const checked = validateClientRows((await parseTable(await fixture('bad.csv'), 'csv', CLIENT_SHEET)).rows);
    const byRow = Object.fromEntries(checked.errors.map((e) => [e.row, e.message]));
    expect(Object.keys(byRow)).toEqual(['2', '3', '4', '5']);
    expect(byRow[2]).toContain('电话「12345」不对');
    expect(byRow[3]).toContain('客户名称不能为空');
    expect(byRow[4]).toContain('状态「重要」不认识');
    expect(byRow[5]).toContain('与第 2 行重复');
  });

  it('reads an XLSX with a phone stored as a number', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('客户');
    sheet.addRow(['客户名称', '电话', '状态']);
    sheet.addRow(['城北商场', 13700001111, '潜在']);
    const buf = new Uint8Array(await wb.xlsx.writeBuffer());
    const checked = validateClientRows((await parseTable(buf, 'xlsx', CLIENT_SHEET)).rows);
    expect(checked.entries).toEqual([
      { row: 2, input: { name: '城北商场', phone: '13700001111', status: 'potential' } },
    ]);
  });

  it('refuses a file without a 客户名称 column, saying what it read', async () => {
    const read = parseTable(new TextEncoder().encode('姓名,电话\n张三,13800000001\n'), 'csv', CLIENT_SHEET);
    await expect(read).rejects.toThrow(TableFileError);
    await expect(read).rejects.toThrow(/客户名单缺少必填列：客户名称/);
  });
});
