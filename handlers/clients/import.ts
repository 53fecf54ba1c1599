import path from 'node:path';
import type { FileImport } from '../../src/core/imports.ts';
import {
  type ParsedTable,
  parseTable,
  readTableFile,
  TableFileError,
  type TableFormat,
} from '../../src/core/table-file.ts';
import { echo } from '../../src/core/text.ts';
import type { Role } from '../../src/core/types.ts';
import { staffNamed } from '../../src/roster/names.ts';
import { cadenceProblem } from './cadence-rules.ts';
import { type ClientFields, mayOwn } from './rules.ts';
import { CLIENT_SHEET, type ClientEntry, type ClientIssue, type Field, validateClientRows } from './sheet.ts';
import { clientByName, createClient, type Person, saveClient } from './store.ts';

/*
 * The client list import (I.2.8 客户信息资料库), by the roster import's rules: CSV or XLSX, header in
 * row 1, every row checked first and every bad row reported with its number; only a file without a
 * single problem is written. Rows are matched to records by 客户名称; an update sets only the cells
 * the file fills (an empty cell changes nothing), and each record gets a change entry (who imported
 * it, old → new).
 */

/** Owners are named; each must be one active 客服部 member or team leader. Returns ids or row errors. */
export async function resolveOwners(
  entries: readonly ClientEntry[],
): Promise<{ owners: Map<string, Person>; errors: ClientIssue[] }> {
  const names = [...new Set(entries.map((e) => e.input.owner).filter((n): n is string => Boolean(n)))];
  const owners = new Map<string, Person>();
  const problem = new Map<string, string>();
  for (const n of names) {
    // 「张 三」 is 张三 (core nameKey); the owner is recorded by the roster's spelling
    const found = await staffNamed(n, { active: true }, 2);
    if (found.length === 1 && mayOwn(found[0]!.roles as Role[]))
      owners.set(n, { staffId: String(found[0]!._id), name: found[0]!.name });
    else if (found.length > 1) problem.set(n, `负责人「${echo(n)}」有重名，请先在人员里区分`);
    else
      problem.set(
        n,
        found.length ? `负责人「${echo(n)}」不是客服部或队长` : `负责人「${echo(n)}」不在人员名单里（或已停用）`,
      );
  }
  const errors = entries
    .filter((e) => e.input.owner && problem.has(e.input.owner))
    .map((e) => ({ row: e.row, message: `第 ${e.row} 行：${problem.get(e.input.owner!)}` }));
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

/**
 * I.2.5 / I.2.7: a row that would leave a 现有 client without phone follow-ups or visits (不需要, on
 * the row or already on its record) is refused like any bad cell.
 */
async function cadenceRowErrors(entries: readonly ClientEntry[]): Promise<ClientIssue[]> {
  const errors: ClientIssue[] = [];
  for (const { row, input } of entries) {
    if (input.status === undefined && input.callDays === undefined && input.visitDays === undefined) continue;
    const before = await clientByName(input.name);
    const p = cadenceProblem({
      status: input.status ?? before?.status ?? 'current',
      callDays: input.callDays !== undefined ? input.callDays : (before?.callDays ?? null),
      visitDays: input.visitDays !== undefined ? input.visitDays : (before?.visitDays ?? null),
    });
    if (p) errors.push({ row, message: `第 ${row} 行：${p.error}` });
  }
  return errors;
}

/** Checks a read client list (owners against the staff list); writes nothing. */
export async function checkClientRows(parsed: ParsedTable<Field>): Promise<ClientFileCheck> {
  const checked = validateClientRows(parsed.rows);
  // owners are checked on the rows that parsed too, so one pass reports every bad row
  const { owners, errors: ownerErrors } = await resolveOwners(checked.entries);
  const cadenceErrors = await cadenceRowErrors(checked.entries);
  const byRow = new Map<number | undefined, string[]>();
  for (const e of [...checked.errors, ...ownerErrors, ...cadenceErrors])
    byRow.set(e.row, [...(byRow.get(e.row) ?? []), e.message.replace(/^第 \d+ 行：/, '')]);
  const errors = [...byRow]
    .sort(([a], [b]) => (a ?? 0) - (b ?? 0))
    .map(([row, msgs]) => ({ row, message: row ? `第 ${row} 行：${msgs.join('；')}` : msgs.join('；') }));
  if (errors.length) return { ok: false, errors, ignoredHeaders: parsed.ignoredHeaders };
  return { ok: true, entries: checked.entries, columns: parsed.columns, ignoredHeaders: parsed.ignoredHeaders, owners };
}

/** Reads and checks a client list file (or its bytes); a file unusable as a whole is one error without a row. */
export async function checkClientFile(
  file: string | { bytes: Uint8Array; format: TableFormat },
): Promise<ClientFileCheck> {
  let parsed: ParsedTable<Field>;
  try {
    parsed =
      typeof file === 'string'
        ? await readTableFile(file, CLIENT_SHEET)
        : await parseTable(file.bytes, file.format, CLIENT_SHEET);
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
export async function importClients(
  check: Extract<ClientFileCheck, { ok: true }>,
  by: Person,
  at: Date,
  dryRun = false,
): Promise<ClientImportResult> {
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
      else if (
        Object.keys(fields).some(
          (k) =>
            JSON.stringify((existing as Record<string, unknown>)[k] ?? null) !==
            JSON.stringify((fields as Record<string, unknown>)[k] ?? null),
        )
      )
        result.updated++;
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

/** `npm run import -- clients <客户名单.xlsx>` (also `npm run import-clients`). */
export const clientListImport: FileImport<ClientFileCheck> = {
  kind: 'clients',
  describe: '客户名单（客户信息资料库 I.2.8）',
  usage: `<客户名单.csv 或 .xlsx> [--dry-run] [--by 姓名]
  --dry-run  只检查并显示将会新增/更新多少个客户，不写入数据库
  --by       修改记录里写的导入人（默认「命令行导入」）
表头（第 1 行）：客户名称 必填；地址、电话、联系人（姓名 职务 电话；多人用分号隔开）、驻点、状态（现有/潜在/已流失）、负责人、电话回访周期、拜访周期、备注 可选。`,
  takesBy: true,
  noFile: '请指定要导入的客户名单文件。',
  rerun: '可以直接重新运行，已导入的客户不会重复。',
  // owners are looked up in the staff list
  checkReadsDatabase: true,
  check: (file) => checkClientFile(file),
  refused: (rows) =>
    rows ? `客户名单有 ${rows} 行有问题，没有导入任何客户。请改正后重新导入：` : '没有导入任何客户：',
  apply: async (checked, { file, dryRun, by }) => {
    const r = await importClients(checked, { staffId: '', name: by }, new Date(), dryRun);
    const counts = `新增 ${r.created} 个，更新 ${r.updated} 个，未变 ${r.unchanged} 个`;
    const name = path.basename(file);
    return dryRun
      ? `试运行（--dry-run），没有写入数据库。${name} 共 ${checked.entries.length} 个客户，导入后将：${counts}。`
      : `已导入 ${name}（${checked.entries.length} 个客户）：${counts}。`;
  },
};
