import 'dotenv/config';
import { backupDatabase } from '../db/backup.ts';
import { folderCommand, out, runCli } from './database-cli.ts';

/*
 * npm run backup -- <folder>: every collection of the bot's database into a new folder, one
 * Extended JSON file per collection plus manifest.json. Restore with npm run restore -- <folder>.
 * Exit codes: 0 done, 1 refused (the folder is not empty), 2 usage or configuration, 3 database error.
 */

const USAGE = '用法：npm run backup -- <备份文件夹>（文件夹须不存在或为空，例如 backups/2026-12-05）';

export async function runBackup(argv: string[]): Promise<number> {
  const words = {
    refused: '没有备份',
    failed: (m: string) => `备份失败（数据库错误），可以直接重试，换一个空文件夹：${m}`,
    logged: 'backup failed',
  };
  return folderCommand(argv, USAGE, words, async (open, dir) => {
    const manifest = await backupDatabase(open.db, open.client, dir);
    const total = manifest.collections.reduce((n, c) => n + c.count, 0);
    out(`已备份 ${manifest.collections.length} 个集合、${total} 条记录到 ${dir}`);
    out(
      manifest.consistency === 'snapshot'
        ? '一致性：所有集合读自同一时间点（副本集快照）。'
        : '一致性：逐个集合读取。机器人运行中写入的话，不同集合可能相差几秒；要完全一致，请先停机器人再备份。',
    );
    return 0;
  });
}

runCli(() => runBackup(process.argv.slice(2)), '备份失败');
