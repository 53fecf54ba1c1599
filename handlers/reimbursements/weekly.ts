import type { Services } from '../../src/core/context.ts';
import { formatFen } from '../../src/core/money.ts';
import { daysIn, numbersIssued } from '../../src/core/period-keys.ts';
import { HOUR_MS, median, oneDecimal, sumBy } from '../../src/core/report-figures.ts';
import type { Chart, Period, ReportPart, WeeklySection } from '../../src/core/reporting.ts';
import { ROLE_LABELS } from '../../src/core/roles.ts';
import type { Role } from '../../src/core/types.ts';
import { STEP_LABELS, type StepKey } from './approval.ts';
import { categoryLabel } from './categories.ts';
import { type StepTimes, unpackItems, unpackSteps } from './claim-rows.ts';
import { claimsDecided, claimsPending } from './due.ts';
import { type ClaimRecord, claimRows } from './models.ts';

/*
 * The reimbursements' part of 周报: what was claimed in the week by category (§3.5), and how long
 * each approval step (§3.5.1) kept its claims waiting — median and longest, over the steps decided
 * in the week, from the moment the step was reached (the previous step's decision, or submission).
 */

const DECIDED = new Set(['approved', 'rejected', 'paid']);
const STEP_ORDER = Object.keys(STEP_LABELS) as StepKey[];

export interface StepWaits {
  key: string;
  label: string;
  hours: number[];
}

/** The waits of the steps decided within `week`, by step, in the chain's order. */
export function stepWaits(
  claims: readonly { submittedAt: Date; steps: readonly Pick<StepTimes, 'key' | 'label' | 'status' | 'at'>[] }[],
  week: Period,
): StepWaits[] {
  const by = new Map<string, StepWaits>();
  for (const c of claims) {
    let since = c.submittedAt;
    for (const s of c.steps) {
      if (!s.at) break;
      if (DECIDED.has(s.status) && s.at >= week.from && s.at < week.to) {
        const entry = by.get(s.key) ?? { key: s.key, label: s.label, hours: [] };
        entry.hours.push((s.at.getTime() - since.getTime()) / HOUR_MS);
        by.set(s.key, entry);
      }
      since = s.at;
    }
  }
  const rank = (k: string) => (STEP_ORDER.includes(k as StepKey) ? STEP_ORDER.indexOf(k as StepKey) : 99);
  return [...by.values()].sort((a, b) => rank(a.key) - rank(b.key));
}

/** A claim as its narrow row keeps it (models.ts claimRows). */
type PackedRow = Pick<ClaimRecord, '_id' | 'submittedAt' | 'status'> & {
  currentRole?: string;
  steps: string;
  items: string;
};

export const reimbursementsWeekly: WeeklySection = {
  title: '费用报销',
  async build(services: Services, week: Period): Promise<ReportPart> {
    // the week's claims by key, their narrow rows (models.ts claimRows) by bare _id: the numbers
    // issued in the week, the claims with a step decided in it (decision-day keys) and those
    // waiting (the open set). A filter on all 20,000 rows of a year cost 1.1 s of FerretDB CPU,
    // these ~1,700 reads of ~0.5 KB rows a third of it. Keys are hints: the figures below check
    // each row's dates and status.
    const days = daysIn(week, services.config.timezone);
    const [issued, decided, open] = await Promise.all([
      numbersIssued('BX', days),
      claimsDecided.ids(days),
      claimsPending.ids(),
    ]);
    const found = (await claimRows.rowsById([...new Set([...issued, ...decided, ...open])])) as PackedRow[];
    const rows = found.map((r) => ({ ...r, steps: unpackSteps(r.steps), items: unpackItems(r.items) }));
    const submitted = rows.filter(
      (c) => c.status !== 'withdrawn' && c.submittedAt >= week.from && c.submittedAt < week.to,
    );
    const roles = sumBy(
      rows.filter((c) => c.status === 'pending'),
      (c) => c.currentRole ?? '',
      () => 1,
    );
    const waiting = [...roles].map(([currentRole, n]) => ({ key: { currentRole }, n }));
    const items = submitted.flatMap((c) => c.items);
    const byCategory = [
      ...sumBy(
        items,
        (i) => categoryLabel(i.category),
        (i) => i.amount,
      ),
    ].sort((a, b) => b[1] - a[1]);
    const total = items.reduce((s, i) => s + i.amount, 0);
    const waits = stepWaits(rows, week);
    const lines = [
      `本周提交 ${submitted.length} 份报销，${items.length} 项，合计 ${formatFen(total)}${
        byCategory.length ? `：${byCategory.map(([k, fen]) => `${k} ${formatFen(fen)}`).join('｜')}` : ''
      }`,
      ...(waits.length
        ? [
            '各审批环节等待时间（本周办结的环节，小时）：',
            ...waits.map(
              (w) =>
                `• ${w.label}：${w.hours.length} 次，中位 ${oneDecimal(median(w.hours))}，最长 ${oneDecimal(Math.max(...w.hours))}`,
            ),
          ]
        : ['本周没有办结的审批环节。']),
      `目前待审批 ${waiting.reduce((s, r) => s + r.n, 0)} 份${
        waiting.length
          ? `（${waiting.map((r) => `${ROLE_LABELS[r.key.currentRole as Role] ?? r.key.currentRole} ${r.n}`).join('｜')}）`
          : ''
      }`,
    ];
    const charts: Chart[] = [];
    if (byCategory.length)
      charts.push({
        kind: 'pie',
        title: '本周报销金额按类别',
        categories: byCategory.map(([k]) => k),
        series: [{ name: '金额', values: byCategory.map(([, fen]) => fen / 100) }],
        unit: '元',
      });
    if (waits.length)
      charts.push({
        kind: 'bar',
        title: '审批环节等待时间',
        categories: waits.map((w) => w.label),
        series: [
          { name: '中位数', values: waits.map((w) => oneDecimal(median(w.hours))) },
          { name: '最长', values: waits.map((w) => oneDecimal(Math.max(...w.hours))) },
        ],
        unit: '小时',
      });
    return { title: '费用报销（§3.5）', lines, charts };
  },
};
