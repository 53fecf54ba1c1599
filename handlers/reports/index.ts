import { preloadChartLibraries } from '../../src/core/chart-image.ts';
import type { Workflow } from '../../src/core/workflow.ts';
import { exportList, hasExports } from './export.ts';
import { monthlyCommand } from './monthly.ts';
import { MORE_ACTION, search, searchMore } from './search.ts';
import { reportSettings } from './settings.ts';
import { weeklyCommand } from './weekly.ts';

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
  settings: reportSettings,
  // a bot with a channel that shows charts as pictures (WeChat, the console) loads the chart
  // libraries soon after it starts, so the first 周报 does not wait the ~0.7 s of importing ECharts
  start: async (services) => {
    if (services.config.wechat || services.config.console) preloadChartLibraries(services.log);
  },
  commands: [
    weeklyCommand,
    monthlyCommand,
    {
      name: 'reports.export',
      words: ['导出', 'export'],
      summary: '把列表导出为 Excel 表格，条件和列表命令一样',
      example: '导出 投诉列表 本月',
      // each list keeps its own roles (ExportDefinition.allow), checked once the list is named
      allow: 'staff',
      rank: 3,
      available: hasExports,
      handler: exportList,
    },
    {
      name: 'reports.search',
      rank: 2,
      words: ['查找', 'search'],
      allow: 'staff',
      summary: '查找一个人、客户、驻点、车牌或编号的所有记录（只列你能看的，最近的在前）',
      example: '查找 张三',
      handler: search,
    },
  ],
  actions: [{ action: MORE_ACTION, allow: 'staff', handler: searchMore }],
};
