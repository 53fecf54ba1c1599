import { ensurePlaces } from './places.ts';
import { Dorm, Post, Staff } from '../models/index.ts';
import {
  TableFileError,
  parseTable,
  readTableFile,
  tableFormatOf,
  type ParsedTable,
  type TableFormat,
  type TableIssue,
  type TableRow,
  type TableSpec,
} from '../core/table-file.ts';
import { staffInputSchema, type StaffInput } from './staff-input.ts';

/*
 * The staff roster (花名册) import: parse a CSV or XLSX file into header-keyed rows (core/table-file.ts),
 * validate every row with the same schema the 添加人员 form uses, and only if the whole file is valid, upsert by
 * phone. Parsing and validation do no I/O; only readRosterFile and importRoster touch the outside.
 *
 * FerretDB has no transactions, so the write is one idempotent upsert per person (keyed by the
 * unique phone): an import that stops half-way leaves some people written, and running it again
 * converges to the same result.
 */

export const ROSTER_FIELDS = ['name', 'phone', 'roles', 'post', 'dorm', 'active', 'note'] as const;
export type RosterField = (typeof ROSTER_FIELDS)[number];
export type RosterFormat = TableFormat;

/** Header words people put in rosters, after normalizeHeader. Keep the README's table in step. */
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

const ROSTER_TABLE: TableSpec<RosterField> = {
  fields: ROSTER_FIELDS,
  aliases: HEADER_ALIASES,
  labels: FIELD_LABELS,
  required: REQUIRED,
  noun: '花名册',
  exampleHeader: '姓名,电话,角色,驻点,宿舍,状态,备注',
  requiredHint: '至少要有 姓名、电话（或 手机、手机号、联系电话）、角色（或 岗位）',
};

/** One data row: its spreadsheet row number (the header is row 1) and its cells by field. */
export type RosterRow = TableRow<RosterField>;
/** `columns`: fields that have a column in the file; importRoster leaves the others untouched on update. */
export type ParsedRoster = ParsedTable<RosterField>;
export type RosterIssue = TableIssue;

export interface RosterEntry {
  row: number;
  input: StaffInput;
}

export type RosterValidation = { ok: true; entries: RosterEntry[] } | { ok: false; errors: RosterIssue[] };

/** The file cannot be read as a roster at all (encoding, format, headers). The message is Chinese. */
export const RosterFileError = TableFileError;

/** `.csv` / `.xlsx` (any case), or undefined for anything else. */
export const rosterFormatOf = tableFormatOf;

/** Reads a roster file; the format comes from the extension. */
export async function readRosterFile(file: string): Promise<ParsedRoster> {
  return readTableFile(file, ROSTER_TABLE);
}

/** Parses a roster without I/O. Throws RosterFileError when the file as a whole is unusable. */
export async function parseRoster(buffer: Uint8Array, format: RosterFormat): Promise<ParsedRoster> {
  return parseTable(buffer, format, ROSTER_TABLE);
}

/** What Excel leaves of a long number it showed as 1.38E+10 and then saved as text. */
const SCIENTIFIC = /^\d+(\.\d+)?e\+?\d+$/i;

/**
 * Validates every row; returns all of them as StaffInput, or every problem with its row number.
 * The same phone twice in one file is an error that names both rows.
 */
export function validateRoster(rows: readonly RosterRow[]): RosterValidation {
  if (!rows.length) {
    return { ok: false, errors: [{ message: '花名册里没有人员：第 1 行是表头，人员从第 2 行开始，每行一人。' }] };
  }
  const errors: RosterIssue[] = [];
  const entries: RosterEntry[] = [];
  const firstRowOfPhone = new Map<string, number>();
  for (const { row, values } of rows) {
    const problems: string[] = [];
    const parsed = staffInputSchema.safeParse(values);
    if (parsed.success) entries.push({ row, input: parsed.data });
    else {
      for (const issue of parsed.error.issues) {
        if (issue.path[0] === 'phone' && values.phone && SCIENTIFIC.test(values.phone)) {
          problems.push(`电话「${values.phone}」被 Excel 显示成了科学计数法，号码已丢失：请把电话列设为“文本”格式，重新填写号码后再保存`);
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

export interface ImportOptions {
  /** Work out and return the counts, but write nothing. */
  dryRun?: boolean;
  /**
   * The fields the file has columns for (ParsedRoster.columns). On update only these are set, so
   * a roster without a 宿舍 or 状态 column does not wipe dorms or re-enable people disabled in chat.
   * Defaults to every field. New people always get the defaults (active, empty post/dorm/note).
   */
  columns?: readonly RosterField[];
}

export interface ImportResult {
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
  /** Posts and dorms named in the roster that did not exist yet (created unless dryRun). */
  newPosts: string[];
  newDorms: string[];
}

const BATCH = 500;

type StaffSnapshot = { phone: string; name: string; roles: string[]; post: string; dorm: string; active: boolean; note: string };

/**
 * Upserts validated people by phone: new phones are created, changed people updated, the rest left
 * alone (so their updatedAt stays). Creates the posts and dorms they name. Idempotent; needs a
 * mongoose connection. Callers validate first (validateRoster): nothing here checks the rows again
 * except for a duplicate phone, which would make the counts meaningless.
 */
export async function importRoster(inputs: readonly StaffInput[], options: ImportOptions = {}): Promise<ImportResult> {
  const dryRun = options.dryRun ?? false;
  const columns = new Set<RosterField>(options.columns ?? ROSTER_FIELDS);
  const phones = inputs.map((i) => i.phone);
  if (new Set(phones).size !== phones.length) throw new Error('importRoster: the same phone appears twice; run validateRoster first');

  const existing = new Map<string, StaffSnapshot>();
  for (let i = 0; i < phones.length; i += BATCH) {
    const docs = (await Staff.find({ phone: { $in: phones.slice(i, i + BATCH) } }, { phone: 1, name: 1, roles: 1, post: 1, dorm: 1, active: 1, note: 1 }).lean()) as StaffSnapshot[];
    for (const d of docs) existing.set(d.phone, d);
  }

  const updates: { phone: string; set: Record<string, unknown>; insert: Record<string, unknown> }[] = [];
  let plannedCreated = 0;
  for (const input of inputs) {
    const set: Record<string, unknown> = { name: input.name, roles: input.roles };
    const insert: Record<string, unknown> = {};
    for (const f of ['post', 'dorm', 'active', 'note'] as const) {
      if (columns.has(f)) set[f] = input[f];
      else insert[f] = f === 'active' ? true : '';
    }
    const before = existing.get(input.phone);
    if (!before) plannedCreated++;
    else if (Object.entries(set).every(([k, v]) => same(before[k as keyof StaffSnapshot], v))) continue;
    updates.push({ phone: input.phone, set, insert });
  }

  const postNames = unique(inputs.map((i) => (columns.has('post') ? i.post : '')));
  const dormNames = unique(inputs.map((i) => (columns.has('dorm') ? i.dorm : '')));
  const knownPosts = new Set((await Post.find({ name: { $in: postNames } }, { name: 1 }).lean()).map((p) => p.name));
  const knownDorms = new Set((await Dorm.find({ name: { $in: dormNames } }, { name: 1 }).lean()).map((d) => d.name));
  const newPosts = postNames.filter((n) => !knownPosts.has(n));
  const newDorms = dormNames.filter((n) => !knownDorms.has(n));

  if (dryRun) {
    return {
      dryRun,
      created: plannedCreated,
      updated: updates.length - plannedCreated,
      unchanged: inputs.length - updates.length,
      newPosts,
      newDorms,
    };
  }

  // Places first, so no one ever points at a post that is not in the list; each is an idempotent upsert.
  const pairs = new Map<string, { post: string; dorm: string }>();
  for (const i of inputs) {
    const post = columns.has('post') ? i.post : '';
    const dorm = columns.has('dorm') ? i.dorm : '';
    if (post || dorm) pairs.set(JSON.stringify([post, dorm]), { post, dorm });
  }
  for (const { post, dorm } of pairs.values()) await ensurePlaces(post, dorm);

  // Unordered bulk upserts (FerretDB 1.24 accepts them and reports upserted/modified counts):
  // every operation stands alone, so a batch that fails half-way is simply re-run.
  let created = 0;
  let updated = 0;
  for (let i = 0; i < updates.length; i += BATCH) {
    const res = await Staff.bulkWrite(
      updates.slice(i, i + BATCH).map((u) => ({
        updateOne: {
          filter: { phone: u.phone },
          update: { $set: u.set, ...(Object.keys(u.insert).length ? { $setOnInsert: u.insert } : {}) },
          upsert: true,
        },
      })),
      { ordered: false },
    );
    created += res.upsertedCount;
    updated += res.modifiedCount;
  }
  return { dryRun, created, updated, unchanged: inputs.length - created - updated, newPosts, newDorms };
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
  return (a ?? '') === (b ?? '');
}

function unique(names: string[]): string[] {
  return [...new Set(names.filter(Boolean))];
}

export type RosterFileCheck =
  | { ok: true; entries: RosterEntry[]; columns: RosterField[]; ignoredHeaders: string[] }
  | { ok: false; errors: RosterIssue[]; ignoredHeaders: string[] };

/**
 * Reads and validates one roster file without touching the database. File-wide problems
 * (encoding, headers) come back as errors without a row; a missing file is thrown.
 */
export async function checkRosterFile(file: string): Promise<RosterFileCheck> {
  let parsed: ParsedRoster;
  try {
    parsed = await readRosterFile(file);
  } catch (err) {
    if (err instanceof RosterFileError) return { ok: false, errors: [{ message: err.message }], ignoredHeaders: [] };
    throw err;
  }
  const checked = validateRoster(parsed.rows);
  if (!checked.ok) return { ok: false, errors: checked.errors, ignoredHeaders: parsed.ignoredHeaders };
  return { ok: true, entries: checked.entries, columns: parsed.columns, ignoredHeaders: parsed.ignoredHeaders };
}

export type RosterFileImport =
  | { ok: true; result: ImportResult; rows: number; ignoredHeaders: string[] }
  | { ok: false; errors: RosterIssue[]; ignoredHeaders: string[] };

/**
 * Reads, validates and imports one roster file: either every row is imported, or nothing is
 * written and every problem is returned.
 */
export async function importRosterFile(file: string, options: Pick<ImportOptions, 'dryRun'> = {}): Promise<RosterFileImport> {
  const checked = await checkRosterFile(file);
  if (!checked.ok) return checked;
  const result = await importRoster(
    checked.entries.map((e) => e.input),
    { dryRun: options.dryRun, columns: checked.columns },
  );
  return { ok: true, result, rows: checked.entries.length, ignoredHeaders: checked.ignoredHeaders };
}
