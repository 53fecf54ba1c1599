import { randomUUID } from 'node:crypto';
import { type FileHandle, open, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
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

// ---- several sheets from one read ----

type Row = readonly unknown[];

/** A row as one JSON line; a Date as {"$d": ms} so it comes back a Date, not text. */
function encodeRow(row: Row): string {
  return JSON.stringify(row.map((v) => (v instanceof Date ? { $d: v.getTime() } : v)));
}

function decodeRow(line: string): Row {
  return (JSON.parse(line) as unknown[]).map((v) =>
    v !== null && typeof v === 'object' && '$d' in v ? new Date((v as { $d: number | null }).$d ?? Number.NaN) : v,
  );
}

const SPOOL_FLUSH_BYTES = 64 * 1024;

/** Rows kept on disk (JSON lines in a temporary file) until their sheet is written. */
class RowSpool {
  private handle?: FileHandle;
  /** Set while the file still has a name to remove (its name goes as soon as it is open, where the OS allows). */
  private file?: string;
  private lines: string[] = [];
  private bytes = 0;

  async push(row: Row): Promise<void> {
    const line = encodeRow(row);
    this.lines.push(line);
    this.bytes += line.length;
    if (this.bytes >= SPOOL_FLUSH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.lines.length) return;
    if (!this.handle) {
      this.file = path.join(tmpdir(), `export-spool-${randomUUID()}.jsonl`);
      this.handle = await open(this.file, 'wx+');
      // an open file without a name needs no cleaning up, whatever happens to the export
      await unlink(this.file).then(
        () => (this.file = undefined),
        () => undefined,
      );
    }
    const text = `${this.lines.join('\n')}\n`;
    this.lines = [];
    this.bytes = 0;
    await this.handle.write(text);
  }

  /** The rows pushed, in order; the spool is gone afterwards. */
  async *drain(): AsyncGenerator<Row> {
    try {
      if (!this.handle) {
        // few enough never to have left memory
        for (const line of this.lines) yield decodeRow(line);
        return;
      }
      await this.flush();
      const lines = createInterface({
        input: this.handle.createReadStream({ start: 0, encoding: 'utf8', autoClose: false }),
        crlfDelay: Number.POSITIVE_INFINITY,
      });
      for await (const line of lines) if (line) yield decodeRow(line);
    } finally {
      await this.discard();
    }
  }

  async discard(): Promise<void> {
    this.lines = [];
    const { handle, file } = this;
    this.handle = undefined;
    this.file = undefined;
    await handle?.close().catch(() => undefined);
    if (file) await unlink(file).catch(() => undefined);
  }
}

/**
 * The rows of several sheets from ONE read of `source`: `parts[k](item)` gives sheet k's rows for an
 * item (a claim's row, and its items' rows). The sheet read first streams as the items come; the
 * rows meant for sheets not read yet go to a temporary file each (JSON lines, dates revived) and
 * stream back when their sheet is read, so neither the records nor the later sheets sit in memory
 * and the records are read once, not once per sheet. Read the sheets one at a time, as writeXlsx
 * does; a sheet read after the source was left unfinished (a sheet cut at SHEET_MAX_ROWS) reads the
 * rest of it.
 */
export function sheetsOfOneRead<T, const P extends readonly ((item: T) => Iterable<Row>)[]>(
  source: AsyncIterable<T>,
  parts: P,
): { [K in keyof P]: AsyncIterable<Row> } {
  const it = source[Symbol.asyncIterator]();
  let done = false;
  let reading = false;
  const state = parts.map(() => 'unread' as 'unread' | 'reading' | 'read');
  const spools = parts.map(() => new RowSpool());

  /** The next item's rows for sheet `k`; those for the sheets not read yet are spooled. Null at the end. */
  async function next(k: number): Promise<Row[] | null> {
    let r: IteratorResult<T>;
    try {
      r = await it.next();
    } catch (err) {
      done = true;
      await Promise.all(spools.map((s) => s.discard()));
      throw err;
    }
    if (r.done) {
      done = true;
      return null;
    }
    let mine: Row[] = [];
    for (let j = 0; j < parts.length; j++) {
      if (j === k) mine = [...parts[j]!(r.value)];
      else if (state[j] === 'unread') for (const row of parts[j]!(r.value)) await spools[j]!.push(row);
    }
    return mine;
  }

  async function* sheet(k: number): AsyncGenerator<Row> {
    if (state[k] !== 'unread' || reading) throw new Error('sheetsOfOneRead: read each sheet once, one at a time');
    state[k] = 'reading';
    reading = true;
    try {
      yield* spools[k]!.drain();
      for (let rows = done ? null : await next(k); rows; rows = done ? null : await next(k)) yield* rows;
    } finally {
      state[k] = 'read';
      reading = false;
      await spools[k]!.discard();
      // nobody left to read the rest: let the source close what it holds
      if (!done && state.every((s) => s === 'read')) {
        done = true;
        await it.return?.();
      }
    }
  }

  return parts.map((_, k) => ({ [Symbol.asyncIterator]: () => sheet(k) })) as { [K in keyof P]: AsyncIterable<Row> };
}
