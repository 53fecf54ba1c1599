import { DateTime } from 'luxon';
import { z } from 'zod';
import { parseRecordNumber } from '../../src/core/numbering.ts';
import { allowed, denied, type Verdict } from '../../src/core/roles.ts';
import { echo } from '../../src/core/text.ts';
import type { Role } from '../../src/core/types.ts';

/*
 * The rulebook's §4 forms as pure functions: §4.1 驻点装备物资配置清单 (each post's configured
 * equipment) and §4.2 物资管理月报 (the monthly report, compared with that list). No I/O here: the
 * handlers and jobs read the records, ask these, then write. Messages are Chinese and name the clause.
 * Reading the monthly report and comparing it with the list: report-rules.ts.
 */

export const CLAUSE = { list: '§4.1', report: '§4.2' } as const;

export const MAX_QUANTITY = 9999;

/** One configured item of a post (§4.1). */
export interface ConfiguredItem {
  item: string;
  quantity: number;
  unit: string;
}

// ── §4.1 the configured list ────────────────────────────────────────────────────────────────

/** An item's name, as the list, the report and requests all take it. */
export const itemName = z
  .string()
  .trim()
  .min(1, '物品名称不能为空')
  .max(20, '物品名称请控制在 20 字以内')
  .refine((s) => !/^\d+$/.test(s), '物品名称不能只是数字')
  .refine((s) => !/\s/.test(s), '物品名称中间不要有空格');

const quantity = z
  .string()
  .trim()
  .regex(/^\d+$/, '数量请写 0 或正整数')
  .transform(Number)
  .refine((n) => n <= MAX_QUANTITY, `数量不能超过 ${MAX_QUANTITY}`);

/** One row of an imported list (CSV/XLSX or pasted), validated like a chat edit. */
export const supplyRowSchema = z.object({
  post: z.string({ error: '驻点没有填写' }).trim().min(1, '驻点没有填写').max(30, '驻点名称请控制在 30 字以内'),
  item: z.string({ error: '物品没有填写' }).pipe(itemName),
  quantity: z.string({ error: '数量没有填写' }).pipe(quantity),
  unit: z.string().trim().max(4, '单位请写 台、套、个 这样的一两个字').optional().default(''),
});
export type SupplyRow = z.infer<typeof supplyRowSchema>;

/**
 * `对讲机 6台、手电筒 8；警棍 6` → items and quantities (0 takes an item off the list). Every part
 * must parse, or nothing is returned but the problems.
 */
export function parseConfigPairs(
  text: string,
): { ok: true; pairs: Omit<ConfiguredItem, never>[] } | { ok: false; errors: string[] } {
  const parts = text
    .split(/[、,;；\n]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (!parts.length) return { ok: false, errors: ['请写物品和数量，例如：对讲机 6台、手电筒 8'] };
  const pairs: ConfiguredItem[] = [];
  const errors: string[] = [];
  for (const part of parts) {
    const m = /^(\S+?)\s*[:=]?\s*(\d+)\s*([^\d\s]{1,4})?$/.exec(part);
    if (!m) {
      errors.push(`「${echo(part)}」看不懂，请写成「物品 数量」，如「对讲机 6台」`);
      continue;
    }
    const parsed = supplyRowSchema.safeParse({ post: '-', item: m[1], quantity: m[2], unit: m[3] ?? '' });
    if (!parsed.success) errors.push(`「${echo(part)}」：${parsed.error.issues.map((i) => i.message).join('；')}`);
    else if (pairs.some((p) => p.item === parsed.data.item)) errors.push(`「${echo(parsed.data.item)}」写了两次`);
    else pairs.push({ item: parsed.data.item, quantity: parsed.data.quantity, unit: parsed.data.unit });
  }
  return errors.length ? { ok: false, errors } : { ok: true, pairs };
}

export interface ImportIssue {
  row?: number;
  message: string;
}

/**
 * §4.1 import, all or nothing: every row is checked (post known, item, whole quantity) and the same
 * post + item twice is an error naming both rows. Returns the entries, or every problem by row.
 */
export function validateSupplyRows(
  rows: readonly { row: number; values: Record<string, string | undefined> }[],
  knownPosts: ReadonlySet<string>,
): { ok: true; entries: (SupplyRow & { row: number })[] } | { ok: false; errors: ImportIssue[] } {
  if (!rows.length)
    return { ok: false, errors: [{ message: '配置清单里没有物品：第 1 行是表头，从第 2 行开始每行一种物品。' }] };
  const entries: (SupplyRow & { row: number })[] = [];
  const errors: ImportIssue[] = [];
  const firstRow = new Map<string, number>();
  for (const { row, values } of rows) {
    const problems: string[] = [];
    const parsed = supplyRowSchema.safeParse(values);
    if (!parsed.success) problems.push(...parsed.error.issues.map((i) => i.message));
    const post = values.post?.trim();
    if (post && !knownPosts.has(post)) problems.push(`驻点「${echo(post)}」不存在（驻点名称要与「驻点列表」一致）`);
    if (parsed.success) {
      const key = `${parsed.data.post}\u0000${parsed.data.item}`;
      const first = firstRow.get(key);
      if (first !== undefined)
        problems.push(`${parsed.data.post} 的「${echo(parsed.data.item)}」与第 ${first} 行重复，每种物品只写一行`);
      else firstRow.set(key, row);
      if (!problems.length) entries.push({ ...parsed.data, row });
    }
    if (problems.length) errors.push({ row, message: `第 ${row} 行：${problems.join('；')}` });
  }
  return errors.length ? { ok: false, errors } : { ok: true, entries };
}

/** One change to a post's list: `from`/`to` null means the item was not / is no longer listed. */
export interface ListChange {
  item: string;
  from: number | null;
  to: number | null;
  unit: string;
}

/**
 * What turns `current` into `next`. With `replace`, `next` is the post's whole list (an import):
 * items missing from it are taken off. A quantity of 0 takes an item off the list.
 */
export function planListChanges(
  current: readonly ConfiguredItem[],
  next: readonly ConfiguredItem[],
  replace: boolean,
): ListChange[] {
  const now = new Map(current.map((c) => [c.item, c]));
  const changes: ListChange[] = [];
  for (const n of next) {
    const before = now.get(n.item);
    const to = n.quantity > 0 ? n.quantity : null;
    const unit = n.unit || before?.unit || '';
    if ((before?.quantity ?? null) === to && (to === null || unit === before?.unit)) continue;
    changes.push({ item: n.item, from: before?.quantity ?? null, to, unit });
  }
  if (replace) {
    const named = new Set(next.map((n) => n.item));
    for (const c of current)
      if (!named.has(c.item)) changes.push({ item: c.item, from: c.quantity, to: null, unit: c.unit });
  }
  return changes;
}

export function changeText(c: Pick<ListChange, 'item' | 'from' | 'to' | 'unit'>): string {
  if (c.from === null) return `${c.item}：新增 ${c.to}${c.unit}`;
  if (c.to === null) return `${c.item}：${c.from}${c.unit} → 移出清单`;
  return `${c.item}：${c.from} → ${c.to}${c.unit}`;
}

// ── §4.2 the monthly calendar ───────────────────────────────────────────────────────────────

/**
 * The month a report filed now is for: this month from the reminder day on; before it, last month
 * (a late report for the month just ended).
 */
export function reportMonthFor(now: Date, tz: string, reportDay: number): string {
  const d = DateTime.fromJSDate(now, { zone: tz });
  return (d.day >= reportDay ? d : d.minus({ months: 1 })).toFormat('yyyy-LL');
}

/** Whether the once-a-month moment (`day` at `time`, in `tz`) of this month has come. */
export function monthlyMomentReached(now: Date, tz: string, day: number, time: string): boolean {
  const d = DateTime.fromJSDate(now, { zone: tz });
  const [h, m] = time.split(':').map(Number) as [number, number];
  return d >= d.set({ day, hour: h, minute: m, second: 0, millisecond: 0 });
}

/** §4.2: posts expected to report (they have a configured list) that have not, in name order. */
export function postsWithoutReport(expected: Iterable<string>, reported: Iterable<string>): string[] {
  const done = new Set(reported);
  return [...new Set(expected)].filter((p) => !done.has(p)).sort((a, b) => a.localeCompare(b, 'zh-CN'));
}

// ── §4.2 requests ───────────────────────────────────────────────────────────────────────────

export type RequestStatus = 'pending' | 'approved' | 'refused';
export const REQUEST_STATUS_LABELS: Record<RequestStatus, string> = {
  pending: '待审批',
  approved: '已批准',
  refused: '已拒绝',
};

/** 综合部 decides a pending request, never their own. */
export function mayDecideRequest(
  request: { status: RequestStatus; requesterId: string },
  actor: { staffId?: string; roles: ReadonlySet<Role> },
): Verdict {
  if (!actor.roles.has('general_affairs')) return denied('物资申领由综合部审批，你没有权限。');
  if (request.status !== 'pending') return denied(`这项申领${REQUEST_STATUS_LABELS[request.status]}，无需重复操作。`);
  if (actor.staffId && actor.staffId === request.requesterId)
    return denied('不能审批自己提出的申领，请由综合部其他人员处理。');
  return allowed;
}

export function refusalReasonProblem(reason: string | undefined): string | undefined {
  const r = (reason ?? '').trim();
  if (!r) return '拒绝申领必须写明原因，队长据此安排。';
  if (r.length > 100) return '原因请控制在 100 字以内。';
  return undefined;
}

/** The WZ-20261127-001 in a message (src/core/numbering.ts). */
export function parseRequestNo(text: string): string | undefined {
  return parseRecordNumber('WZ', text)?.number;
}
