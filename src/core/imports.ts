/**
 * A table file a workflow imports from the command line: `npm run import -- <kind> <file.csv|.xlsx>
 * [--dry-run] [--by 姓名]` (src/cli/table-import.ts). The workflow says what the file is, how its
 * rows are checked and how they are written; the command opens the database, reports every bad
 * row and writes only a file without a single problem.
 */

export interface ImportIssue {
  /** The file's row number; none for a problem with the whole file (a missing column). */
  row?: number;
  message: string;
}

export type ImportCheck =
  | { ok: true; ignoredHeaders: string[] }
  | { ok: false; ignoredHeaders: string[]; errors: readonly ImportIssue[] };

export interface FileImport<C extends ImportCheck = ImportCheck> {
  /** What follows `npm run import --`, e.g. `clients`. */
  kind: string;
  /** One line in the list of kinds, e.g. 客户名单（I.2.8）. */
  describe: string;
  /**
   * The usage after the command: the file, the options and the header, e.g.
   * `<客户名单.csv 或 .xlsx> [--dry-run] [--by 姓名]` and the lines that explain them.
   */
  usage: string;
  /** Takes `--by 姓名`, the name its change records give the importer (default 命令行导入). */
  takesBy?: boolean;
  /** Said when no file is named, e.g. 请指定要导入的客户名单文件。 */
  noFile: string;
  /** After 导入失败（数据库错误）。: what happens when it is run again. */
  rerun: string;
  /**
   * The check looks names up in the database, so it runs once the database is open; otherwise it
   * runs first, and a bad file never waits for the database.
   */
  checkReadsDatabase: boolean;
  /** Reads and checks the file; writes nothing. */
  check(file: string): Promise<C>;
  /** The first line of a refusal, given how many rows were bad (0: a problem with the whole file). */
  refused(badRows: number): string;
  /** Writes (or, with dryRun, only counts) and returns the line to print; ImportRefused refuses it still. */
  apply(checked: Extract<C, { ok: true }>, opts: { file: string; dryRun: boolean; by: string }): Promise<string>;
}

/** Problems found only while writing (e.g. against other records); nothing was written. */
export class ImportRefused extends Error {
  constructor(
    readonly heading: string,
    readonly issues: readonly ImportIssue[],
  ) {
    super(issues.map((i) => i.message).join('\n'));
    this.name = 'ImportRefused';
  }
}
