import type { Workflow } from '../../src/core/workflow.ts';
import { approveRequestQuestion } from './confirm.ts';
import { supplyExports } from './exports.ts';
import { supplyListImport } from './import.ts';
import { importPasted, LIST_VIEWERS, listChanges, OFFICE_ROLES, setItems, showList } from './list.ts';
import { showReport, showSummary } from './lookup.ts';
import { supplyModels } from './models.ts';
import { reportFromCard, startReport } from './report.ts';
import { approveRequest, pendingRequests, refuseAsk, refuseCommand, refuseFromCard } from './requests.ts';
import { returnReport } from './returns.ts';
import { supplySearch } from './search.ts';
import { supplySettings } from './settings.ts';
import { suppliesWeekly } from './weekly.ts';

/**
 * 物资 (§4.0 forms): §4.1 驻点装备物资配置清单 — each post's configured equipment, kept by 综合部 in
 * chat or by import with every change logged; §4.2 物资管理月报 — the team leaders' monthly report,
 * compared with the list, summed up for 综合部, whose requests 综合部 approves or refuses.
 */
export const supplies: Workflow = {
  name: 'supplies',
  title: '装备物资',
  topic: '物资',
  models: supplyModels,
  settings: supplySettings,
  imports: [supplyListImport],
  commands: [
    {
      name: 'supplies.list',
      rank: 2,
      words: ['配置清单', '装备清单', 'supplylist'],
      allow: LIST_VIEWERS,
      summary: '查看驻点装备物资配置清单（§4.1）',
      example: '配置清单 万达广场',
      handler: showList,
    },
    {
      name: 'supplies.set',
      rank: 3,
      words: ['设置配置', 'setsupply'],
      allow: ['general_affairs'],
      summary: '修改驻点配置物品数量，写 0 即移出清单',
      example: '设置配置 万达广场 对讲机 6台、手电筒 8',
      handler: setItems,
    },
    {
      name: 'supplies.import',
      words: ['导入配置', 'importsupplies'],
      allow: ['general_affairs'],
      summary: '粘贴表格（驻点,物品,数量,单位）整张导入配置清单',
      example: '导入配置',
      handler: importPasted,
    },
    {
      name: 'supplies.changes',
      rank: 3,
      words: ['配置记录', 'supplychanges'],
      allow: LIST_VIEWERS,
      summary: '查看配置清单的修改记录（谁、何时、原→新）',
      example: '配置记录 万达广场 对讲机',
      handler: listChanges,
    },
    {
      name: 'supplies.report',
      rank: 2,
      words: ['物资月报', 'supplyreport'],
      allow: ['team_leader'],
      summary: '填报本驻点物资管理月报：库存、消耗、损坏丢失、申领（§4.2）',
      example: '物资月报',
      handler: startReport,
    },
    {
      name: 'supplies.showReport',
      rank: 3,
      words: ['查看月报', 'showreport'],
      allow: LIST_VIEWERS,
      summary: '查看某驻点某月的物资月报',
      example: '查看月报 万达广场 2026-11',
      handler: showReport,
    },
    {
      name: 'supplies.return',
      rank: 3,
      words: ['退回月报', 'returnreport'],
      allow: ['general_affairs'],
      summary: '把填错的物资月报退回队长重新填报（须写原因）',
      example: '退回月报 万达广场 2026-11 对讲机数量与现场不符',
      handler: returnReport,
    },
    {
      name: 'supplies.summary',
      rank: 2,
      words: ['物资月报汇总', 'supplysummary'],
      allow: OFFICE_ROLES,
      summary: '本月各驻点月报的差异和未报驻点',
      example: '物资月报汇总 2026-11',
      handler: showSummary,
    },
    {
      name: 'supplies.pending',
      rank: 1,
      words: ['待批申领', 'supplyrequests'],
      allow: ['general_affairs'],
      summary: '查看等待审批的物资申领',
      example: '待批申领',
      handler: pendingRequests,
    },
    {
      name: 'supplies.approve',
      rank: 1,
      words: ['批准申领', 'approvesupply'],
      allow: ['general_affairs'],
      summary: '批准一项物资申领',
      example: '批准申领 WZ-20261127-001',
      handler: approveRequest,
    },
    {
      name: 'supplies.refuse',
      rank: 2,
      words: ['拒绝申领', 'refusesupply'],
      allow: ['general_affairs'],
      summary: '拒绝一项物资申领（必须写原因）',
      example: '拒绝申领 WZ-20261127-001 本月已配发',
      handler: refuseCommand,
    },
  ],
  actions: [
    { action: 'supplies.report', allow: ['team_leader'], handler: reportFromCard },
    {
      action: 'supplies.approve',
      allow: ['general_affairs'],
      handler: approveRequest,
      confirm: approveRequestQuestion,
    },
    { action: 'supplies.refuseAsk', allow: ['general_affairs'], handler: refuseAsk },
    { action: 'supplies.refuse', allow: ['general_affairs'], handler: refuseFromCard },
  ],
  reporting: { exports: supplyExports, search: supplySearch, weekly: suppliesWeekly },
};
