import { formatDateTime } from '../../src/core/numbering.ts';
import type { Card, CardFormField } from '../../src/core/types.ts';
import type { SupplyRequestRecord } from './models.ts';
import type { ReportLine } from './report-rules.ts';
import {
  type ConfiguredItem,
  changeText,
  type ListChange,
  REQUEST_STATUS_LABELS,
  type RequestStatus,
} from './rules.ts';

/** §4.1 the list of one post. */
export function listCard(post: string, items: readonly ConfiguredItem[], note?: string): Card {
  return {
    title: `驻点装备物资配置清单：${post}`,
    color: 'blue',
    lines: items.length ? items.map((i, n) => `${n + 1}. ${i.item} ${i.quantity}${i.unit}`) : ['（还没有配置物品）'],
    note: note ?? `综合部修改：设置配置 ${post} 对讲机 6台、手电筒 8（数量写 0 即移出清单）`,
  };
}

export function changeLines(changes: readonly ListChange[]): string[] {
  return changes.map(changeText);
}

/** What the cards need of a report (a lean record, or one just built). */
export interface ReportView {
  post: string;
  month: string;
  leaderName: string;
  lines: readonly (ReportLine & { configured?: number | null })[];
  flags: readonly { kind: string; message: string }[];
  requestNos: readonly string[];
  submittedAt: Date;
  note?: string | null;
}

function reportLines(r: ReportView, tz: string): string[] {
  return [
    `填报：${r.leaderName}　${formatDateTime(r.submittedAt, tz)}`,
    ...r.lines.map((l) => {
      const conf = l.configured === null || l.configured === undefined ? '清单外' : `配置 ${l.configured}`;
      const extra = [
        l.consumed ? `消耗 ${l.consumed}` : '',
        l.damaged ? `损坏 ${l.damaged}` : '',
        l.lost ? `丢失 ${l.lost}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      return `• ${l.item}：现有 ${l.stock}（${conf}）${extra ? ` ${extra}` : ''}${l.note ? `｜${l.note}` : ''}`;
    }),
    ...(r.flags.length
      ? ['对照配置清单（§4.2）：', ...r.flags.map((f) => `⚠ ${f.message}`)]
      : ['对照配置清单（§4.2）：与配置一致 ✓']),
    ...(r.requestNos.length ? [`申领：${r.requestNos.join('、')}`] : []),
    ...(r.note ? [`备注：${r.note}`] : []),
  ];
}

/** §4.2 one post's report with the differences flagged. */
export function reportCard(r: ReportView, tz: string, note?: string): Card {
  const bad = r.flags.some((f) => f.kind === 'shortage' || f.kind === 'damage' || f.kind === 'loss');
  return {
    title: `物资管理月报：${r.post} ${r.month}`,
    color: bad ? 'orange' : 'green',
    lines: reportLines(r, tz),
    note,
  };
}

export type RequestView = Pick<
  SupplyRequestRecord,
  | '_id'
  | 'post'
  | 'month'
  | 'item'
  | 'quantity'
  | 'unit'
  | 'reason'
  | 'stock'
  | 'configured'
  | 'requesterName'
  | 'status'
  | 'decidedByName'
  | 'decidedAt'
  | 'refuseReason'
  | 'version'
>;

function requestLines(q: RequestView): string[] {
  const has = q.stock === null || q.stock === undefined ? '' : `现有 ${q.stock}`;
  const conf = q.configured === null || q.configured === undefined ? '不在配置清单上' : `配置 ${q.configured}`;
  return [
    `驻点：${q.post}（${q.month} 月报）　申领人：${q.requesterName}`,
    `申领：${q.item} ${q.quantity}${q.unit}　${[has, conf].filter(Boolean).join('，')}`,
    ...(q.reason ? [`原因：${q.reason}`] : []),
  ];
}

/** What 综合部 decides on: 批准 / 拒绝 (Lark buttons; text channels number them). */
export function requestCard(q: RequestView): Card {
  const value = { no: q._id, v: String(q.version) };
  return {
    title: `物资申领待审批 ${q._id}`,
    color: 'orange',
    lines: requestLines(q),
    buttons: [
      { label: '批准', action: 'supplies.approve', value, style: 'primary', confirm: `${requestSummary(q)}。` },
      { label: '拒绝', action: 'supplies.refuseAsk', value, style: 'danger' },
    ],
    note: `也可发送：批准申领 ${q._id}，或 拒绝申领 ${q._id} 原因`,
  };
}

/** Every copy of a decided request's card: who decided what and when, no buttons. */
export function decidedRequestCard(q: RequestView, tz: string): Card {
  const status = q.status as RequestStatus;
  return {
    title: `物资申领${REQUEST_STATUS_LABELS[status]} ${q._id}`,
    color: status === 'approved' ? 'green' : status === 'refused' ? 'red' : 'blue',
    lines: requestLines(q),
    note: q.decidedAt
      ? `${q.decidedByName} 于 ${formatDateTime(q.decidedAt, tz)} ${status === 'approved' ? '批准' : '拒绝'}${q.refuseReason ? `，原因：${q.refuseReason}` : ''}`
      : undefined,
  };
}

/** Lark: 拒绝 turns the clicker's card into this form, which asks for the reason. */
export function refuseReasonCard(q: RequestView, error?: string): Card {
  return {
    title: `拒绝申领 ${q._id}`,
    color: 'red',
    lines: requestLines(q),
    form: {
      action: 'supplies.refuse',
      value: { no: q._id, v: String(q.version) },
      submitLabel: '确认拒绝',
      fields: [{ key: 'reason', label: '拒绝原因', required: true, placeholder: '写明原因，队长据此安排', error }],
    },
  };
}

export const reportFieldKey = (i: number) => `i${i}`;

/** Lark: the report as a form card, one input per configured item, then requests and a note. */
export function reportFormCard(
  post: string,
  month: string,
  items: readonly ConfiguredItem[],
  values: Record<string, string> = {},
  errors: string[] = [],
): Card {
  const fields: CardFormField[] = items.map((it, i) => ({
    key: reportFieldKey(i),
    label: `${it.item}（配置 ${it.quantity}${it.unit}）`,
    required: true,
    placeholder: '库存 消耗 损坏 丢失，如：5 0 1 0 一台摔坏',
    value: values[reportFieldKey(i)],
  }));
  fields.push({ key: 'extra', label: '清单外物品', placeholder: '如：雨衣 库存4；没有不填', value: values.extra });
  fields.push({
    key: 'requests',
    label: '申领',
    placeholder: '物品 数量 原因，多项用；隔开，如：对讲机 2 一台摔坏',
    value: values.requests,
  });
  fields.push({ key: 'note', label: '备注', placeholder: '没有不填', value: values.note });
  return {
    title: `物资管理月报：${post} ${month}`,
    color: errors.length ? 'red' : 'blue',
    lines: errors.length
      ? ['请修改后再提交：', ...errors.map((e) => `⚠ ${e}`)]
      : ['按实际清点填写每种物品，提交后自动与配置清单对照（§4.2）。'],
    // the items the inputs stand for, so a list changed meanwhile is noticed rather than misread
    form: {
      action: 'supplies.report',
      value: { post, month, items: JSON.stringify(items.map((i) => i.item)) },
      fields,
      submitLabel: '提交月报',
    },
  };
}

/**
 * Text channels: the one-message form as two messages — how to fill it in, then the block alone,
 * because a long press in WeChat copies a whole message and the block must be copied by itself.
 */
export function reportTemplate(post: string, month: string, items: readonly ConfiguredItem[]): [string, string] {
  const how = [
    `📝 物资管理月报：${post} ${month}（§4.2）`,
    ...(items.length
      ? []
      : [`⚠ ${post} 还没有配置清单（§4.1），请联系综合部设置；现有物资也可以按「物品 库存N」逐行填报。`]),
    '请长按复制下一条消息，把 _ 改成实际清点的数字后整条发回。消耗、损坏、丢失没有就写 0，损坏丢失可在行末写原因；',
    '需要申领时把「申领 无」改成「申领 对讲机 2 原因」，多项每行一条。也可以写成一行，各项之间用「；」隔开。',
  ].join('\n');
  const block = [`物资月报 ${month}`, ...items.map((i) => `${i.item} 库存_ 消耗0 损坏0 丢失0`), '申领 无'].join('\n');
  return [how, block];
}

export interface SummaryView {
  month: string;
  reports: ReportView[];
  missing: string[];
  pendingRequests: number;
}

/** §4.2 the month for 综合部: who reported with what differences, who did not. */
export function summaryCard(s: SummaryView): Card {
  const expected = s.reports.length + s.missing.length;
  return {
    title: `物资管理月报汇总 ${s.month}`,
    color: s.missing.length ? 'orange' : 'green',
    lines: [
      `已报 ${s.reports.length} / ${expected} 个驻点`,
      ...s.reports.map(
        (r) =>
          `• ${r.post}（${r.leaderName}）：${r.flags.length ? r.flags.map((f) => f.message).join('；') : '与配置一致'}`,
      ),
      ...(s.missing.length ? [`未报驻点：${s.missing.join('、')}`] : ['所有驻点均已上报']),
      ...(s.pendingRequests ? [`待审批申领 ${s.pendingRequests} 项，发送「待批申领」查看`] : []),
    ],
  };
}

/** 「申领 WZ-…：万达广场 对讲机 2台」: what 批准 approves, as its confirmation names it. */
export function requestSummary(q: Pick<RequestView, '_id' | 'post' | 'item' | 'quantity' | 'unit'>): string {
  return `申领 ${q._id}：${q.post} ${q.item} ${q.quantity}${q.unit}`;
}
