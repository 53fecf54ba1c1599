import 'dotenv/config';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { connectDatabase, type Database } from '../db/connect.ts';
import { createLogger, redactUri } from '../logger.ts';
import { ensureIndexes } from '../models/index.ts';
import { checkRosterFile, importRoster, rosterFormatOf, type ImportResult } from '../roster/import.ts';
import { RosterRejectedError } from '../roster/columns.ts';
import { composition } from '../workflows.ts';

/*
 * npm run import-roster -- <花名册.csv|.xlsx> [--dry-run]
 *
 * Exit codes: 0 imported (or dry run passed), 1 the file is invalid and nothing was imported,
 * 2 usage or configuration error, 3 the database failed (connection, write).
 */

const USAGE = `用法：npm run import-roster -- <花名册.csv 或 .xlsx> [--dry-run]
  --dry-run  只检查并显示将会新增/更新多少人，不写入数据库
表头（第 1 行）：姓名、电话（手机/手机号/联系电话）、角色（岗位） 必填；${['驻点', '宿舍', '状态', '备注', ...composition.rosterColumns.map((c) => c.header)].join('、')} 可选。`;

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
  if (args.positionals.length !== 1) {
    return usage(args.positionals.length ? '一次只能导入一个文件。' : '请指定要导入的花名册文件。');
  }
  const file = path.resolve(args.positionals[0]!);
  const dryRun = args.values['dry-run'] ?? false;
  if (!rosterFormatOf(file)) {
    const hint = path.extname(file).toLowerCase() === '.xls' ? '旧版 .xls 请在 Excel 里另存为 .xlsx。' : '';
    return usage(`只支持 .csv 和 .xlsx 文件：${path.basename(file)}。${hint}`);
  }
  if (!existsSync(file) || !statSync(file).isFile()) return usage(`找不到文件：${file}`);

  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      err(e.message);
      err('Fix the variables above in .env or the environment, then run again. See docs/configuration.md.');
      return 2;
    }
    throw e;
  }

  // The file is checked before the database is even opened: a bad file never waits for it.
  const checked = await checkRosterFile(file, composition.rosterColumns);
  if (checked.ignoredHeaders.length) out(`提示：以下列不认识，已忽略：${checked.ignoredHeaders.join('、')}`);
  if (!checked.ok) {
    const rowErrors = checked.errors.filter((e) => e.row !== undefined).length;
    err(rowErrors ? `花名册有 ${rowErrors} 行有问题，没有导入任何人员。请改正后重新导入：` : '没有导入任何人员：');
    for (const e of checked.errors) err(e.message);
    return 1;
  }

  // Logs go to stderr so stdout stays the Chinese summary; info lines are summarised there already.
  // logs on stderr, quieter than the bot: the summary on stdout is what the admin reads
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 2);

  let db: Database | undefined;
  try {
    db = await connectDatabase(config, log, (m) => err(m));
    await ensureIndexes(composition.models);
    out(
      db.kind === 'external'
        ? `数据库：${redactUri(db.uri)}`
        : `数据库：内置 ${db.kind === 'embedded-ferretdb' ? 'FerretDB' : 'MongoDB'}，数据保存在 ${db.dataDir}`,
    );
    const result = await importRoster(
      checked.entries.map((e) => e.input),
      { dryRun, columns: checked.columns, extra: checked.extra, rows: checked.entries.map((e) => e.row) },
    );
    out(summary(path.basename(file), checked.entries.length, result));
    return 0;
  } catch (e) {
    if (e instanceof RosterRejectedError) {
      err(`花名册有 ${e.issues.length} 处问题，没有导入任何人员。请改正后重新导入：`);
      for (const issue of e.issues) err(issue.message);
      return 1;
    }
    log.error({ err: e }, 'roster import failed');
    err(`导入失败（数据库错误）。可以直接重新运行，已导入的人员不会重复。${(e as Error).message}`);
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
    options: { 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
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

const code = await run(process.argv.slice(2)).catch((e: unknown) => {
  err(`导入失败：${(e as Error).stack ?? String(e)}`);
  return 3;
});
process.exitCode = code;
// The database is closed above; if some handle still keeps the process alive, do not hang the terminal.
setTimeout(() => process.exit(code), 5000).unref();
