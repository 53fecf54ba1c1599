import { DateTime } from 'luxon';
import type { Services } from '../../src/core/context.ts';
import { readAll } from '../../src/core/period-keys.ts';
import { countBy } from '../../src/core/report-figures.ts';
import type { Period, ReportPart, WeeklySection } from '../../src/core/reporting.ts';
import { reportId, SupplyReport, type SupplyReportRecord, SupplyRequest } from './models.ts';
import { postsWithList } from './store.ts';

/*
 * The supplies' part of 周报 (§4.1, §4.2): each post's shortages — items whose stock in the post's
 * latest 物资管理月报 is below the quantity its 配置清单 asks for — and the week's requests (申领)
 * and how they were decided. Reports are monthly, so the week reads the latest report of each post
 * for the month the week ends in or the month before.
 */

export interface PostShortage {
  post: string;
  month: string;
  items: { item: string; short: number }[];
}

/** Each post's latest report's shortages, posts with the most items short first. */
export function shortages(reports: readonly Pick<SupplyReportRecord, 'post' | 'month' | 'lines'>[]): PostShortage[] {
  const latest = new Map<string, Pick<SupplyReportRecord, 'post' | 'month' | 'lines'>>();
  for (const r of reports) if ((latest.get(r.post)?.month ?? '') < r.month) latest.set(r.post, r);
  return [...latest.values()]
    .map((r) => ({
      post: r.post,
      month: r.month,
      items: r.lines
        .filter((l) => l.configured != null && l.stock < l.configured)
        .map((l) => ({ item: l.item, short: l.configured! - l.stock })),
    }))
    .filter((p) => p.items.length)
    .sort((a, b) => b.items.length - a.items.length || a.post.localeCompare(b.post, 'zh'));
}

/**
 * The reports of `months` of every post with a 配置清单 (only a listed item can be short), read by
 * their ids (`<post>|<month>`): a `month` filter decodes every report ever filed on FerretDB 1.24
 * (0.5 s of its CPU for a year of 100 posts, a third of that by id).
 */
async function reportsOf(months: readonly string[]): Promise<SupplyReportRecord[]> {
  const posts = await postsWithList();
  return readAll(
    posts.flatMap((post) => months.map((month) => reportId(post, month))),
    (id) => SupplyReport.findById(id, { post: 1, month: 1, lines: 1 }).lean<SupplyReportRecord>(),
  );
}

const REQUEST_LABELS: Record<string, string> = { pending: '待审批', approved: '已批准', refused: '已驳回' };

export const suppliesWeekly: WeeklySection = {
  title: '物资',
  async build(services: Services, week: Period): Promise<ReportPart> {
    const end = DateTime.fromJSDate(new Date(week.to.getTime() - 1), { zone: services.config.timezone });
    const months = [end.toFormat('yyyy-LL'), end.minus({ months: 1 }).toFormat('yyyy-LL')];
    const [reports, requests] = await Promise.all([
      reportsOf(months),
      countBy(SupplyRequest, { requestedAt: { $gte: week.from, $lt: week.to } }, ['status']),
    ]);
    const short = shortages(reports);
    const asked = requests.reduce((s, r) => s + r.n, 0);
    const lines = [
      short.length
        ? `${short.length} 个驻点库存低于配置（按最近一期物资月报）：`
        : `最近一期物资月报（${months[1]}、${months[0]}）没有低于配置的物资。`,
      ...short.map((p) => `• ${p.post}（${p.month}）：${p.items.map((i) => `${i.item} 缺 ${i.short}`).join('、')}`),
      `本周申领 ${asked} 项${
        asked
          ? `：${['approved', 'pending', 'refused']
              .map((s) => [s, requests.find((r) => r.key.status === s)?.n ?? 0] as const)
              .filter(([, n]) => n)
              .map(([s, n]) => `${REQUEST_LABELS[s]} ${n}`)
              .join('｜')}`
          : ''
      }`,
    ];
    return {
      title: '物资（§4.2）',
      lines,
      charts: short.length
        ? [
            {
              kind: 'bar',
              title: '各驻点低于配置的物资',
              categories: short.map((p) => p.post),
              series: [{ name: '缺项', values: short.map((p) => p.items.length) }],
              unit: '项',
            },
          ]
        : [],
    };
  },
};
