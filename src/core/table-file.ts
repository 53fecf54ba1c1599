import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { normalizeText } from './text.ts';

/*
 * Spreadsheets staff hand us (the roster, a post's equipment list…): a UTF-8 CSV or the first
 * worksheet of an XLSX, header in row 1 with Chinese words, turned into header-keyed rows that keep
 * their spreadsheet row numbers so every problem can be reported as 「第 N 行：…」. No database here;
 * each importer validates the rows with its own schema and writes all or nothing.
 */

export type TableFormat = 'csv' | 'xlsx';

/** The file cannot be read as a table at all (encoding, format, headers). The message is Chinese. */
export class TableFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TableFileError';
  }
}

/** One problem; `message` is complete ("第 3 行：…"), `row` is absent for file-wide problems. */
export interface TableIssue {
  row?: number;
  message: string;
}

/** What one kind of table looks like: its header words, required columns and how to explain them. */
export interface TableSpec<F extends string> {
  /** Every field, in the order `columns` lists them. */
  fields: readonly F[];
  /** Header words (after normalizeHeader) → field. */
  aliases: Readonly<Record<string, F>>;
  labels: Readonly<Record<F, string>>;
  required: readonly F[];
  /** What the file is, in a message: 花名册, 配置清单. */
  noun: string;
  /** A header row to copy, e.g. 姓名,电话,角色,驻点,宿舍,状态,备注 */
  exampleHeader: string;
  /** Says which headers are required, e.g. 至少要有 姓名、电话（或 手机…）、角色（或 岗位） */
  requiredHint: string;
}

/** One data row: its spreadsheet row number (the header is row 1) and its cells by field. */
export interface TableRow<F extends string> {
  row: number;
  values: Partial<Record<F, string>>;
}

export interface ParsedTable<F extends string> {
  rows: TableRow<F>[];
  /** Fields that have a column in the file. */
  columns: F[];
  /** Header texts that map to no field; their columns are not read. */
  ignoredHeaders: string[];
}

/** `.csv` / `.xlsx` (any case), or undefined for anything else. */
export function tableFormatOf(file: string): TableFormat | undefined {
  const ext = path.extname(file).toLowerCase();
  return ext === '.csv' ? 'csv' : ext === '.xlsx' ? 'xlsx' : undefined;
}

/** Reads a table file; the format comes from the extension. */
export async function readTableFile<F extends string>(file: string, spec: TableSpec<F>): Promise<ParsedTable<F>> {
  const format = tableFormatOf(file);
  if (!format) throw new TableFileError(`只支持 .csv 和 .xlsx 文件，不支持「${path.basename(file)}」。`);
  return parseTable(await readFile(file), format, spec);
}

/** Parses a table without I/O. Throws TableFileError when the file as a whole is unusable. */
export async function parseTable<F extends string>(
  buffer: Uint8Array,
  format: TableFormat,
  spec: TableSpec<F>,
): Promise<ParsedTable<F>> {
  const grid = format === 'csv' ? csvGrid(buffer) : await xlsxGrid(buffer);
  return rowsFromGrid(grid, spec);
}

/** Rows of cell texts, each with its spreadsheet row number. */
type Grid = { row: number; cells: string[] }[];

const SAVE_AS_UTF8 = '请在 Excel 里用「另存为」选择「CSV UTF-8（逗号分隔）(*.csv)」后重新导入，或直接导入 .xlsx 文件。';

function csvGrid(buffer: Uint8Array): Grid {
  const bytes = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x504b0304) {
    throw new TableFileError('这个文件其实是 Excel 工作簿，请把扩展名改为 .xlsx 后再导入。');
  }
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    throw new TableFileError(`文件是 UTF-16（Unicode 文本）编码，不是 CSV UTF-8。${SAVE_AS_UTF8}`);
  }
  let text: string;
  try {
    // fatal: GBK/ANSI bytes (what Excel on Chinese Windows saves as "CSV") are almost never valid UTF-8
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new TableFileError(`文件不是 UTF-8 编码（多半是 Excel 默认保存的 GBK/ANSI 编码 CSV）。${SAVE_AS_UTF8}`);
  }
  let records: string[][];
  try {
    records = parseCsv(text, {
      delimiter: ',',
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
    }) as string[][];
  } catch (err) {
    const line = err instanceof CsvError ? (err as CsvError & { lines?: number }).lines : undefined;
    throw new TableFileError(
      `CSV 格式有误${line ? `（第 ${line} 行附近）` : ''}，多半是引号没有配对。请用 Excel 打开检查后，另存为「CSV UTF-8（逗号分隔）」。`,
    );
  }
  // Each record is one spreadsheet row, even when a quoted cell spans several lines.
  return records.map((cells, i) => ({ row: i + 1, cells }));
}

async function xlsxGrid(buffer: Uint8Array): Promise<Grid> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(
      Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength) as unknown as Parameters<
        typeof workbook.xlsx.load
      >[0],
    );
  } catch {
    throw new TableFileError(
      '无法读取这个 Excel 文件。如果是旧版 .xls 或其他格式，请在 Excel 里另存为 .xlsx（Excel 工作簿）后重新导入。',
    );
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new TableFileError('Excel 文件里没有工作表。');
  const grid: Grid = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    // merged cells (e.g. one 驻点 spanning a team) give every covered cell the master's value
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      cells[col - 1] = cellText(cell.value);
    });
    grid.push({ row: rowNumber, cells: Array.from(cells, (c) => c ?? '') });
  });
  return grid;
}

/**
 * The text of an exceljs cell value. Numbers are written out in full (a phone stored as a number
 * must not become 1.38E+10, whatever the cell's number format); rich text is joined; formulas
 * give their cached result; hyperlinks their text.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText))
      return (v.richText as { text?: unknown }[]).map((r) => String(r.text ?? '')).join('');
    if ('formula' in v || 'sharedFormula' in v) return cellText(v.result);
    if ('hyperlink' in v || 'text' in v) return cellText(v.text);
    if ('error' in v) return String(v.error ?? '');
  }
  return '';
}

/** "　姓　名 *" / "电话（必填）" → "姓名" / "电话". */
export function normalizeHeader(header: string): string {
  return normalizeText(header)
    .replace(/\s+/g, '')
    .replace(/[*]+/g, '')
    .replace(/\(.*\)$/, '');
}

function rowsFromGrid<F extends string>(grid: Grid, spec: TableSpec<F>): ParsedTable<F> {
  const header = grid[0];
  if (!header || header.row !== 1 || header.cells.every((c) => normalizeText(c) === '')) {
    throw new TableFileError(
      `${grid.length ? '第 1 行是空的。' : '这个文件是空的。'}第 1 行应是表头，例如：${spec.exampleHeader}。`,
    );
  }

  const byColumn = new Map<number, F>();
  const headerOf = new Map<F, string>();
  const ignoredHeaders: string[] = [];
  header.cells.forEach((raw, col) => {
    const text = normalizeText(raw);
    if (!text) return;
    const field = spec.aliases[normalizeHeader(text)];
    if (!field) {
      ignoredHeaders.push(text);
      return;
    }
    const earlier = headerOf.get(field);
    if (earlier !== undefined) {
      throw new TableFileError(`表头「${earlier}」和「${text}」都表示${spec.labels[field]}，请只保留一列。`);
    }
    headerOf.set(field, text);
    byColumn.set(col, field);
  });

  const missing = spec.required.filter((f) => !headerOf.has(f));
  if (missing.length) {
    const found = header.cells.map((c) => normalizeText(c)).filter(Boolean);
    const hint =
      found.length === 1 && /[\t;；，]/.test(found[0]!)
        ? '（表头只读到一列：文件要用英文逗号分隔）'
        : `（读到的表头：${found.join('、')}）`;
    throw new TableFileError(
      `${spec.noun}缺少必填列：${missing.map((f) => spec.labels[f]).join('、')}${hint}。第 1 行应是表头，${spec.requiredHint}。`,
    );
  }

  const rows: TableRow<F>[] = [];
  for (const { row, cells } of grid.slice(1)) {
    const values: Partial<Record<F, string>> = {};
    for (const [col, field] of byColumn) {
      const text = normalizeText(cells[col] ?? '');
      if (text) values[field] = text;
    }
    // A row with nothing in the known columns is blank (templates often pre-fill only a 序号 column).
    if (Object.keys(values).length) rows.push({ row, values });
  }
  return { rows, columns: spec.fields.filter((f) => headerOf.has(f)), ignoredHeaders };
}
