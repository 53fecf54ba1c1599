import 'dotenv/config';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { connectDatabase, type Database } from '../db/connect.ts';
import { createLogger, redactUri } from '../logger.ts';
import { ensureIndexes } from '../models/index.ts';
import { tableFormatOf } from '../core/table-file.ts';
import { checkSupplyFile, importSummary, importSupplies } from '../../handlers/supplies/import.ts';
import { composition } from '../workflows.ts';

/*
 * npm run import-supplies -- <配置清单.csv|.xlsx> [--dry-run] [--by 姓名]
 *
 * The 驻点装备物资配置清单 (§4.1): each post named in the file gets exactly the file's list, every
 * change logged. Unlike the roster, posts are checked against the database, so it is opened before
 * the rows are checked; still nothing is written unless every row is valid.
 * Exit codes: 0 imported (or dry run passed), 1 the file is invalid and nothing was imported,
 * 2 usage or configuration error, 3 the database failed (connection, write).
 */

const USAGE = `用法：npm run import-supplies -- <配置清单.csv 或 .xlsx> [--dry-run] [--by 姓名]
  --dry-run  只检查并显示每个驻点将新增/修改/移出多少种物品，不写入数据库
  --by 姓名  修改记录里的操作人（默认「命令行导入」）
表头（第 1 行）：驻点、物品（物资/装备/名称）、数量（配置数量） 必填；单位 可选。
文件里出现的驻点，其配置清单整张替换为文件内容；没出现的驻点不变。`;

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
  if (args.positionals.length !== 1) return usage(args.positionals.length ? '一次只能导入一个文件。' : '请指定要导入的配置清单文件。');
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
    const checked = await checkSupplyFile(file);
    if (checked.ignoredHeaders.length) out(`提示：以下列不认识，已忽略：${checked.ignoredHeaders.join('、')}`);
    if (!checked.ok) {
      const rowErrors = checked.errors.filter((e) => e.row !== undefined).length;
      err(rowErrors ? `配置清单有 ${rowErrors} 行有问题，没有导入任何内容。请改正后重新导入：` : '没有导入任何内容：');
      for (const e of checked.errors) err(e.message);
      return 1;
    }
    const by = args.values.by?.trim() || '命令行导入';
    const result = await importSupplies(checked.entries, { by: 'cli', byName: by }, `file:${path.basename(file)}`, new Date(), dryRun);
    out(importSummary(result));
    return 0;
  } catch (e) {
    log.error({ err: e }, 'supplies import failed');
    err(`导入失败（数据库错误）。可以直接重新运行，结果相同。${(e as Error).message}`);
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
