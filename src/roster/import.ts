import mongoose from 'mongoose';
import { type ChangeNote, commandLineActor, type Trail, trailAs } from '../core/audit-trail.ts';
import { takeOnce } from '../core/once.ts';
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
import { nameBook } from '../core/text.ts';
import { OnceKey, Staff } from '../models/index.ts';
import { type AnyRosterColumn, applyColumns, type ColumnData, checkColumns, RosterRejectedError } from './columns.ts';
import { type RosterSnapshot, refusedGrants, rowNotes, same } from './grants.ts';
import { ensurePlaces, placeNames } from './places.ts';
import { type StaffInput, staffInputSchema } from './staff-input.ts';

/*
 * The staff roster (花名册) import: parse a CSV or XLSX file into header-keyed rows (core/table-file.ts),
 * validate every row with the same schema the 添加人员 form uses, and only if the whole file is valid, upsert by
 * phone. Parsing and validation do no I/O; only readRosterFile and importRoster touch the outside.
 *
 * FerretDB has no transactions, so the write is one idempotent upsert per person (keyed by the
 * unique phone): an import that stops half-way leaves some people written, and running it again
 * converges to the same result.
 *
 * Issue #20: once someone could confirm a grant in chat (an active 董事长 or 行政部 member), a
 * roster does not give anyone an approving role (综合部, 财务部, 董事长, 行政部) nor re-enable
 * someone who holds one: the file is refused, naming the rows, and the grant is made with 设置角色,
 * which a second person confirms. Before that (setting up, nobody to confirm) the roster is how the
 * first 行政部 and 董事长 get their roles. Every change is written to the audit trail, as made by the
 * command line (the operating-system user), and a change of roles or status moves the record's
 * version as a chat change does, so a grant asked in chat before the import is void.
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

export interface ImportOptions {
  /** Work out and return the counts, but write nothing. */
  dryRun?: boolean;
  /**
   * The fields the file has columns for (ParsedRoster.columns). On update only these are set, so
   * a roster without a 宿舍 or 状态 column does not wipe dorms or re-enable people disabled in chat.
   * Defaults to every field. New people always get the defaults (active, empty post/dorm/note).
   */
  columns?: readonly RosterField[];
  /**
   * Workflow columns of the file with every row's value: checked against the database before the
   * first write (a problem throws RosterRejectedError and nothing is written), applied after the people.
   */
  extra?: readonly ColumnData[];
  /** The spreadsheet row of each person (parallel to the people), for the refusals. */
  rows?: readonly number[];
  /** Who the audit trail names; the command line's user by default. */
  trail?: Trail;
}

export interface ImportResult {
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
  /** Posts and dorms named in the roster that did not exist yet (created unless dryRun). */
  newPosts: string[];
  newDorms: string[];
  /** What the workflow columns changed (or would change), one line each. */
  notes: string[];
}

const BATCH = 500;
const ROSTER_CLAIM = 'roster import';

type StaffSnapshot = RosterSnapshot;

/**
 * Upserts validated people by phone: new phones are created, changed people updated, the rest left
 * alone (so their updatedAt stays). Creates the posts and dorms they name. Idempotent; needs a
 * mongoose connection. Callers validate first (validateRoster): nothing here checks the rows again
 * except for a duplicate phone, which would make the counts meaningless.
 */
export async function importRoster(typed: readonly StaffInput[], options: ImportOptions = {}): Promise<ImportResult> {
  const dryRun = options.dryRun ?? false;
  const columns = new Set<RosterField>(options.columns ?? ROSTER_FIELDS);
  // 「城南 宿舍」 is the dorm 城南宿舍 on record, or the spelling first written in this file (core nameKey)
  const postsOnRecord = columns.has('post') ? await placeNames('post') : [];
  const dormsOnRecord = columns.has('dorm') ? await placeNames('dorm') : [];
  const postOf = nameBook(postsOnRecord);
  const dormOf = nameBook(dormsOnRecord);
  const inputs = typed.map((i) => ({ ...i, post: postOf(i.post), dorm: dormOf(i.dorm) }));
  const phones = inputs.map((i) => i.phone);
  if (new Set(phones).size !== phones.length)
    throw new Error('importRoster: the same phone appears twice; run validateRoster first');
  const extra = options.extra ?? [];
  // all or nothing: a workflow column the database refuses stops the import before the first write
  await checkColumns(extra);

  const existing = new Map<string, StaffSnapshot>();
  for (let i = 0; i < phones.length; i += BATCH) {
    const docs = (await Staff.find(
      { phone: { $in: phones.slice(i, i + BATCH) } },
      { phone: 1, name: 1, roles: 1, post: 1, dorm: 1, active: 1, note: 1, version: 1 },
    ).lean()) as StaffSnapshot[];
    for (const d of docs) existing.set(d.phone, d);
  }

  // issue #20: an approving role is granted in chat, with a second person's confirmation, once anyone could confirm
  const refused = await refusedGrants(inputs, existing, columns, options.rows);
  if (refused.length) throw new RosterRejectedError(refused);

  const updates: {
    phone: string;
    id: unknown;
    set: Record<string, unknown>;
    insert: Record<string, unknown>;
    notes: ChangeNote[];
    claim?: string;
  }[] = [];
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
    // a new person's _id is made here, so the audit entries can name the record before it exists
    const id = before?._id ?? new mongoose.Types.ObjectId();
    if (!before) insert._id = id;
    const moves = before && (!same(before.roles, input.roles) || ('active' in set && before.active !== set.active));
    // a change of roles or status moves the version, as one made in chat does (src/core/transition.ts)
    if (before && moves) set.version = (before.version ?? 0) + 1;
    const claim = before && moves ? `${Staff.collection.name}:${String(id)}:v${before.version ?? 0}` : undefined;
    updates.push({ phone: input.phone, id, set, insert, notes: rowNotes(String(id), input, before, set), claim });
  }

  const postNames = unique(inputs.map((i) => (columns.has('post') ? i.post : '')));
  const dormNames = unique(inputs.map((i) => (columns.has('dorm') ? i.dorm : '')));
  const knownPosts = new Set(postsOnRecord);
  const knownDorms = new Set(dormsOnRecord);
  const newPosts = postNames.filter((n) => !knownPosts.has(n));
  const newDorms = dormNames.filter((n) => !knownDorms.has(n));

  if (dryRun) {
    const known = new Map([...existing.values()].map((s) => [s.phone, String(s._id)]));
    return {
      dryRun,
      created: plannedCreated,
      updated: updates.length - plannedCreated,
      unchanged: inputs.length - updates.length,
      newPosts,
      newDorms,
      notes: await applyColumns(extra, known, true, options.trail ?? trailAs(commandLineActor())),
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
  const trail = options.trail ?? trailAs(commandLineActor());
  for (let i = 0; i < updates.length; i += BATCH) {
    const batch = updates.slice(i, i + BATCH);
    for (const u of batch) {
      // the version claim a chat change would make (transition()); one left by an earlier import
      // that failed before writing is ours to use. Anyone else's: the person changed meanwhile.
      if (
        u.claim &&
        !(await takeOnce(u.claim, ROSTER_CLAIM)) &&
        (await OnceKey.findById(u.claim).lean())?.by !== ROSTER_CLAIM
      ) {
        throw new Error(`staff ${u.phone} changed during the roster import; run it again`);
      }
    }
    const res = await trail.changeMany(
      Staff,
      batch.map((u) => u.id),
      (carryFor) =>
        Staff.bulkWrite(
          batch.map((u) => ({
            updateOne: {
              filter: { phone: u.phone },
              update: carryFor(u.id, u.notes).update({
                $set: u.set,
                ...(Object.keys(u.insert).length ? { $setOnInsert: u.insert } : {}),
              }),
              upsert: true,
            },
          })),
          { ordered: false },
        ),
    );
    created += res.upsertedCount;
    updated += res.modifiedCount;
  }
  const notes: string[] = [];
  if (extra.length) {
    const ids = new Map<string, string>();
    for (let i = 0; i < phones.length; i += BATCH) {
      for (const d of await Staff.find({ phone: { $in: phones.slice(i, i + BATCH) } }, { phone: 1 }).lean())
        ids.set(d.phone, String(d._id));
    }
    notes.push(...(await applyColumns(extra, ids, false, trail)));
  }
  return { dryRun, created, updated, unchanged: inputs.length - created - updated, newPosts, newDorms, notes };
}

function unique(names: string[]): string[] {
  return [...new Set(names.filter(Boolean))];
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

export type RosterFileImport =
  | { ok: true; result: ImportResult; rows: number; ignoredHeaders: string[] }
  | { ok: false; errors: RosterIssue[]; ignoredHeaders: string[] };

/**
 * Reads, validates and imports one roster file: either every row is imported, or nothing is
 * written and every problem is returned.
 */
export async function importRosterFile(
  file: string,
  options: Pick<ImportOptions, 'dryRun'> & { extra?: readonly AnyRosterColumn[] } = {},
): Promise<RosterFileImport> {
  const checked = await checkRosterFile(file, options.extra);
  if (!checked.ok) return checked;
  try {
    const result = await importRoster(
      checked.entries.map((e) => e.input),
      {
        dryRun: options.dryRun,
        columns: checked.columns,
        extra: checked.extra,
        rows: checked.entries.map((e) => e.row),
      },
    );
    return { ok: true, result, rows: checked.entries.length, ignoredHeaders: checked.ignoredHeaders };
  } catch (err) {
    if (err instanceof RosterRejectedError)
      return { ok: false, errors: err.issues, ignoredHeaders: checked.ignoredHeaders };
    throw err;
  }
}
