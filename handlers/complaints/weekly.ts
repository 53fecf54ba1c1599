import type { Services } from '../../src/core/context.ts';
import type {
  Chart,
  ClientMonthSection,
  Period,
  ReportClient,
  ReportPart,
  WeeklySection,
} from '../../src/core/reporting.ts';
import { CATEGORIES, COMPLAINT_STATUSES, type ComplaintRecord, complaintRows } from './models.ts';
import { readReport, reportCard } from './report.ts';
import { CATEGORY_SHORT, STATUS_LABELS } from './rules.ts';

/*
 * The complaints' part of 周报 and of a client's 月报. The week's part is §4.3's report to the
 * company (report.ts, the same figures and named cases as 投诉报告), with a chart of the cases
 * accepted by category and where each stands now.
 */

/** The cases accepted in a period as a bar chart: one bar group per category, one colour per status. */
export function byCategoryAndStatus(title: string, accepted: Pick<ComplaintRecord, 'category' | 'status'>[]): Chart {
  const statuses = COMPLAINT_STATUSES.filter((s) => accepted.some((c) => c.status === s));
  return {
    kind: 'bar',
    title,
    categories: CATEGORIES.map((k) => CATEGORY_SHORT[k]),
    series: statuses.map((s) => ({
      name: STATUS_LABELS[s],
      values: CATEGORIES.map((k) => accepted.filter((c) => c.category === k && c.status === s).length),
    })),
    unit: '件',
  };
}

export const complaintsWeekly: WeeklySection = {
  title: '客户投诉',
  async build(services: Services, week: Period): Promise<ReportPart> {
    const data = await readReport(week, services.now());
    // the §4.3 report's own lines, less its period line (the weekly report names the period once)
    const lines = reportCard(services, data).lines.filter((l) => !l.startsWith('期间：'));
    return {
      title: '客户投诉（§4.3）',
      lines,
      charts: data.accepted.length ? [byCategoryAndStatus('本周受理的投诉：类别与现状', data.accepted)] : [],
    };
  },
};

/** One case of the client's month: number, category, where it stands, and what was done or told. */
function caseLine(c: ComplaintRecord): string {
  const outcome = c.result?.content || c.decision?.handling || '';
  const late = c.overdueAt ? '｜曾逾期' : '';
  return `• ${c._id}｜${CATEGORY_SHORT[c.category]}｜${STATUS_LABELS[c.status]}${late}${outcome ? `｜${outcome}` : ''}`;
}

export const complaintsClientMonth: ClientMonthSection = {
  title: '投诉',
  async build(_services: Services, client: ReportClient, month: Period): Promise<ReportPart> {
    const inMonth = { $gte: month.from, $lt: month.to };
    // cases registered before complaints kept the client's id are the client's by name
    // through the rows (models.ts complaintRows): a filter on the complaints themselves decodes all of them on FerretDB
    const cases = await complaintRows.all(
      {
        $or: [
          { clientId: client.id, acceptedAt: inMonth },
          { clientId: '', clientName: client.name, acceptedAt: inMonth },
        ],
      },
      { sort: { acceptedAt: 1 } },
    );
    if (!cases.length) return { title: '投诉', lines: ['本月没有投诉。'] };
    const closed = cases.filter((c) => c.status === 'closed').length;
    const late = cases.filter((c) => c.overdueAt).length;
    return {
      title: '投诉',
      lines: [
        `本月受理 ${cases.length} 件，已结案 ${closed} 件${late ? `，其中 ${late} 件曾超过处理时限` : ''}。`,
        ...cases.map(caseLine),
      ],
      charts: [byCategoryAndStatus('本月投诉：类别与现状', cases)],
    };
  },
};
