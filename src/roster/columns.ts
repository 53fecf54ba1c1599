import type { Trail } from '../core/audit-trail.ts';
import type { TableIssue } from '../core/table-file.ts';
import type { StaffInput } from './staff-input.ts';

/*
 * Roster columns that belong to a workflow (宿舍队长 belongs to the dorms): the workflow declares
 * them (`Workflow.rosterColumns`), the composition lists them, and the CLI hands them to the roster
 * import, which never imports handlers/. The import keeps its all-or-nothing rule for them: every
 * cell is read with `parse` while the file is validated, `check` runs against the database before
 * the first write, and `apply` runs only after every person is written.
 */

export type ColumnValue<T> = { ok: true; value: T } | { ok: false; error: string };

/** One data row as a workflow's column sees it: its row number, the person as validated, and the cell as parsed. */
export interface RosterColumnRow<T> {
  row: number;
  input: StaffInput;
  value: T;
}

export interface RosterColumn<T> {
  /** Field key, unique among the roster's fields (e.g. `dormLeader`). */
  key: string;
  /** The header word, as messages and docs/operations.md name the column (e.g. 宿舍队长). */
  header: string;
  /** Other header words people put in rosters, compared after normalizeHeader. */
  aliases?: readonly string[];
  /**
   * Reads one cell ('' when blank) against its own row, without I/O. The error is Chinese and
   * says what to write instead; the import adds the row number.
   */
  parse(cell: string, input: StaffInput): ColumnValue<T>;
  /** Rules against the database or across rows, before anything is written: complete Chinese lines (第 N 行：…). */
  check?(rows: readonly RosterColumnRow<T>[]): Promise<TableIssue[]>;
  /**
   * Writes the column once every person is written; `staffId` is missing only for a new person in
   * a dry run, which writes nothing. Must be idempotent (a re-run after a failure converges).
   * Returns lines for the import's summary (Chinese). Changes go to the audit trail through `trail`.
   */
  apply(
    rows: readonly (RosterColumnRow<T> & { staffId?: string })[],
    opts: { dryRun: boolean; trail: Trail },
  ): Promise<string[]>;
}

/** A column of any value type, as lists of them hold it (each column reads only its own values). */
export type AnyRosterColumn = RosterColumn<any>;

/** One workflow column present in a file, with every row's parsed cell. */
export interface ColumnData {
  column: AnyRosterColumn;
  rows: RosterColumnRow<unknown>[];
}

/** The file's rows fail a workflow column's database check: nothing was written. */
export class RosterRejectedError extends Error {
  constructor(readonly issues: TableIssue[]) {
    super(issues.map((i) => i.message).join('\n'));
    this.name = 'RosterRejectedError';
  }
}

/** Runs every column's check; throws RosterRejectedError with all problems, before any write. */
export async function checkColumns(data: readonly ColumnData[]): Promise<void> {
  const issues: TableIssue[] = [];
  for (const d of data) issues.push(...((await d.column.check?.(d.rows)) ?? []));
  if (issues.length) throw new RosterRejectedError(issues.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)));
}

/** Applies every column once the people are written; `staffIds` by phone. */
export async function applyColumns(
  data: readonly ColumnData[],
  staffIds: ReadonlyMap<string, string>,
  dryRun: boolean,
  trail: Trail,
): Promise<string[]> {
  const lines: string[] = [];
  for (const d of data) {
    lines.push(
      ...(await d.column.apply(
        d.rows.map((r) => ({ ...r, staffId: staffIds.get(r.input.phone) })),
        { dryRun, trail },
      )),
    );
  }
  return lines;
}
