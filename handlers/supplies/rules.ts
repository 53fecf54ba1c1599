import { DateTime } from 'luxon';
import { z } from 'zod';
import { parseRecordNumber } from '../../src/core/numbering.ts';
import { allowed, denied, type Verdict } from '../../src/core/roles.ts';
import { echo, isNoneWord } from '../../src/core/text.ts';
import type { Role } from '../../src/core/types.ts';

/*
 * The rulebook's §4 forms as pure functions: §4.1 驻点装备物资配置清单 (each post's configured
 * equipment) and §4.2 物资管理月报 (the monthly report, compared with that list). No I/O here: the
 * handlers and jobs read the records, ask these, then write. Messages are Chinese and name the clause.
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

const itemName = z
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

// ── §4.2 the monthly report ─────────────────────────────────────────────────────────────────

/** What a post has of one item this month. */
export interface ReportLine {
  item: string;
  stock: number;
  consumed: number;
  damaged: number;
  lost: number;
  note: string;
}

export interface SupplyRequestInput {
  item: string;
  quantity: number;
  reason: string;
}

const COUNT_WORDS: Record<string, keyof Omit<ReportLine, 'item' | 'note'>> = {
  库存: 'stock',
  现有: 'stock',
  实有: 'stock',
  在用: 'stock',
  数量: 'stock',
  消耗: 'consumed',
  耗用: 'consumed',
  用掉: 'consumed',
  损坏: 'damaged',
  损毁: 'damaged',
  坏: 'damaged',
  丢失: 'lost',
  遗失: 'lost',
  丢: 'lost',
};
const POSITIONAL = ['stock', 'consumed', 'damaged', 'lost'] as const;
const COUNT_WORD_ALTERNATIVES = Object.keys(COUNT_WORDS)
  .sort((a, b) => b.length - a.length)
  .join('|');
const COUNT_RE = new RegExp(`^(${COUNT_WORD_ALTERNATIVES})?[:=]?(\\d+|_|\\?)?([^\\d\\s]{0,2})$`);
/** A count written with a minus sign (ASCII, full-width or typographic): refused, never read as the remark. */
const NEGATIVE_COUNT_RE = new RegExp(`^(${COUNT_WORD_ALTERNATIVES})?[:=]?[-－−﹣]\\d+([^\\d\\s]{0,2})$`);
const REQUEST_RE = /^(申领|申请|请领)[:\s]*/;

/** How a line of the report is written, shown with every error. */
export const REPORT_LINE_HINT =
  '每种物品一行：物品 库存N 消耗N 损坏N 丢失N（或按这个顺序只写数字，如「对讲机 5 0 1 0」）；申领写「申领 对讲机 2 原因」';

/** `对讲机 库存5 消耗0 损坏1 丢失0 有一台摔坏` → one line; undefined fields stay 0, stock is required. */
export function parseReportLine(text: string): { ok: true; line: ReportLine } | { ok: false; error: string } {
  const tokens = text
    .replace(/[,;；]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  const item = (tokens.shift() ?? '').replace(/[:]$/, '');
  const named = itemName.safeParse(item);
  if (!named.success) return { ok: false, error: `「${echo(text)}」：${named.error.issues[0]!.message}` };
  const counts: Partial<Record<(typeof POSITIONAL)[number], number>> = {};
  const note: string[] = [];
  let pendingWord: (typeof POSITIONAL)[number] | undefined;
  for (const token of tokens) {
    const negative = note.length ? null : NEGATIVE_COUNT_RE.exec(token);
    if (negative) {
      // otherwise `8 0 -1 0` files as 损坏 0 with the remark「-1 0」, and the report reads 与配置一致
      const field = negative[1]
        ? COUNT_WORDS[negative[1]]!
        : (pendingWord ?? POSITIONAL.find((f) => counts[f] === undefined));
      return { ok: false, error: `${item}：${field ? FIELD_LABELS[field] : '数量'}不能是负数（${token}），没有就写 0` };
    }
    const m = note.length ? null : COUNT_RE.exec(token);
    if (!m || (!m[1] && !m[2])) {
      note.push(token);
      continue;
    }
    const field = m[1] ? COUNT_WORDS[m[1]]! : (pendingWord ?? POSITIONAL.find((f) => counts[f] === undefined));
    pendingWord = undefined;
    if (!field) return { ok: false, error: `${item}：数字太多，${REPORT_LINE_HINT}` };
    if (m[2] === undefined) {
      pendingWord = field; // 「库存 5」: the number is the next token
      continue;
    }
    if (m[2] === '_' || m[2] === '?') return { ok: false, error: `${item}：${FIELD_LABELS[field]}还没有填写数字` };
    const n = Number(m[2]);
    if (n > MAX_QUANTITY) return { ok: false, error: `${item}：${FIELD_LABELS[field]} ${n} 太大，请核对` };
    if (counts[field] !== undefined) return { ok: false, error: `${item}：${FIELD_LABELS[field]}写了两次` };
    counts[field] = n;
  }
  if (counts.stock === undefined) return { ok: false, error: `${item}：请写现有库存数量，例如「${item} 库存5」` };
  return {
    ok: true,
    line: {
      item,
      stock: counts.stock,
      consumed: counts.consumed ?? 0,
      damaged: counts.damaged ?? 0,
      lost: counts.lost ?? 0,
      note: note.join(' '),
    },
  };
}

const FIELD_LABELS: Record<(typeof POSITIONAL)[number], string> = {
  stock: '库存',
  consumed: '消耗',
  damaged: '损坏',
  lost: '丢失',
};

/** `申领 对讲机 2台 原有一台摔坏` → a request; `申领 无` → nothing. */
export function parseRequestLine(
  text: string,
): { ok: true; request?: SupplyRequestInput } | { ok: false; error: string } {
  const body = text.replace(REQUEST_RE, '').trim();
  if (!body || isNoneWord(body) || /^(不需要|暂无)$/.test(body)) return { ok: true };
  const m = /^(\S+?)\s*[:=]?\s*(\d+)\s*([^\d\s]{0,2})(?:\s+(.*))?$/.exec(body);
  if (!m)
    return {
      ok: false,
      error: `「${echo(text)}」看不懂，申领请写成「申领 物品 数量 原因」，如「申领 对讲机 2 原有一台摔坏」`,
    };
  const named = itemName.safeParse(m[1]);
  if (!named.success) return { ok: false, error: `「${echo(text)}」：${named.error.issues[0]!.message}` };
  const n = Number(m[2]);
  if (n < 1 || n > MAX_QUANTITY)
    return { ok: false, error: `申领「${echo(m[1] ?? '')}」的数量要在 1 到 ${MAX_QUANTITY} 之间` };
  return { ok: true, request: { item: named.data, quantity: n, reason: (m[4] ?? '').trim().slice(0, 100) } };
}

export interface ParsedReport {
  lines: ReportLine[];
  requests: SupplyRequestInput[];
}

/**
 * A report's lines as typed, with `；` (or `;`) also ending a line where what follows starts one: a
 * configured item, 申领, 备注, or a name with a count word (雨衣 库存3). The console sends one line
 * a message, so `对讲机 库存5；手电筒 库存8；申领 无` is the whole report; a `；` inside a remark
 * (一台摔坏；另一台进水) stays.
 */
export function reportLines(text: string, configured: readonly ConfiguredItem[]): string[] {
  const startsLine = (segment: string) =>
    REQUEST_RE.test(segment) ||
    /^备注\s*[:：]/.test(segment) ||
    configured.some((c) => segment.startsWith(c.item)) ||
    COUNTED_ITEM_RE.test(segment);
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const [first = '', ...rest] = line.split(/([；;])/);
    let current = first;
    for (let i = 0; i < rest.length; i += 2) {
      const segment = rest[i + 1] ?? '';
      if (startsLine(segment.trim())) {
        out.push(current);
        current = segment;
      } else current += `${rest[i]}${segment}`;
    }
    out.push(current);
  }
  return out.map((l) => l.trim()).filter(Boolean);
}
const COUNTED_ITEM_RE = new RegExp(`^\\S+?\\s*(${COUNT_WORD_ALTERNATIVES})\\s*[:=]?\\s*[\\d_?]`);

/**
 * The whole report as typed (one message or a form card turned into lines). Every configured item
 * must be reported, so the comparison (§4.2) is complete; items not on the list are allowed and flagged.
 */
export function parseReport(
  text: string,
  configured: readonly ConfiguredItem[],
): { ok: true; report: ParsedReport } | { ok: false; errors: string[] } {
  const lines: ReportLine[] = [];
  const requests: SupplyRequestInput[] = [];
  const errors: string[] = [];
  for (const raw of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    if (REQUEST_RE.test(raw)) {
      const r = parseRequestLine(raw);
      if (!r.ok) errors.push(r.error);
      else if (r.request) requests.push(r.request);
      continue;
    }
    const r = parseReportLine(raw);
    if (!r.ok) errors.push(r.error);
    else if (lines.some((l) => l.item === r.line.item))
      errors.push(`「${echo(r.line.item)}」写了两行，每种物品只写一行`);
    else lines.push(r.line);
  }
  const missing = configured.filter((c) => !lines.some((l) => l.item === c.item)).map((c) => c.item);
  if (missing.length) errors.push(`还没有填写：${missing.join('、')}（配置清单上的每种物品都要填，没有了就写库存0）`);
  if (!lines.length && !missing.length) errors.push(`月报是空的。${REPORT_LINE_HINT}`);
  return errors.length ? { ok: false, errors } : { ok: true, report: { lines, requests } };
}

export type FlagKind = 'shortage' | 'damage' | 'loss' | 'surplus' | 'unlisted';

export interface ReportFlag {
  clause: string;
  kind: FlagKind;
  item: string;
  message: string;
}

/** §4.2 against §4.1: a post holding fewer than its configured quantity. */
export function shortageAgainstConfiguredQuantity(
  lines: readonly ReportLine[],
  configured: readonly ConfiguredItem[],
): ReportFlag[] {
  return configured.flatMap((c) => {
    const line = lines.find((l) => l.item === c.item);
    if (!line || line.stock >= c.quantity) return [];
    return [
      {
        clause: CLAUSE.report,
        kind: 'shortage' as const,
        item: c.item,
        message: `${c.item} 短缺 ${c.quantity - line.stock}${c.unit}（现有 ${line.stock}，配置 ${c.quantity}）`,
      },
    ];
  });
}

/** §4.2: damage and loss are reported to 综合部 whatever the stock. */
export function damageOrLoss(lines: readonly ReportLine[], configured: readonly ConfiguredItem[]): ReportFlag[] {
  const unit = (item: string) => configured.find((c) => c.item === item)?.unit ?? '';
  return lines.flatMap((l) => [
    ...(l.damaged
      ? [
          {
            clause: CLAUSE.report,
            kind: 'damage' as const,
            item: l.item,
            message: `${l.item} 损坏 ${l.damaged}${unit(l.item)}${l.note ? `（${l.note}）` : ''}`,
          },
        ]
      : []),
    ...(l.lost
      ? [
          {
            clause: CLAUSE.report,
            kind: 'loss' as const,
            item: l.item,
            message: `${l.item} 丢失 ${l.lost}${unit(l.item)}${l.note ? `（${l.note}）` : ''}`,
          },
        ]
      : []),
  ]);
}

/** §4.2 against §4.1: more than configured, or items the list does not have. */
export function differencesFromList(lines: readonly ReportLine[], configured: readonly ConfiguredItem[]): ReportFlag[] {
  return lines.flatMap((l): ReportFlag[] => {
    const c = configured.find((x) => x.item === l.item);
    if (!c)
      return [
        {
          clause: CLAUSE.report,
          kind: 'unlisted' as const,
          item: l.item,
          message: `${l.item} 不在配置清单上（现有 ${l.stock}）`,
        },
      ];
    if (l.stock > c.quantity)
      return [
        {
          clause: CLAUSE.report,
          kind: 'surplus' as const,
          item: l.item,
          message: `${l.item} 多出 ${l.stock - c.quantity}${c.unit}（现有 ${l.stock}，配置 ${c.quantity}）`,
        },
      ];
    return [];
  });
}

/** Every difference between the report and the configured list, shortages first. */
export function compareWithConfiguration(
  lines: readonly ReportLine[],
  configured: readonly ConfiguredItem[],
): ReportFlag[] {
  return [
    ...shortageAgainstConfiguredQuantity(lines, configured),
    ...damageOrLoss(lines, configured),
    ...differencesFromList(lines, configured),
  ];
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
