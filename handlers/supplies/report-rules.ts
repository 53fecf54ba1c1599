import { echo, isNoneWord } from '../../src/core/text.ts';
import { CLAUSE, type ConfiguredItem, itemName, MAX_QUANTITY } from './rules.ts';

/*
 * §4.2 物资管理月报 as pure functions: reading a post's monthly report (one line an item, 申领 lines)
 * and comparing it with the post's §4.1 configured list. The list, the calendar and requests stay in
 * rules.ts.
 */

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
