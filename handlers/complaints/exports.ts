import type { StaffContext } from '../../src/core/context.ts';
import type { ExportDefinition } from '../../src/core/reporting.ts';
import { mayseeClientPhone, phoneFor } from './common.ts';
import { parseListFilter } from './lookup.ts';
import { type ComplaintRecord, complaintRows } from './models.ts';
import { CATEGORY_LABELS, STATUS_LABELS, VIEWERS } from './rules.ts';

/*
 * 导出 投诉列表 [条件]: the cases 投诉列表 would list with the same words, every one of them (not the
 * last 30), oldest first, with what a case's card shows in columns. The client's phone is in full
 * only for those who see it in full on the card (客服部 and 人防部, asking privately).
 */

function deductionFen(c: ComplaintRecord): number | null {
  const d = c.decision;
  if (!d) return null;
  if (typeof d.deductionFen === 'number') return d.deductionFen;
  // yuan on records from before amounts were kept in fen
  return typeof d.deductionAmount === 'number' ? Math.round(d.deductionAmount * 100) : null;
}

async function* sheetRows(ctx: StaffContext, query: Record<string, unknown>): AsyncIterable<unknown[]> {
  const fullPhone = mayseeClientPhone(ctx);
  // the month's cases found in their rows, then read by `_id` (models.ts complaintRows): the same
  // filter on the complaints themselves decodes every case on FerretDB
  for await (const c of complaintRows.records(query, { sort: { acceptedAt: 1 } })) {
    yield [
      c._id,
      c.clientName,
      c.clientPhone ? phoneFor(c.clientPhone, fullPhone) : '',
      c.clientAddress,
      CATEGORY_LABELS[c.category],
      c.type,
      STATUS_LABELS[c.status],
      c.overdueAt ? '是' : '否',
      c.acceptedBy.name,
      c.acceptedAt,
      c.dueAt,
      c.reason,
      c.demand,
      c.investigation?.cause ?? '',
      c.investigation?.measures ?? '',
      (c.responsible ?? []).map((r) => r.name).join('、'),
      c.decision?.handling ?? '',
      deductionFen(c),
      c.result?.at ?? null,
      c.closedAt ?? null,
    ];
  }
}

export const complaintExports: ExportDefinition[] = [
  {
    words: ['投诉列表', 'complaints'],
    title: '投诉列表',
    allow: VIEWERS,
    async sheets(ctx, args) {
      const f = parseListFilter(args, ctx.services.now(), ctx.services.config.timezone, ctx.sender.staffId);
      if ('error' in f) return { error: f.error.replace('例如：投诉列表', '例如：导出 投诉列表') };
      return [
        {
          name: '投诉',
          columns: [
            { header: '受理编号', type: 'text', width: 18 },
            { header: '客户', type: 'text', width: 20 },
            { header: '客户电话', type: 'text', width: 15 },
            { header: '客户地址', type: 'text', width: 24 },
            { header: '分类', type: 'text', width: 16 },
            { header: '投诉类型', type: 'text' },
            { header: '状态', type: 'text' },
            { header: '逾期', type: 'text', width: 6 },
            { header: '受理人', type: 'text', width: 10 },
            { header: '受理时间', type: 'datetime' },
            { header: '处理时限', type: 'datetime' },
            { header: '投诉原因', type: 'text', width: 30 },
            { header: '客户要求', type: 'text', width: 24 },
            { header: '调查原因', type: 'text', width: 24 },
            { header: '改善措施', type: 'text', width: 24 },
            { header: '责任人', type: 'text' },
            { header: '处理方式', type: 'text', width: 24 },
            { header: '扣服务费', type: 'money' },
            { header: '告知结果时间', type: 'datetime' },
            { header: '结案时间', type: 'datetime' },
          ],
          rows: sheetRows(ctx, f.query),
        },
      ];
    },
  },
];
