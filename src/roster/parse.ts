import {
  normalizeHeader,
  type ParsedTable,
  parseTable,
  readTableFile,
  TableFileError,
  type TableFormat,
  type TableIssue,
  type TableRow,
  type TableSpec,
  tableFormatOf,
} from '../core/table-file.ts';
import type { AnyRosterColumn, ColumnData } from './columns.ts';
import { type StaffInput, staffInputSchema } from './staff-input.ts';

/*
 * Reading the staff roster (花名册): a CSV or XLSX file into header-keyed rows (core/table-file.ts), each
 * row validated with the same schema the 添加人员 form uses. No database here; only readRosterFile and
 * checkRosterFile read the file. Writing the people: import.ts.
 */

export const ROSTER_FIELDS = ['name', 'phone', 'roles', 'post', 'dorm', 'active', 'note'] as const;
export type RosterField = (typeof ROSTER_FIELDS)[number];
export type RosterFormat = TableFormat;

/** Header words people put in rosters, after normalizeHeader. Keep the table in docs/operations.md in step. */
export const HEADER_ALIASES: Record<string, RosterField> = {
  姓名: 'name',
  电话: 'phone',
  手机: 'phone',
  手机号: 'phone',
  手机号码: 'phone',
  联系电话: 'phone',
  角色: 'roles',
  岗位: 'roles',
  驻点: 'post',
  宿舍: 'dorm',
  状态: 'active',
  备注: 'note',
};

const FIELD_LABELS: Record<RosterField, string> = {
  name: '姓名',
  phone: '电话',
  roles: '角色',
  post: '驻点',
  dorm: '宿舍',
  active: '状态',
  note: '备注',
};

const REQUIRED: readonly RosterField[] = ['name', 'phone', 'roles'];

/** The roster's table: the core fields plus the columns the installed workflows declare. */
function rosterTable(extra: readonly AnyRosterColumn[]): TableSpec<string> {
  const aliases: Record<string, string> = { ...HEADER_ALIASES };
  const labels: Record<string, string> = { ...FIELD_LABELS };
  for (const c of extra) {
    if (c.key in labels) throw new Error(`roster column ${c.key} is declared twice`);
    labels[c.key] = c.header;
    for (const word of [c.header, ...(c.aliases ?? [])].map(normalizeHeader)) {
      if (aliases[word]) throw new Error(`roster header ${word} means both ${aliases[word]} and ${c.key}`);
      aliases[word] = c.key;
    }
  }
  return {
    fields: [...ROSTER_FIELDS, ...extra.map((c) => c.key)],
    aliases,
    labels,
    required: REQUIRED,
    noun: '花名册',
    exampleHeader: '姓名,电话,角色,驻点,宿舍,状态,备注',
    requiredHint: '至少要有 姓名、电话（或 手机、手机号、联系电话）、角色（或 岗位）',
  };
}

/** One data row: its spreadsheet row number (the header is row 1) and its cells by field (workflow columns by their key). */
export type RosterRow = TableRow<string>;
/** `columns`: fields that have a column in the file; importRoster leaves the others untouched on update. */
export type ParsedRoster = ParsedTable<string>;
export type RosterIssue = TableIssue;

export interface RosterEntry {
  row: number;
  input: StaffInput;
  /** Parsed cells of the workflow columns validateRoster was given, by key. */
  extras: Record<string, unknown>;
}

export type RosterValidation = { ok: true; entries: RosterEntry[] } | { ok: false; errors: RosterIssue[] };

/** The file cannot be read as a roster at all (encoding, format, headers). The message is Chinese. */
export const RosterFileError = TableFileError;

/** `.csv` / `.xlsx` (any case), or undefined for anything else. */
export const rosterFormatOf = tableFormatOf;

/** Reads a roster file; the format comes from the extension. `extra`: the workflows' columns. */
export async function readRosterFile(file: string, extra: readonly AnyRosterColumn[] = []): Promise<ParsedRoster> {
  return readTableFile(file, rosterTable(extra));
}

/** Parses a roster without I/O. Throws RosterFileError when the file as a whole is unusable. */
export async function parseRoster(
  buffer: Uint8Array,
  format: RosterFormat,
  extra: readonly AnyRosterColumn[] = [],
): Promise<ParsedRoster> {
  return parseTable(buffer, format, rosterTable(extra));
}

/** What Excel leaves of a long number it showed as 1.38E+10 and then saved as text. */
const SCIENTIFIC = /^\d+(\.\d+)?e\+?\d+$/i;

/**
 * Validates every row; returns all of them as StaffInput, or every problem with its row number.
 * The same phone twice in one file is an error that names both rows. `extra`: the workflow
 * columns the file has; each row's cell of them is read against the row (blank cells too).
 */
export function validateRoster(rows: readonly RosterRow[], extra: readonly AnyRosterColumn[] = []): RosterValidation {
  if (!rows.length) {
    return { ok: false, errors: [{ message: '花名册里没有人员：第 1 行是表头，人员从第 2 行开始，每行一人。' }] };
  }
  const errors: RosterIssue[] = [];
  const entries: RosterEntry[] = [];
  const firstRowOfPhone = new Map<string, number>();
  for (const { row, values } of rows) {
    const problems: string[] = [];
    const parsed = staffInputSchema.safeParse(values);
    if (parsed.success) {
      const extras: Record<string, unknown> = {};
      for (const c of extra) {
        const res = c.parse(values[c.key] ?? '', parsed.data);
        if (res.ok) extras[c.key] = res.value;
        else problems.push(res.error);
      }
      entries.push({ row, input: parsed.data, extras });
    } else {
      for (const issue of parsed.error.issues) {
        if (issue.path[0] === 'phone' && values.phone && SCIENTIFIC.test(values.phone)) {
          problems.push(
            `电话「${values.phone}」被 Excel 显示成了科学计数法，号码已丢失：请把电话列设为“文本”格式，重新填写号码后再保存`,
          );
        } else problems.push(issue.message);
      }
    }
    const phone = parsed.success ? parsed.data.phone : phoneOf(values.phone);
    if (phone) {
      const first = firstRowOfPhone.get(phone);
      if (first === undefined) firstRowOfPhone.set(phone, row);
      else problems.push(`电话 ${phone} 与第 ${first} 行重复，同一个人只能出现一次`);
    }
    if (problems.length) errors.push({ row, message: `第 ${row} 行：${problems.join('；')}` });
  }
  return errors.length ? { ok: false, errors } : { ok: true, entries };
}

function phoneOf(raw: string | undefined): string | undefined {
  const res = staffInputSchema.shape.phone.safeParse(raw);
  return res.success ? res.data : undefined;
}

export type RosterFileCheck =
  | { ok: true; entries: RosterEntry[]; columns: RosterField[]; extra: ColumnData[]; ignoredHeaders: string[] }
  | { ok: false; errors: RosterIssue[]; ignoredHeaders: string[] };

/**
 * Reads and validates one roster file without touching the database. File-wide problems
 * (encoding, headers) come back as errors without a row; a missing file is thrown. `extra`: the
 * installed workflows' columns (composition.rosterColumns).
 */
export async function checkRosterFile(file: string, extra: readonly AnyRosterColumn[] = []): Promise<RosterFileCheck> {
  let parsed: ParsedRoster;
  try {
    parsed = await readRosterFile(file, extra);
  } catch (err) {
    if (err instanceof RosterFileError) return { ok: false, errors: [{ message: err.message }], ignoredHeaders: [] };
    throw err;
  }
  const present = extra.filter((c) => parsed.columns.includes(c.key));
  const checked = validateRoster(parsed.rows, present);
  if (!checked.ok) return { ok: false, errors: checked.errors, ignoredHeaders: parsed.ignoredHeaders };
  return {
    ok: true,
    entries: checked.entries,
    columns: parsed.columns.filter((c): c is RosterField => (ROSTER_FIELDS as readonly string[]).includes(c)),
    extra: present.map((column) => ({
      column,
      rows: checked.entries.map((e) => ({ row: e.row, input: e.input, value: e.extras[column.key] })),
    })),
    ignoredHeaders: parsed.ignoredHeaders,
  };
}
