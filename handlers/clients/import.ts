import { staffNamed } from '../../src/roster/names.ts';
import { TableFileError, parseTable, readTableFile, type ParsedTable, type TableFormat } from '../../src/core/table-file.ts';
import { CLIENT_SHEET, validateClientRows, type ClientEntry, type ClientIssue, type Field } from './sheet.ts';
import { clientByName, createClient, saveClient, type Person } from './store.ts';
import { mayOwn, type ClientFields } from './rules.ts';
import type { Role } from '../../src/core/types.ts';

/*
 * The client list import (I.2.8 客户信息资料库), by the roster import's rules: CSV or XLSX, header in
 * row 1, every row checked first and every bad row reported with its number; only a file without a
 * single problem is written. Rows are matched to records by 客户名称; an update sets only the cells
 * the file fills (an empty cell changes nothing), and each record gets a change entry (who imported
 * it, old → new).
 */

/** Owners are named; each must be one active 客服部 member or team leader. Returns ids or row errors. */
export async function resolveOwners(entries: readonly ClientEntry[]): Promise<{ owners: Map<string, Person>; errors: ClientIssue[] }> {
  const names = [...new Set(entries.map((e) => e.input.owner).filter((n): n is string => Boolean(n)))];
  const owners = new Map<string, Person>();
  const problem = new Map<string, string>();
  for (const n of names) {
    // 「张 三」 is 张三 (core nameKey); the owner is recorded by the roster's spelling
    const found = await staffNamed(n, { active: true }, 2);
    if (found.length === 1 && mayOwn(found[0]!.roles as Role[])) owners.set(n, { staffId: String(found[0]!._id), name: found[0]!.name });
    else if (found.length > 1) problem.set(n, `负责人「${n}」有重名，请先在人员里区分`);
    else problem.set(n, found.length ? `负责人「${n}」不是客服部或队长` : `负责人「${n}」不在人员名单里（或已停用）`);
  }
  const errors = entries.filter((e) => e.input.owner && problem.has(e.input.owner)).map((e) => ({ row: e.row, message: `第 ${e.row} 行：${problem.get(e.input.owner!)}` }));
  return { owners, errors };
}

export interface ClientImportResult {
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
}

export type ClientFileCheck =
  | { ok: true; entries: ClientEntry[]; columns: Field[]; ignoredHeaders: string[]; owners: Map<string, Person> }
  | { ok: false; errors: ClientIssue[]; ignoredHeaders: string[] };

/** Checks a read client list (owners against the staff list); writes nothing. */
export async function checkClientRows(parsed: ParsedTable<Field>): Promise<ClientFileCheck> {
  const checked = validateClientRows(parsed.rows);
  // owners are checked on the rows that parsed too, so one pass reports every bad row
  const { owners, errors: ownerErrors } = await resolveOwners(checked.entries);
  const byRow = new Map<number | undefined, string[]>();
  for (const e of [...checked.errors, ...ownerErrors]) byRow.set(e.row, [...(byRow.get(e.row) ?? []), e.message.replace(/^第 \d+ 行：/, '')]);
  const errors = [...byRow].sort(([a], [b]) => (a ?? 0) - (b ?? 0)).map(([row, msgs]) => ({ row, message: row ? `第 ${row} 行：${msgs.join('；')}` : msgs.join('；') }));
  if (errors.length) return { ok: false, errors, ignoredHeaders: parsed.ignoredHeaders };
  return { ok: true, entries: checked.entries, columns: parsed.columns, ignoredHeaders: parsed.ignoredHeaders, owners };
}

/** Reads and checks a client list file (or its bytes); a file unusable as a whole is one error without a row. */
export async function checkClientFile(file: string | { bytes: Uint8Array; format: TableFormat }): Promise<ClientFileCheck> {
  let parsed: ParsedTable<Field>;
  try {
    parsed = typeof file === 'string' ? await readTableFile(file, CLIENT_SHEET) : await parseTable(file.bytes, file.format, CLIENT_SHEET);
  } catch (err) {
    if (err instanceof TableFileError) return { ok: false, errors: [{ message: err.message }], ignoredHeaders: [] };
    throw err;
  }
  return checkClientRows(parsed);
}

/**
 * Writes a checked list: new names are created, existing ones get the file's columns with one
 * change entry each, unchanged ones are left alone. Idempotent: running it again changes nothing.
 */
export async function importClients(check: Extract<ClientFileCheck, { ok: true }>, by: Person, at: Date, dryRun = false): Promise<ClientImportResult> {
  const result: ClientImportResult = { dryRun, created: 0, updated: 0, unchanged: 0 };
  for (const { input } of check.entries) {
    const fields: Partial<ClientFields> = {};
    // an empty cell leaves the field as it is (a new record gets the default)
    for (const col of check.columns) {
      // the row names the record; a record keeps its name as first written (「ABC 物业」 finds 「ABC物业」)
      if (input[col] === undefined || col === 'name') continue;
      if (col === 'owner') fields.owner = check.owners.get(input.owner!)!;
      else (fields as Record<string, unknown>)[col] = input[col];
    }
    const existing = await clientByName(input.name);
    if (dryRun) {
      if (!existing) result.created++;
      else if (Object.keys(fields).some((k) => JSON.stringify((existing as Record<string, unknown>)[k] ?? null) !== JSON.stringify((fields as Record<string, unknown>)[k] ?? null))) result.updated++;
      else result.unchanged++;
      continue;
    }
    if (!existing) {
      const made = await createClient({ ...fields, name: input.name }, by, '导入新建', at);
      if (made) {
        result.created++;
        continue;
      }
    }
    const target = existing ?? (await clientByName(input.name));
    const saved = await saveClient(String(target!._id), fields, by, '导入更新', at);
    if (!saved.ok) throw new Error(`client ${input.name} could not be saved (${saved.reason})`);
    if (saved.changes.length) result.updated++;
    else result.unchanged++;
  }
  return result;
}
