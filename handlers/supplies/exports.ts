import type { StaffContext } from '../../src/core/context.ts';
import { readMonth } from '../../src/core/list-filter.ts';
import { EXPORT_PAGE, type ExportDefinition } from '../../src/core/reporting.ts';
import { echo } from '../../src/core/text.ts';
import { OFFICE_ROLES } from './list.ts';
import { SupplyReport, type SupplyReportRecord } from './models.ts';
import { postsWithoutReport, reportMonthFor } from './rules.ts';
import { supplySettings } from './settings.ts';
import { postsWithList } from './store.ts';

/*
 * 导出 物资月报 [月份]: every post's 物资管理月报 of the month (§4.2) as 物资月报汇总 sums it up, one
 * row per post and item with the stock, what was used, damaged and lost, and the differences
 * flagged; a second sheet names the posts that did not report. The month is the one 物资月报汇总
 * shows by default (the reporting month, until its report day).
 */

async function* lineRows(month: string): AsyncIterable<unknown[]> {
  const cursor = SupplyReport.find({ month })
    .sort({ post: 1 })
    .lean<SupplyReportRecord[]>()
    .cursor({ batchSize: EXPORT_PAGE });
  for await (const r of cursor) {
    for (const l of r.lines) {
      const flags = r.flags.filter((f) => f.item === l.item).map((f) => f.message);
      yield [
        r.month,
        r.post,
        r.leaderName,
        r.submittedAt,
        l.item,
        l.configured ?? null,
        l.stock,
        l.consumed,
        l.damaged,
        l.lost,
        flags.join('；'),
        l.note,
      ];
    }
  }
}

async function* missingRows(month: string): AsyncIterable<unknown[]> {
  const reported = (await SupplyReport.find({ month }, { post: 1 }).lean()).map((r) => r.post);
  for (const post of postsWithoutReport(await postsWithList(), reported)) yield [month, post];
}

export const supplyExports: ExportDefinition[] = [
  {
    words: ['物资月报', '物资月报汇总', 'supplyreport'],
    title: '物资月报',
    allow: OFFICE_ROLES,
    async sheets(ctx: StaffContext, args: string) {
      const { config } = ctx.services;
      const now = ctx.services.now();
      const month = args
        ? readMonth(args, now, config.timezone)
        : reportMonthFor(now, config.timezone, supplySettings.of(config).reportDay);
      if (!month)
        return {
          error: `月份「${echo(args)}」看不懂，请写成 本月、上月、2026-11 或 11月，例如：导出 物资月报 2026-11`,
        };
      return [
        {
          name: `${month} 物资月报`,
          columns: [
            { header: '月份', type: 'text', width: 9 },
            { header: '驻点', type: 'text', width: 16 },
            { header: '填报队长', type: 'text', width: 10 },
            { header: '提交时间', type: 'datetime' },
            { header: '物品', type: 'text', width: 14 },
            { header: '配置数', type: 'number' },
            { header: '库存', type: 'number' },
            { header: '消耗', type: 'number' },
            { header: '损坏', type: 'number' },
            { header: '丢失', type: 'number' },
            { header: '差异', type: 'text', width: 30 },
            { header: '备注', type: 'text', width: 20 },
          ],
          rows: lineRows(month),
        },
        {
          name: '未报驻点',
          columns: [
            { header: '月份', type: 'text', width: 9 },
            { header: '驻点', type: 'text', width: 16 },
          ],
          rows: missingRows(month),
        },
      ];
    },
  },
];
