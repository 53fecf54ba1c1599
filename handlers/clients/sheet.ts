import type { TableRow, TableSpec } from '../../src/core/table-file.ts';
import { echo, nameKey } from '../../src/core/text.ts';
import { type ClientInput, type ClientInputField, parseClientInput } from './input.ts';
import { FIELD_LABELS } from './rules.ts';

/*
 * The client list's columns (I.2.8 客户信息资料库) and the check of every row, without I/O: a bad row
 * is reported with its spreadsheet row number, and a file is imported only when none is bad.
 */

export const CLIENT_FIELDS = [
  'name',
  'address',
  'phone',
  'contacts',
  'posts',
  'status',
  'owner',
  'notes',
  'callDays',
  'visitDays',
] as const satisfies readonly ClientInputField[];
export type Field = (typeof CLIENT_FIELDS)[number];

export const CLIENT_SHEET: TableSpec<Field> = {
  noun: '客户名单',
  fields: CLIENT_FIELDS,
  aliases: {
    客户名称: 'name',
    客户: 'name',
    名称: 'name',
    单位名称: 'name',
    公司名称: 'name',
    地址: 'address',
    客户地址: 'address',
    电话: 'phone',
    客户电话: 'phone',
    总机: 'phone',
    联系人: 'contacts',
    联系人及电话: 'contacts',
    驻点: 'posts',
    服务驻点: 'posts',
    状态: 'status',
    客户状态: 'status',
    负责人: 'owner',
    跟进人: 'owner',
    备注: 'notes',
    电话回访周期: 'callDays',
    回访周期: 'callDays',
    拜访周期: 'visitDays',
  },
  labels: FIELD_LABELS,
  required: ['name'],
  exampleHeader: '客户名称,地址,电话,联系人,驻点,状态,负责人,备注',
  requiredHint: '至少要有「客户名称」一列',
};

export interface ClientIssue {
  row?: number;
  message: string;
}

export interface ClientEntry {
  row: number;
  input: ClientInput & { name: string };
}

/** Checks every row without I/O; the same name twice in one file names both rows. */
export function validateClientRows(rows: readonly TableRow<Field>[]): {
  entries: ClientEntry[];
  errors: ClientIssue[];
} {
  if (!rows.length)
    return { entries: [], errors: [{ message: '客户名单里没有客户：第 1 行是表头，客户从第 2 行开始，每行一个。' }] };
  const errors: ClientIssue[] = [];
  const entries: ClientEntry[] = [];
  const firstRowOf = new Map<string, number>();
  for (const { row, values } of rows) {
    const problems: string[] = [];
    const parsed = parseClientInput({ ...values, name: values.name ?? '' });
    if (parsed.ok) entries.push({ row, input: parsed.input as ClientEntry['input'] });
    else problems.push(...parsed.errors);
    const name = values.name?.trim();
    if (name) {
      // 「ABC 物业」 and 「ABC物业」 are one client (nameKey)
      const first = firstRowOf.get(nameKey(name));
      if (first === undefined) firstRowOf.set(nameKey(name), row);
      else problems.push(`客户「${echo(name)}」与第 ${first} 行重复，同一个客户只能出现一次`);
    }
    if (problems.length) errors.push({ row, message: `第 ${row} 行：${problems.join('；')}` });
  }
  return { entries, errors };
}
