import path from 'node:path';
import { type FileImport, ImportRefused } from '../core/imports.ts';
import { type AnyRosterColumn, RosterRejectedError } from './columns.ts';
import { type ImportResult, importRoster } from './import.ts';
import { checkRosterFile, type RosterFileCheck } from './parse.ts';

/**
 * `npm run import -- roster <花名册.xlsx>` (also `npm run import-roster`): the staff roster, with
 * the columns the installed workflows add (`columns`: composition.rosterColumns). Its rows are
 * checked without the database; the workflows' columns are checked against it while writing.
 */
export function rosterImport(columns: readonly AnyRosterColumn[]): FileImport<RosterFileCheck> {
  return {
    kind: 'roster',
    describe: '花名册（人员）',
    usage: `<花名册.csv 或 .xlsx> [--dry-run]
  --dry-run  只检查并显示将会新增/更新多少人，不写入数据库
表头（第 1 行）：姓名、电话（手机/手机号/联系电话）、角色（岗位） 必填；${['驻点', '宿舍', '状态', '备注', ...columns.map((c) => c.header)].join('、')} 可选。`,
    noFile: '请指定要导入的花名册文件。',
    rerun: '可以直接重新运行，已导入的人员不会重复。',
    checkReadsDatabase: false,
    check: (file) => checkRosterFile(file, columns),
    refused: (rows) =>
      rows ? `花名册有 ${rows} 行有问题，没有导入任何人员。请改正后重新导入：` : '没有导入任何人员：',
    apply: async (checked, { file, dryRun }) => {
      try {
        const result = await importRoster(
          checked.entries.map((e) => e.input),
          { dryRun, columns: checked.columns, extra: checked.extra, rows: checked.entries.map((e) => e.row) },
        );
        return summary(path.basename(file), checked.entries.length, result);
      } catch (e) {
        if (e instanceof RosterRejectedError)
          throw new ImportRefused(`花名册有 ${e.issues.length} 处问题，没有导入任何人员。请改正后重新导入：`, e.issues);
        throw e;
      }
    },
  };
}

function summary(fileName: string, rows: number, r: ImportResult): string {
  const counts = `新增 ${r.created} 人，更新 ${r.updated} 人，未变 ${r.unchanged} 人`;
  const places = [
    r.newPosts.length ? `${r.dryRun ? '将新建' : '新建'}驻点：${r.newPosts.join('、')}` : '',
    r.newDorms.length ? `${r.dryRun ? '将新建' : '新建'}宿舍：${r.newDorms.join('、')}` : '',
    ...r.notes,
  ].filter(Boolean);
  const head = r.dryRun
    ? `试运行（--dry-run），没有写入数据库。${fileName} 共 ${rows} 人，导入后将：${counts}。`
    : `已导入 ${fileName}（${rows} 人）：${counts}。`;
  return [head, ...places].join('\n');
}
