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

/**
 * One table import from the command line (`<file.csv|.xlsx> [--dry-run] [--by 姓名]`) whose rows are
 * checked with the database open (names are looked up). The import-clients and import-supplies
 * commands are this with their own words. Exit codes as import-roster: 0 imported (or dry run
 * passed), 1 the file is invalid and nothing was imported, 2 usage or configuration error, 3 the
 * database failed.
 */
type Issue = { row?: number; message: string };
export type CheckResult = { ok: true; ignoredHeaders: string[] } | { ok: false; ignoredHeaders: string[]; errors: readonly Issue[] };

export interface TableImportCommand<C extends CheckResult> {
  usage: string;
  /** Said when no file is named, e.g. 请指定要导入的客户名单文件。 */
  noFile: string;
  /** What the log calls a failure, e.g. `client import failed`. */
  logName: string;
  /** After 导入失败（数据库错误）。: what happens when it is run again. */
  rerun: string;
  check(file: string): Promise<C>;
  /** The first line of a refusal, given how many rows were bad (0: a file-wide problem). */
  refused(badRows: number): string;
  /** Writes (or, with dryRun, only counts) and returns the line to print. */
  apply(checked: Extract<C, { ok: true }>, opts: { file: string; dryRun: boolean; by: string }): Promise<string>;
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

export function runTableImport<C extends CheckResult>(command: TableImportCommand<C>): void {
  const run = async (argv: string[]): Promise<number> => {
    const usage = (problem: string) => (err(problem), err(command.usage), 2);
    let args: ReturnType<typeof parse>;
    try {
      args = parse(argv);
    } catch (e) {
      return usage(`参数有误：${(e as Error).message}`);
    }
    if (args.values.help) {
      out(command.usage);
      return 0;
    }
    if (args.positionals.length !== 1) return usage(args.positionals.length ? '一次只能导入一个文件。' : command.noFile);
    const file = path.resolve(args.positionals[0]!);
    if (!tableFormatOf(file)) return usage(`只支持 .csv 和 .xlsx 文件：${path.basename(file)}。`);
    if (!existsSync(file) || !statSync(file).isFile()) return usage(`找不到文件：${file}`);

    let config: Config;
    try {
      config = loadConfig(process.env, composition.settings);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      err(e.message);
      err('Fix the variables above in .env or the environment, then run again. See README.md → Configuration.');
      return 2;
    }
    const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 2);
    let db: Database | undefined;
    try {
      db = await connectDatabase(config, log, (m) => err(m));
      await ensureIndexes(composition.models);
      out(db.kind === 'external' ? `数据库：${redactUri(db.uri)}` : `数据库：内置 ${db.kind === 'embedded-ferretdb' ? 'FerretDB' : 'MongoDB'}，数据保存在 ${db.dataDir}`);
      const checked = await command.check(file);
      if (checked.ignoredHeaders.length) out(`提示：以下列不认识，已忽略：${checked.ignoredHeaders.join('、')}`);
      if (!isOk(checked)) {
        const errors: readonly Issue[] = 'errors' in checked ? checked.errors : [];
        err(command.refused(errors.filter((e) => e.row !== undefined).length));
        for (const e of errors) err(e.message);
        return 1;
      }
      out(await command.apply(checked, { file, dryRun: args.values['dry-run'] ?? false, by: args.values.by?.trim() || '命令行导入' }));
      return 0;
    } catch (e) {
      log.error({ err: e }, command.logName);
      err(`导入失败（数据库错误）。${command.rerun}${(e as Error).message}`);
      return 3;
    } finally {
      await db?.close().catch((e: unknown) => log.warn({ err: e }, 'closing the database failed'));
    }
  };
  void run(process.argv.slice(2))
    .catch((e: unknown) => {
      err(`导入失败：${(e as Error).stack ?? String(e)}`);
      return 3;
    })
    .then((code) => {
      process.exitCode = code;
      // the database is closed above; if some handle still keeps the process alive, do not hang the terminal
      setTimeout(() => process.exit(code), 5000).unref();
    });
}

function isOk<C extends CheckResult>(c: C): c is Extract<C, { ok: true }> {
  return c.ok;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { 'dry-run': { type: 'boolean' }, by: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
}
