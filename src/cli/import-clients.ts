import 'dotenv/config';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { connectDatabase, type Database } from '../db/connect.ts';
import { createLogger, redactUri } from '../logger.ts';
import { ensureIndexes } from '../models/index.ts';
import { tableFormatOf } from '../core/table-file.ts';
import { composition } from '../workflows.ts';
import { checkClientFile, importClients } from '../../handlers/clients/import.ts';

/*
 * npm run import-clients -- <客户名单.csv|.xlsx> [--dry-run] [--by 姓名]
 *
 * The client list import (Ch.10 I.2.8) by the roster import's rules: every row is checked (owners
 * against the staff list too) and every bad row reported with its number; only a file without a
 * single problem is written. Exit codes as import-roster: 0 imported (or dry run passed), 1 the file
 * is invalid and nothing was imported, 2 usage or configuration error, 3 the database failed.
 */

const USAGE = `用法：npm run import-clients -- <客户名单.csv 或 .xlsx> [--dry-run] [--by 姓名]
  --dry-run  只检查并显示将会新增/更新多少个客户，不写入数据库
  --by       修改记录里写的导入人（默认「命令行导入」）
表头（第 1 行）：客户名称 必填；地址、电话、联系人（姓名 职务 电话；多人用分号隔开）、驻点、状态（现有/潜在/已流失）、负责人、电话回访周期、拜访周期、备注 可选。`;

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

function usage(problem: string): number {
  err(problem);
  err(USAGE);
  return 2;
}

async function run(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    return usage(`参数有误：${(e as Error).message}`);
  }
  if (args.values.help) {
    out(USAGE);
    return 0;
  }
  if (args.positionals.length !== 1) return usage(args.positionals.length ? '一次只能导入一个文件。' : '请指定要导入的客户名单文件。');
  const file = path.resolve(args.positionals[0]!);
  const dryRun = args.values['dry-run'] ?? false;
  if (!tableFormatOf(file)) return usage(`只支持 .csv 和 .xlsx 文件：${path.basename(file)}。`);
  if (!existsSync(file) || !statSync(file).isFile()) return usage(`找不到文件：${file}`);

  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      err(e.message);
      err('Fix the variables above in .env or the environment, then run again. See README.md → Configuration.');
      return 2;
    }
    throw e;
  }
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 2);
  let db: Database | undefined;
  try {
    db = await connectDatabase(config, log, (m) => err(m));
    await ensureIndexes(composition.models);
    out(db.kind === 'external' ? `数据库：${redactUri(db.uri)}` : `数据库：内置 ${db.kind === 'embedded-ferretdb' ? 'FerretDB' : 'MongoDB'}，数据保存在 ${db.dataDir}`);
    // owners are checked against the staff list, so the whole check runs with the database open
    const checked = await checkClientFile(file);
    if (checked.ignoredHeaders.length) out(`提示：以下列不认识，已忽略：${checked.ignoredHeaders.join('、')}`);
    if (!checked.ok) {
      const rows = checked.errors.filter((e) => e.row !== undefined).length;
      err(rows ? `客户名单有 ${rows} 行有问题，没有导入任何客户。请改正后重新导入：` : '没有导入任何客户：');
      for (const e of checked.errors) err(e.message);
      return 1;
    }
    const by = { staffId: '', name: args.values.by?.trim() || '命令行导入' };
    const r = await importClients(checked, by, new Date(), dryRun);
    const counts = `新增 ${r.created} 个，更新 ${r.updated} 个，未变 ${r.unchanged} 个`;
    const name = path.basename(file);
    out(dryRun ? `试运行（--dry-run），没有写入数据库。${name} 共 ${checked.entries.length} 个客户，导入后将：${counts}。` : `已导入 ${name}（${checked.entries.length} 个客户）：${counts}。`);
    return 0;
  } catch (e) {
    log.error({ err: e }, 'client import failed');
    err(`导入失败（数据库错误）。可以直接重新运行，已导入的客户不会重复。${(e as Error).message}`);
    return 3;
  } finally {
    await db?.close().catch((e: unknown) => log.warn({ err: e }, 'closing the database failed'));
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { 'dry-run': { type: 'boolean' }, by: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
}

const code = await run(process.argv.slice(2)).catch((e: unknown) => {
  err(`导入失败：${(e as Error).stack ?? String(e)}`);
  return 3;
});
process.exitCode = code;
// The database is closed above; if some handle still keeps the process alive, do not hang the terminal.
setTimeout(() => process.exit(code), 5000).unref();
