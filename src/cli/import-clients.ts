import path from 'node:path';
import { runTableImport } from './table-import.ts';
import { checkClientFile, importClients } from '../../handlers/clients/import.ts';

/*
 * npm run import-clients -- <客户名单.csv|.xlsx> [--dry-run] [--by 姓名]
 *
 * The client list import (Ch.10 I.2.8) by the roster import's rules: every row is checked (owners
 * against the staff list too, so with the database open) and every bad row reported with its
 * number; only a file without a single problem is written.
 */
runTableImport({
  usage: `用法：npm run import-clients -- <客户名单.csv 或 .xlsx> [--dry-run] [--by 姓名]
  --dry-run  只检查并显示将会新增/更新多少个客户，不写入数据库
  --by       修改记录里写的导入人（默认「命令行导入」）
表头（第 1 行）：客户名称 必填；地址、电话、联系人（姓名 职务 电话；多人用分号隔开）、驻点、状态（现有/潜在/已流失）、负责人、电话回访周期、拜访周期、备注 可选。`,
  noFile: '请指定要导入的客户名单文件。',
  logName: 'client import failed',
  rerun: '可以直接重新运行，已导入的客户不会重复。',
  check: (file) => checkClientFile(file),
  refused: (rows) => (rows ? `客户名单有 ${rows} 行有问题，没有导入任何客户。请改正后重新导入：` : '没有导入任何客户：'),
  apply: async (checked, { file, dryRun, by }) => {
    const r = await importClients(checked, { staffId: '', name: by }, new Date(), dryRun);
    const counts = `新增 ${r.created} 个，更新 ${r.updated} 个，未变 ${r.unchanged} 个`;
    const name = path.basename(file);
    return dryRun ? `试运行（--dry-run），没有写入数据库。${name} 共 ${checked.entries.length} 个客户，导入后将：${counts}。` : `已导入 ${name}（${checked.entries.length} 个客户）：${counts}。`;
  },
});
