import 'dotenv/config';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { type FileImport, type ImportCheck, type ImportIssue, ImportRefused } from '../core/imports.ts';
import { tableFormatOf } from '../core/table-file.ts';
import { connectDatabase, type Database } from '../db/connect.ts';
import { createLogger, redactUri } from '../logger.ts';
import { ensureIndexes } from '../models/index.ts';
import { rosterImport } from '../roster/file-import.ts';
import { composition } from '../workflows.ts';

/**
 * `npm run import -- <kind> <file.csv|.xlsx> [--dry-run] [--by 姓名]`: one command for every table
 * import, the staff roster's and those the installed workflows declare (Workflow.imports). The
 * older `npm run import-roster`, `import-clients` and `import-supplies` are this with the kind fixed.
 * Exit codes: 0 imported (or dry run passed), 1 the file is invalid and nothing was imported,
 * 2 usage or configuration error, 3 the database failed (connection, write).
 */
export const IMPORTS: readonly FileImport[] = [rosterImport(composition.rosterColumns), ...composition.imports];

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

function kindsList(): string {
  const width = Math.max(...IMPORTS.map((i) => i.kind.length));
  return [
    '用法：npm run import -- <种类> <文件.csv 或 .xlsx> [--dry-run]',
    '可以导入：',
    ...IMPORTS.map((i) => `  ${i.kind.padEnd(width)}  ${i.describe}`),
    '某一种的说明：npm run import -- <种类> --help',
  ].join('\n');
}

/**
 * Runs one import. `fixed`: the kind, when the command names it (the older script names); then
 * `command` is how the usage calls it. Otherwise the kind is the first argument.
 */
export async function runImport(argv: string[], fixed?: { kind: string; command: string }): Promise<number> {
  let kind = fixed?.kind;
  let rest = argv;
  if (!kind) {
    if (!argv[0] || argv[0].startsWith('-')) {
      const asked = argv[0] === '--help' || argv[0] === '-h';
      (asked ? out : err)(asked ? kindsList() : `请指定要导入的种类。\n${kindsList()}`);
      return asked ? 0 : 2;
    }
    [kind, ...rest] = argv;
  }
  const command = IMPORTS.find((i) => i.kind === kind);
  if (!command) {
    err(`不认识的种类「${kind}」。\n${kindsList()}`);
    return 2;
  }
  return runOne(command, rest, fixed?.command ?? `npm run import -- ${command.kind}`);
}

async function runOne(command: FileImport, argv: string[], invoked: string): Promise<number> {
  const usageText = `用法：${invoked} ${command.usage}`;
  const usage = (problem: string) => (err(problem), err(usageText), 2);
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    return usage(`参数有误：${(e as Error).message}`);
  }
  if (args.values.by !== undefined && !command.takesBy) return usage('参数有误：这种导入没有 --by。');
  if (args.values.help) {
    out(usageText);
    return 0;
  }
  if (args.positionals.length !== 1) return usage(args.positionals.length ? '一次只能导入一个文件。' : command.noFile);
  const file = path.resolve(args.positionals[0]!);
  if (!tableFormatOf(file)) {
    const hint = path.extname(file).toLowerCase() === '.xls' ? '旧版 .xls 请在 Excel 里另存为 .xlsx。' : '';
    return usage(`只支持 .csv 和 .xlsx 文件：${path.basename(file)}。${hint}`);
  }
  if (!existsSync(file) || !statSync(file).isFile()) return usage(`找不到文件：${file}`);

  let config: Config;
  try {
    config = loadConfig(process.env, composition.settings);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err(e.message);
    err('Fix the variables above in .env or the environment, then run again. See docs/configuration.md.');
    return 2;
  }

  // a check that needs no names from the database runs first: a bad file never waits for it
  let checked: ImportCheck | undefined;
  if (!command.checkReadsDatabase) {
    checked = await command.check(file);
    if (!passes(command, checked)) return 1;
  }
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
    if (!checked) {
      checked = await command.check(file);
      if (!passes(command, checked)) return 1;
    }
    if (!checked.ok) return 1;
    out(
      await command.apply(checked, {
        file,
        dryRun: args.values['dry-run'] ?? false,
        by: args.values.by?.trim() || '命令行导入',
      }),
    );
    return 0;
  } catch (e) {
    if (e instanceof ImportRefused) {
      err(e.heading);
      for (const issue of e.issues) err(issue.message);
      return 1;
    }
    log.error({ err: e }, `${command.kind} import failed`);
    err(`导入失败（数据库错误）。${command.rerun}${(e as Error).message}`);
    return 3;
  } finally {
    await db?.close().catch((e: unknown) => log.warn({ err: e }, 'closing the database failed'));
  }
}

/** Notes the columns it did not know; true when every row passed, else says why nothing is imported. */
function passes(command: FileImport, checked: ImportCheck): boolean {
  if (checked.ignoredHeaders.length) out(`提示：以下列不认识，已忽略：${checked.ignoredHeaders.join('、')}`);
  if (checked.ok) return true;
  const errors: readonly ImportIssue[] = checked.errors;
  err(command.refused(errors.filter((e) => e.row !== undefined).length));
  for (const e of errors) err(e.message);
  return false;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { 'dry-run': { type: 'boolean' }, by: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
}

/** The process around runImport: exit code, and no hang on a handle left open. */
export function runImportCli(argv: string[], fixed?: { kind: string; command: string }): void {
  void runImport(argv, fixed)
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
