import type { Workflow } from '../../src/core/workflow.ts';
import { MONTHLY_READERS, monthlyReport } from './monthly.ts';
import { reportSettings } from './settings.ts';
import { WEEKLY_READERS, weeklyReport } from './weekly.ts';

/**
 * What managers and auditors read: `导出` (any list as a spreadsheet), `周报` (the weekly summary, also
 * sent on Mondays), `月报 客户` (a client's month) and `查找` (everything about a person, client,
 * plate or number). It owns no records: each workflow offers its part in `Workflow.reporting`
 * (src/core/reporting.ts), read here from `services.extensions`.
 */
export const reports: Workflow = {
  name: 'reports',
  title: '报表与查找',
  topic: '报表',
  // 月报 客户 finds the client through the clients' directory (handlers/clients/api.ts)
  requires: ['clients'],
  settings: reportSettings,
  commands: [
    {
      name: 'reports.weekly',
      rank: 2,
      words: ['周报', 'weekly'],
      allow: WEEKLY_READERS,
      summary: '本周各部门汇总：投诉、报销、点名、车辆、物资、客户回访，附图表',
      example: '周报 上周',
      handler: weeklyReport,
    },
    {
      name: 'reports.monthly',
      rank: 3,
      words: ['月报', 'monthly'],
      allow: MONTHLY_READERS,
      summary: '客户服务月报：投诉与处理结果、拜访、电话回访、承诺兑现',
      example: '月报 客户 万达物业 2026-11',
      handler: monthlyReport,
    },
  ],
  actions: [],
};
