import path from 'node:path';
import { runTableImport } from './table-import.ts';
import { checkSupplyFile, importSummary, importSupplies } from '../../handlers/supplies/import.ts';

/*
 * npm run import-supplies -- <配置清单.csv|.xlsx> [--dry-run] [--by 姓名]
 *
 * The 驻点装备物资配置清单 (§4.1): each post named in the file gets exactly the file's list, every
 * change logged. Posts are checked against the database, so it is opened before the rows are
 * checked; still nothing is written unless every row is valid.
 */
runTableImport({
  usage: `用法：npm run import-supplies -- <配置清单.csv 或 .xlsx> [--dry-run] [--by 姓名]
  --dry-run  只检查并显示每个驻点将新增/修改/移出多少种物品，不写入数据库
  --by 姓名  修改记录里的操作人（默认「命令行导入」）
表头（第 1 行）：驻点、物品（物资/装备/名称）、数量（配置数量） 必填；单位 可选。
文件里出现的驻点，其配置清单整张替换为文件内容；没出现的驻点不变。`,
  noFile: '请指定要导入的配置清单文件。',
  logName: 'supplies import failed',
  rerun: '可以直接重新运行，结果相同。',
  check: (file) => checkSupplyFile(file),
  refused: (rows) => (rows ? `配置清单有 ${rows} 行有问题，没有导入任何内容。请改正后重新导入：` : '没有导入任何内容：'),
  apply: async (checked, { file, dryRun, by }) =>
    importSummary(await importSupplies(checked.entries, { by: 'cli', byName: by }, `file:${path.basename(file)}`, new Date(), dryRun)),
});
