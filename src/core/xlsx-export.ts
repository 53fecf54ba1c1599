import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import type { ExportColumn, ExportColumnType, ExportSheet } from './reporting.ts';

/*
 * An export as an .xlsx file (导出): one worksheet per ExportSheet, written with exceljs's streaming
 * WorkbookWriter, each row committed as it comes, so the rows a sheet reads page by page from the
 * database never sit in memory together. Money is a number of yuan with a ¥ format, dates are real
 * dates (the bot's local time, since a spreadsheet date has no time zone), the header row is frozen.
 */

/** The largest file 导出 sends: Lark's limit for one file (上传文件, 30 MB), the smallest of the channels. */
export const EXPORT_MAX_BYTES = 30 * 1024 * 1024;
/** Rows per sheet at most; a worksheet holds 1,048,576 with its header. */
export const SHEET_MAX_ROWS = 1_000_000;

export const MONEY_FORMAT = '"¥"#,##0.00';
export const DATE_FORMAT = 'yyyy-mm-dd';
export const DATETIME_FORMAT = 'yyyy-mm-dd hh:mm';

const FORMATS: Partial<Record<ExportColumnType, string>> = {
  money: MONEY_FORMAT,
  date: DATE_FORMAT,
  datetime: DATETIME_FORMAT,
};

/** A width that fits the header and the usual values of the type, in characters (a Chinese one counts two). */
const TYPE_WIDTHS: Record<ExportColumnType, number> = { text: 14, money: 14, number: 10, date: 12, datetime: 17 };

export function columnWidth(column: ExportColumn): number {
  const header = Array.from(column.header).reduce((n, ch) => n + (ch.charCodeAt(0) > 0xff ? 2 : 1), 0);
  return column.width ?? Math.max(TYPE_WIDTHS[column.type], header + 2);
}

/** Excel refuses a sheet name over 31 characters or with any of : \ / ? * [ ]. */
export function sheetName(name: string, taken: ReadonlySet<string>): string {
  const base = Array.from(name.replace(/[:\\/?*[\]]/g, ' ').trim() || '表')
    .slice(0, 28)
    .join('');
  let n = 1;
  let out = base;
  while (taken.has(out)) out = `${base}${++n}`;
  return out;
}

/** A cell as exceljs takes it: yuan from fen, a Date moved to show the bot's local time, text as text. */
export function cellValue(type: ExportColumnType, value: unknown, tz: string): ExcelJS.CellValue {
  if (value === null || value === undefined || value === '') return null;
  switch (type) {
    case 'money':
      return typeof value === 'number' ? value / 100 : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'date':
    case 'datetime': {
      // a day kept as yyyy-MM-dd (already the bot's local day) is that day
      if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(`${value}T00:00:00Z`);
      const d = value instanceof Date ? value : new Date(String(value));
      if (Number.isNaN(d.getTime())) return null;
      // the sheet shows a date's UTC fields: give it the wall-clock time of the bot's zone
      const local = DateTime.fromJSDate(d, { zone: tz });
      return new Date(d.getTime() + local.offset * 60_000);
    }
    default:
      return String(value);
  }
}

export interface WrittenSheet {
  name: string;
  rows: number;
  /** Rows left out past SHEET_MAX_ROWS. */
  truncated: boolean;
}

/** Writes `sheets` to `file` and returns each sheet's row count. `tz`: the bot's time zone. */
export async function writeXlsx(
  file: string,
  title: string,
  sheets: readonly ExportSheet[],
  tz: string,
): Promise<WrittenSheet[]> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
  wb.creator = '保安助手';
  wb.title = title;
  wb.created = new Date();
  const written: WrittenSheet[] = [];
  const taken = new Set<string>();
  for (const sheet of sheets) {
    const name = sheetName(sheet.name, taken);
    taken.add(name);
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = sheet.columns.map((c, i) => ({
      header: c.header,
      key: `c${i}`,
      width: columnWidth(c),
      style: FORMATS[c.type] ? { numFmt: FORMATS[c.type] } : {},
    }));
    const header = ws.getRow(1);
    header.font = { bold: true };
    header.commit();
    let rows = 0;
    let truncated = false;
    for await (const row of sheet.rows) {
      if (rows >= SHEET_MAX_ROWS) {
        truncated = true;
        break;
      }
      ws.addRow(sheet.columns.map((c, i) => cellValue(c.type, row[i], tz))).commit();
      rows++;
    }
    ws.commit();
    written.push({ name, rows, truncated });
  }
  await wb.commit();
  return written;
}
