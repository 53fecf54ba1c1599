import 'dotenv/config';
import { restoreDatabase } from '../db/backup.ts';
import { allModels } from '../models/index.ts';
import { composition } from '../workflows.ts';
import { folderCommand, out, runCli } from './database-cli.ts';

/*
 * npm run restore -- <folder>: loads a backup made by npm run backup into the bot's database,
 * which must be empty (point MONGODB_URI at a new database, or DATA_DIR at a new folder). Stop the
 * bot first. Exit codes: 0 done, 1 refused (not a backup, or the database is not empty), 2 usage or
 * configuration, 3 database error (drop the half-restored database and run again).
 */

const USAGE = '用法：npm run restore -- <备份文件夹>（只能恢复到空数据库；先停机器人）';

export async function runRestore(argv: string[]): Promise<number> {
  const words = {
    refused: '没有恢复',
    failed: (m: string) => `恢复失败（数据库错误）：${m}。数据库里可能已有一部分数据：删掉这个数据库后重新运行。`,
    logged: 'restore failed',
  };
  return folderCommand(argv, USAGE, words, async (open, dir) => {
    const { manifest, restored } = await restoreDatabase(open.db, dir, allModels(composition.models));
    const total = restored.reduce((n, c) => n + c.count, 0);
    out(`已恢复 ${restored.length} 个集合、${total} 条记录（备份时间 ${manifest.finishedAt}），索引已建好。`);
    return 0;
  });
}

runCli(() => runRestore(process.argv.slice(2)), '恢复失败');
