import path from 'node:path';
import type { FileImport } from '../../src/core/imports.ts';
import {
  type ParsedTable,
  parseTable,
  readTableFile,
  TableFileError,
  type TableIssue,
  type TableSpec,
} from '../../src/core/table-file.ts';
import { sameName } from '../../src/core/text.ts';
import { placeNames } from '../../src/roster/places.ts';
import { type ListChange, planListChanges, type SupplyRow, validateSupplyRows } from './rules.ts';
import { applyListChanges, type Editor, loadList } from './store.ts';

/*
 * §4.1 import of the 驻点装备物资配置清单 from CSV/XLSX (npm run import-supplies) or a table pasted
 * in chat (导入配置): the same reader as the roster, every row checked, all or nothing. A file is
 * the whole list of each post it names: items of those posts missing from it are taken off.
 */

export const SUPPLY_FIELDS = ['post', 'item', 'quantity', 'unit'] as const;
export type SupplyField = (typeof SUPPLY_FIELDS)[number];

export const SUPPLY_TABLE: TableSpec<SupplyField> = {
  fields: SUPPLY_FIELDS,
  aliases: {
    驻点: 'post',
    驻点名称: 'post',
    物品: 'item',
    物资: 'item',
    装备: 'item',
    名称: 'item',
    物品名称: 'item',
    装备名称: 'item',
    数量: 'quantity',
    配置数量: 'quantity',
    配置: 'quantity',
    单位: 'unit',
  },
  labels: { post: '驻点', item: '物品', quantity: '数量', unit: '单位' },
  required: ['post', 'item', 'quantity'],
  noun: '配置清单',
  exampleHeader: '驻点,物品,数量,单位',
  requiredHint: '至少要有 驻点、物品（或 物资、装备、名称）、数量（或 配置数量）',
};

export type SupplyCheck =
  | { ok: true; entries: (SupplyRow & { row: number })[]; ignoredHeaders: string[] }
  | { ok: false; errors: TableIssue[]; ignoredHeaders: string[] };

async function check(read: () => Promise<ParsedTable<SupplyField>>): Promise<SupplyCheck> {
  let parsed: ParsedTable<SupplyField>;
  try {
    parsed = await read();
  } catch (err) {
    if (err instanceof TableFileError) return { ok: false, errors: [{ message: err.message }], ignoredHeaders: [] };
    throw err;
  }
  // a row's 「万达 广场」 is the post 万达广场 on record (core nameKey)
  const onRecord = await placeNames('post');
  const rows = parsed.rows.map((r) =>
    r.values.post
      ? { ...r, values: { ...r.values, post: sameName(onRecord, r.values.post.trim()) ?? r.values.post } }
      : r,
  );
  const v = validateSupplyRows(rows, new Set(onRecord));
  return v.ok
    ? { ok: true, entries: v.entries, ignoredHeaders: parsed.ignoredHeaders }
    : { ok: false, errors: v.errors, ignoredHeaders: parsed.ignoredHeaders };
}

/** Reads and checks a file; reads posts from the database (to refuse unknown ones) but writes nothing. */
export const checkSupplyFile = (file: string) => check(() => readTableFile(file, SUPPLY_TABLE));

/** The same for a table pasted in chat (CSV lines, header first). */
export const checkSupplyText = (text: string) =>
  check(() => parseTable(Buffer.from(text, 'utf8'), 'csv', SUPPLY_TABLE));

export interface SupplyImportResult {
  dryRun: boolean;
  posts: { post: string; changes: ListChange[] }[];
  rows: number;
}

/** Replaces the list of every post named in `entries`; logs each change as `who` from `source`. */
export async function importSupplies(
  entries: readonly SupplyRow[],
  who: Editor,
  source: string,
  at: Date,
  dryRun = false,
): Promise<SupplyImportResult> {
  const byPost = new Map<string, SupplyRow[]>();
  for (const e of entries) byPost.set(e.post, [...(byPost.get(e.post) ?? []), e]);
  const posts: SupplyImportResult['posts'] = [];
  for (const [post, rows] of byPost) {
    const changes = planListChanges(await loadList(post), rows, true);
    if (!dryRun) await applyListChanges(post, changes, who, source, at);
    posts.push({ post, changes });
  }
  return { dryRun, posts, rows: entries.length };
}

/** `已导入 3 个驻点（12 种物品）：万达广场 新增 2、修改 1、移出 0；…` */
export function importSummary(r: SupplyImportResult): string {
  const parts = r.posts.map((p) => {
    const added = p.changes.filter((c) => c.from === null).length;
    const removed = p.changes.filter((c) => c.to === null).length;
    return `${p.post} 新增 ${added}、修改 ${p.changes.length - added - removed}、移出 ${removed}`;
  });
  const head = r.dryRun ? `试运行，没有写入。导入后将：` : `已导入 ${r.posts.length} 个驻点（${r.rows} 种物品）：`;
  return `${head}${parts.join('；')}。`;
}

/** `npm run import -- supplies <配置清单.xlsx>` (also `npm run import-supplies`). */
export const supplyListImport: FileImport<SupplyCheck> = {
  kind: 'supplies',
  describe: '驻点装备物资配置清单（§4.1）',
  usage: `<配置清单.csv 或 .xlsx> [--dry-run] [--by 姓名]
  --dry-run  只检查并显示每个驻点将新增/修改/移出多少种物品，不写入数据库
  --by 姓名  修改记录里的操作人（默认「命令行导入」）
表头（第 1 行）：驻点、物品（物资/装备/名称）、数量（配置数量） 必填；单位 可选。
文件里出现的驻点，其配置清单整张替换为文件内容；没出现的驻点不变。`,
  takesBy: true,
  noFile: '请指定要导入的配置清单文件。',
  rerun: '可以直接重新运行，结果相同。',
  // posts are checked against the database
  checkReadsDatabase: true,
  check: (file) => checkSupplyFile(file),
  refused: (rows) =>
    rows ? `配置清单有 ${rows} 行有问题，没有导入任何内容。请改正后重新导入：` : '没有导入任何内容：',
  apply: async (checked, { file, dryRun, by }) =>
    importSummary(
      await importSupplies(
        checked.entries,
        { by: 'cli', byName: by },
        `file:${path.basename(file)}`,
        new Date(),
        dryRun,
      ),
    ),
};
