import type { Guarded, Services, StaffContext } from './context.ts';
import { type Extension, extensionPoint } from './extensions.ts';
import type { Chart } from './types.ts';

// a Card carries charts too (types.ts), so the chart's shape lives there; reports name it from here
export type { Chart };

/*
 * What a workflow contributes to what managers and auditors read: `导出` (a list as a spreadsheet),
 * `周报` (the weekly summary), `月报 客户` (a client's month) and `查找` (everything about a person,
 * client, plate or number). Each workflow declares its part in `Workflow.reporting`; the report
 * commands (handlers/reports/) read the composed parts with `services.extensions.of(REPORTING.exports)`
 * (compose() adds them to the extension points below) and never import a workflow, so the report
 * code cannot reach into a workflow's records except through what it offers.
 */

export interface Reporting {
  /** The lists it lets people export, each with the list's own filters and permissions. */
  exports?: readonly ExportDefinition[];
  /** Its section of 周报. */
  weekly?: WeeklySection;
  /** Its section of 月报 客户 <名称>. */
  clientMonth?: ClientMonthSection;
  /** The client a 月报 客户 is about, found by the name typed (the clients' directory offers it). */
  clients?: ClientFinder;
  /** What 查找 finds in it. */
  search?: SearchSource;
}

/** Where compose() puts every workflow's parts, in the composition's order. */
export const REPORTING = {
  exports: extensionPoint<ExportDefinition>('core', 'reporting.exports'),
  weekly: extensionPoint<WeeklySection>('core', 'reporting.weekly'),
  clientMonth: extensionPoint<ClientMonthSection>('core', 'reporting.clientMonth'),
  clients: extensionPoint<ClientFinder>('core', 'reporting.clients'),
  search: extensionPoint<SearchSource>('core', 'reporting.search'),
};

export function reportingExtensions(part: Reporting | undefined): Extension[] {
  if (!part) return [];
  return [
    ...(part.exports ?? []).map((e) => REPORTING.exports.with(e)),
    ...(part.weekly ? [REPORTING.weekly.with(part.weekly)] : []),
    ...(part.clientMonth ? [REPORTING.clientMonth.with(part.clientMonth)] : []),
    ...(part.clients ? [REPORTING.clients.with(part.clients)] : []),
    ...(part.search ? [REPORTING.search.with(part.search)] : []),
  ];
}

// ---- 导出 ----

/** How a cell is typed in the spreadsheet: money is a number formatted ¥, dates are dates. */
export type ExportColumnType = 'text' | 'money' | 'number' | 'date' | 'datetime';

export interface ExportColumn {
  /** Chinese header. */
  header: string;
  type: ExportColumnType;
  width?: number;
}

/**
 * One sheet. `rows` gives each row's cells in column order (money in fen, dates as Date, null for
 * empty); it reads the database page by page, so a year of records is never held in memory at once.
 * Cells the asker may not see in full arrive already masked.
 */
export interface ExportSheet {
  name: string;
  columns: readonly ExportColumn[];
  rows: AsyncIterable<readonly unknown[]>;
}

/**
 * A list that 导出 can write: `导出 投诉列表 本月` reads the same words as `投诉列表 本月`, and is
 * allowed to the same people (`allow`; its handler is what 导出 runs after the role check).
 */
export type ExportDefinition = {
  /** The list's command words as typed after 导出, Chinese first (投诉列表). */
  words: readonly string[];
  /** File name stem and workbook title (投诉列表). */
  title: string;
  /** The list's filters read; a Chinese refusal (with an example) when they are wrong. */
  sheets(ctx: StaffContext, args: string): Promise<readonly ExportSheet[] | { error: string }>;
} & Pick<Guarded, 'allow'>;

// ---- 周报 and 月报 ----

export interface Period {
  from: Date;
  /** Exclusive. */
  to: Date;
  /** As shown: 2026-11-30 至 2026-12-06, 2026年11月. */
  label: string;
}

export interface ReportPart {
  title: string;
  /** A few short lines that say what the figures mean (named overdue cases, repeat absences…). */
  lines: readonly string[];
  charts?: readonly Chart[];
}

export interface WeeklySection {
  title: string;
  build(services: Services, week: Period): Promise<ReportPart>;
}

/** The client a 月报 is about, as the clients' directory knows it. */
export interface ReportClient {
  id: string;
  name: string;
}

/**
 * The client named by `query` (exact name, else the only match), or a Chinese answer saying why
 * not (none, several: name them). `example` is the command to show when the name is missing.
 */
export type ClientFinder = (query: string, example: string) => Promise<ReportClient | { error: string }>;

export interface ClientMonthSection {
  title: string;
  build(services: Services, client: ReportClient, month: Period): Promise<ReportPart>;
}

// ---- 查找 ----

export interface SearchHit {
  at: Date;
  /** 投诉, 报销, 缺勤, 出车… */
  kind: string;
  /** One short line, masked as the asker may see it. */
  line: string;
  /** The command that shows the record in full (投诉 TS-20261127-003). */
  open?: string;
  /**
   * What the words name rather than something that happened (the staff record, the client record):
   * shown above the dated hits on the first page only, outside the paging.
   */
  pinned?: boolean;
}

/** A staff member the words name, by name or mobile; several when two people share the name. */
export interface SearchPerson {
  staffId: string;
  name: string;
}

/**
 * What 查找 read from the words. The person is resolved once, by 查找 itself, so every source
 * answers for the same people and same-name staff are said once (not one lookup per source).
 */
export interface SearchQuery {
  /** The words after 查找 (folded, the paging words left out). */
  words: readonly string[];
  /** The words as one text: a client's or post's name, a plate, a record number. */
  text: string;
  /** The staff the words name; empty when they name no one. */
  people: readonly SearchPerson[];
}

/**
 * What 查找 finds in one workflow: only what the asker may see (a guard finds their own records),
 * most recent first, at most `limit`, through indexed queries. `before` pages: hits older than it.
 */
export interface SearchSource {
  kind: string;
  find(ctx: StaffContext, query: SearchQuery, limit: number, before?: Date): Promise<readonly SearchHit[]>;
}

/** Records read a page at a time for an export: how many one query brings. */
export const EXPORT_PAGE = 500;

/**
 * The rows of `source` (a cursor read in batches of EXPORT_PAGE), made a page at a time: `page` turns
 * up to `size` records into rows, so what they refer to (names, approvers) is one query per page.
 */
export async function* inPages<T, R>(
  source: AsyncIterable<T>,
  page: (items: T[]) => Promise<readonly R[]> | readonly R[],
  size = EXPORT_PAGE,
): AsyncIterable<R> {
  let items: T[] = [];
  for await (const item of source) {
    items.push(item);
    if (items.length >= size) {
      yield* await page(items);
      items = [];
    }
  }
  if (items.length) yield* await page(items);
}
