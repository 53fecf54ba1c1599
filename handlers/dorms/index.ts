import type { Workflow } from '../../src/core/workflow.ts';
import { fillAbsenceKeysInBackground } from './absence-keys.ts';
import { DORM_MANAGERS } from './common.ts';
import { dormExports } from './exports.ts';
import { attachHygienePhoto, hygieneForm, ranking, startEvaluation, wantsHygienePhoto } from './hygiene.ts';
import {
  assignLeader,
  leaderFromCard,
  leaderHoldings,
  listDorms,
  staffCardLeaderButtons,
  unassignLeader,
} from './leaders.ts';
import { dormModels, rollCallRows } from './models.ts';
import {
  confirmCommand,
  confirmFromCard,
  paidCommand,
  paidFromCard,
  rentForm,
  rentList,
  startRentReport,
} from './rent.ts';
import { paidQuestion, payeeQuestion } from './rent-confirm.ts';
import { monthRecord, recordReturn } from './returns.ts';
import { allPresentFromCard, reportCommand, reportForm, reportFormFromCard } from './rollcall.ts';
import { dormLeaderColumn } from './roster.ts';
import { dormSearch } from './search.ts';
import { dormSettings } from './settings.ts';
import { dormsWeekly } from './weekly.ts';

/**
 * 宿舍管理 (rulebook §3.3): dorm leaders, the nightly roll call with chase and escalation
 * (§3.3.3), returns after curfew, the weekly summary, hygiene evaluations (§3.3.1–§3.3.2) and
 * rent reports (§3.3.4).
 */
export const dorms: Workflow = {
  name: 'dorms',
  title: '宿舍管理',
  topic: '宿舍',
  forms: [reportForm, hygieneForm, rentForm],
  // a picture right after 卫生检查 is a photo of that evaluation (§3.3.2); any other goes on to reimbursements
  attachment: { allow: ['team_leader', 'general_affairs'], wants: wantsHygienePhoto, attach: attachHygienePhoto },
  models: dormModels,
  settings: dormSettings,
  // roll calls from before their rows (models.ts rollCallRows) get them once: one full read
  start: async (services) => {
    rollCallRows.buildInBackground((err) => services.onError(err, { what: 'roll call rows build failed' }));
    // 查找's keys to the absences reported before them, from the rows once built (absence-keys.ts)
    fillAbsenceKeysInBackground((err) => services.onError(err, { what: 'absence keys backfill failed' }));
  },
  // 设置宿舍队长 finds the person and shows their staff card the foundation's way
  requires: ['foundation'],
  // 宿舍队长 in the staff roster (花名册), read by npm run import-roster
  rosterColumns: [dormLeaderColumn],
  staffCardButtons: staffCardLeaderButtons,
  staffHoldings: leaderHoldings,
  commands: [
    {
      name: 'dorms.list',
      rank: 2,
      words: ['宿舍列表', 'dorms'],
      allow: DORM_MANAGERS,
      summary: '列出宿舍的住宿人数和队长；写宿舍名看住宿人员',
      example: '宿舍列表 城南宿舍',
      handler: listDorms,
    },
    {
      name: 'dorms.assign',
      rank: 3,
      words: ['设置宿舍队长', 'setdormleader'],
      allow: DORM_MANAGERS,
      summary: '指定宿舍的查房队长（可多位）',
      example: '设置宿舍队长 城南宿舍 陈队长',
      handler: assignLeader,
    },
    {
      name: 'dorms.unassign',
      words: ['取消宿舍队长', 'unsetdormleader'],
      allow: DORM_MANAGERS,
      summary: '取消宿舍队长',
      example: '取消宿舍队长 城南宿舍 陈队长',
      handler: unassignLeader,
    },
    {
      name: 'dorms.report',
      rank: 1,
      words: ['查房', 'rollcall'],
      allow: ['team_leader'],
      summary: '上报今晚查房：全到，或写未归/请假/夜班的人（可更正）',
      example: '查房 未归 张三 李四',
      handler: reportCommand,
    },
    {
      name: 'dorms.return',
      rank: 1,
      words: ['归宿', 'returned'],
      allow: ['team_leader', 'general_affairs'],
      summary: '登记未归人员回来的时间',
      example: '归宿 张三 23:10',
      handler: recordReturn,
    },
    {
      name: 'dorms.record',
      rank: 2,
      words: ['查房记录', 'rollcalls'],
      allow: ['team_leader', ...DORM_MANAGERS],
      summary: '查看一个宿舍一个月的查房记录',
      example: '查房记录 城南宿舍 2026-11',
      handler: monthRecord,
    },
    {
      name: 'dorms.hygiene',
      rank: 2,
      words: ['卫生检查', 'hygiene'],
      allow: ['team_leader', 'general_affairs'],
      summary: '逐项记录宿舍卫生评比（合格/不合格、总分、备注）',
      example: '卫生检查 城南宿舍',
      handler: startEvaluation,
    },
    {
      name: 'dorms.ranking',
      rank: 3,
      words: ['卫生评比', 'hygieneranking'],
      allow: ['team_leader', ...DORM_MANAGERS],
      summary: '查看一个月的宿舍卫生评比排名',
      example: '卫生评比 2026-11',
      handler: ranking,
    },
    {
      name: 'dorms.rent',
      rank: 3,
      words: ['房租申报', 'rent'],
      allow: ['team_leader'],
      summary: '申报宿舍房租和房东账号（§3.3.4）',
      example: '房租申报 城南宿舍',
      handler: startRentReport,
    },
    {
      name: 'dorms.rentConfirm',
      rank: 3,
      words: ['房租确认', 'rentconfirm'],
      allow: ['general_affairs'],
      summary: '核实后确认房租的新收款人（房东或账号变了，确认后才能付款）',
      example: '房租确认 城南宿舍 2026-11',
      handler: confirmCommand,
    },
    {
      name: 'dorms.rentPaid',
      rank: 2,
      words: ['房租已付', 'rentpaid'],
      allow: ['finance'],
      summary: '登记房租已付给房东',
      example: '房租已付 城南宿舍 2026-11 银行转账',
      handler: paidCommand,
    },
    {
      name: 'dorms.rentList',
      rank: 3,
      words: ['房租记录', 'rents'],
      allow: ['general_affairs', 'finance', 'admin'],
      summary: '查看一个月各宿舍的房租申报和付款',
      example: '房租记录 2026-11',
      handler: rentList,
    },
  ],
  actions: [
    { action: 'dorms.assign', allow: DORM_MANAGERS, handler: leaderFromCard },
    { action: 'dorms.unassign', allow: DORM_MANAGERS, handler: leaderFromCard },
    { action: 'dorms.allPresent', allow: ['team_leader'], handler: allPresentFromCard },
    { action: 'dorms.reportForm', allow: ['team_leader'], handler: reportFormFromCard },
    { action: 'dorms.rentPaid', allow: ['finance'], handler: paidFromCard, confirm: paidQuestion },
    { action: 'dorms.rentConfirm', allow: ['general_affairs'], handler: confirmFromCard, confirm: payeeQuestion },
  ],
  reporting: { exports: dormExports, search: dormSearch, weekly: dormsWeekly },
};
