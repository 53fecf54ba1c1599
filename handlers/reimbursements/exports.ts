import { DateTime } from 'luxon';
import type { StaffContext } from '../../src/core/context.ts';
import { monthOf } from '../../src/core/dates.ts';
import { readMonth } from '../../src/core/list-filter.ts';
import { readEach } from '../../src/core/period-keys.ts';
import type { ExportDefinition } from '../../src/core/reporting.ts';
import { sheetsOfOneRead } from '../../src/core/xlsx-export.ts';
import { claimsPaid } from './due.ts';
import { type ClaimRecord, ledgerRows, ReimbursementClaim } from './models.ts';
import { categoryLabel } from './rules.ts';

/*
 * 导出 报销台账 [月份]: what 报销台账 totals, in full: one row per paid claim (报销单) and one per
 * item (明细), with the claimant, category, amount, who approved each step and the dates. The same
 * month words and the same roles (财务, 董事长) as 报销台账.
 */

const LEDGER_ROLES = ['finance', 'chairman'] as const;

/** A paid claim as the ledger's rows keep it (models.ts ledgerRows). */
type LedgerClaim = Pick<ClaimRecord, '_id' | 'claimantName' | 'total' | 'submittedAt' | 'status' | 'paidOn'> & {
  payment?: { method?: string | null; byName?: string | null } | null;
  steps: { label: string; status: string; byName?: string | null; at?: Date | null }[];
  items: Pick<
    ClaimRecord['items'][number],
    'date' | 'category' | 'amount' | 'matter' | 'contact' | 'serials' | 'companions'
  >[];
};

/** The paid claims of a month, by payment date and number. */
async function paidIn(from: string, to: string): Promise<LedgerClaim[]> {
  const inMonth = (c: LedgerClaim) => c.status === 'paid' && !!c.paidOn && c.paidOn >= from && c.paidOn < to;
  // the month's rows in one read of its own collection (a `paidOn` range on the claims reads them all
  // on FerretDB 1.24, and each claim by _id is ~1.5 ms of its CPU)
  const rows = (await ledgerRows.rows(
    { status: 'paid', paidOn: { $gte: from, $lt: to } },
    { keys: [from.slice(0, 7)] },
  )) as LedgerClaim[];
  // a row is written just after its claim: one paid right before a crash may have none yet. The
  // payment-day keys (due.ts claimsPaid, written before the payment) name every claim paid in the
  // month; those without a row are read themselves, and their rows put right
  const have = new Set(rows.map((r) => r._id));
  const days: string[] = [];
  for (let d = DateTime.fromISO(from, { zone: 'utc' }); d.toISODate()! < to; d = d.plus({ days: 1 }))
    days.push(d.toISODate()!);
  const missing = (await claimsPaid.ids(days)).filter((id) => !have.has(id));
  for await (const c of readEach(missing, (id) => ReimbursementClaim.findById(id).lean<ClaimRecord>())) {
    if (!inMonth(c)) continue;
    await ledgerRows.put(c);
    rows.push(c);
  }
  return rows
    .filter(inMonth)
    .sort((a, b) =>
      a.paidOn! < b.paidOn! ? -1 : a.paidOn! > b.paidOn! ? 1 : a._id < b._id ? -1 : a._id > b._id ? 1 : 0,
    );
}

/** `read`'s items, read when the first is asked for. */
async function* each<T>(read: () => Promise<readonly T[]>): AsyncIterable<T> {
  yield* await read();
}

function approvers(c: LedgerClaim): string {
  return c.steps
    .filter((s) => (s.status === 'approved' || s.status === 'paid') && s.byName)
    .map((s) => `${s.label} ${s.byName}`)
    .join('；');
}

function approvedAt(c: LedgerClaim): Date | null {
  const times = c.steps.filter((s) => s.status === 'approved' && s.at).map((s) => new Date(s.at!).getTime());
  return times.length ? new Date(Math.max(...times)) : null;
}

function claimRow(c: LedgerClaim): unknown[] {
  return [
    c._id,
    c.claimantName,
    c.items.length,
    c.total,
    c.submittedAt,
    approvers(c),
    approvedAt(c),
    c.paidOn,
    c.payment?.method ?? '',
    c.payment?.byName ?? '',
  ];
}

function itemRows(c: LedgerClaim): unknown[][] {
  const by = approvers(c);
  return c.items.map((it) => [
    c._id,
    c.claimantName,
    it.date,
    categoryLabel(it.category),
    it.amount,
    it.matter,
    it.contact,
    (it.serials ?? []).join('、'),
    (it.companions ?? []).join('、'),
    by,
    c.paidOn,
  ]);
}

export const reimbursementExports: ExportDefinition[] = [
  {
    words: ['报销台账', 'ledger'],
    title: '报销台账',
    allow: LEDGER_ROLES,
    async sheets(ctx: StaffContext, args: string) {
      const tz = ctx.services.config.timezone;
      const chosen = args ? readMonth(args, ctx.services.now(), tz) : monthOf(ctx.services.now(), tz);
      if (!chosen)
        return { error: '月份请写成 本月、上月、2026-11 或 11月，例如：导出 报销台账 2026-11（不写为本月）' };
      const month = DateTime.fromFormat(chosen, 'yyyy-MM', { zone: tz });
      const from = month.toISODate()!;
      const to = month.plus({ months: 1 }).toISODate()!;
      // the month's rows are read once for both sheets; the items' rows wait in a temporary file until
      // their sheet is written
      const [claims, items] = sheetsOfOneRead(
        each(() => paidIn(from, to)),
        [(c) => [claimRow(c)], itemRows],
      );
      return [
        {
          name: `${month.toFormat('yyyy年M月')}报销单`,
          columns: [
            { header: '报销单号', type: 'text', width: 18 },
            { header: '报销人', type: 'text', width: 10 },
            { header: '明细数', type: 'number', width: 8 },
            { header: '合计', type: 'money' },
            { header: '提交时间', type: 'datetime' },
            { header: '审批人', type: 'text', width: 36 },
            { header: '审批完成时间', type: 'datetime' },
            { header: '发放日期', type: 'date' },
            { header: '发放方式', type: 'text' },
            { header: '发放人', type: 'text', width: 10 },
          ],
          rows: claims,
        },
        {
          name: '明细',
          columns: [
            { header: '报销单号', type: 'text', width: 18 },
            { header: '报销人', type: 'text', width: 10 },
            { header: '发生日期', type: 'date' },
            { header: '类别', type: 'text' },
            { header: '金额', type: 'money' },
            { header: '事由', type: 'text', width: 30 },
            { header: '联系人/地点', type: 'text', width: 20 },
            { header: '票据号', type: 'text', width: 20 },
            { header: '同行人', type: 'text' },
            { header: '审批人', type: 'text', width: 36 },
            { header: '发放日期', type: 'date' },
          ],
          rows: items,
        },
      ];
    },
  },
];
