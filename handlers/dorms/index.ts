import type { Workflow } from '../../src/core/workflow.ts';
import { DORM_MANAGERS } from './common.ts';
import { dormModels } from './models.ts';
import { dormSettings } from './settings.ts';
import { assignLeader, listDorms, unassignLeader } from './leaders.ts';
import { allPresentFromCard, reportCommand, reportForm, reportFormFromCard } from './rollcall.ts';
import { monthRecord, recordReturn } from './returns.ts';

/**
 * 宿舍管理 (rulebook §3.3): dorm leaders, the nightly roll call with chase and escalation
 * (§3.3.3), returns after curfew, the weekly summary, hygiene evaluations (§3.3.1–§3.3.2) and
 * rent reports (§3.3.4).
 */
export const dorms: Workflow = {
  name: 'dorms',
  title: '宿舍管理',
  forms: [reportForm],
  models: dormModels,
  settings: dormSettings,
  commands: [
    { name: 'dorms.list', words: ['宿舍列表', 'dorms'], allow: DORM_MANAGERS, summary: '列出宿舍的住宿人数和队长；写宿舍名看住宿人员', example: '宿舍列表 城南宿舍', handler: listDorms },
    { name: 'dorms.assign', words: ['设置宿舍队长', 'setdormleader'], allow: DORM_MANAGERS, summary: '指定宿舍的查房队长（可多位）', example: '设置宿舍队长 城南宿舍 陈队长', handler: assignLeader },
    { name: 'dorms.unassign', words: ['取消宿舍队长', 'unsetdormleader'], allow: DORM_MANAGERS, summary: '取消宿舍队长', example: '取消宿舍队长 城南宿舍 陈队长', handler: unassignLeader },
    { name: 'dorms.report', words: ['查房', 'rollcall'], allow: ['team_leader'], summary: '上报今晚查房：全到，或写未归/请假/夜班的人（可更正）', example: '查房 未归 张三 李四', handler: reportCommand },
    { name: 'dorms.return', words: ['归宿', 'returned'], allow: ['team_leader', 'general_affairs'], summary: '登记未归人员回来的时间', example: '归宿 张三 23:10', handler: recordReturn },
    { name: 'dorms.record', words: ['查房记录', 'rollcalls'], allow: ['team_leader', ...DORM_MANAGERS], summary: '查看一个宿舍一个月的查房记录', example: '查房记录 城南宿舍 2026-11', handler: monthRecord },
  ],
  actions: [
    { action: 'dorms.allPresent', allow: ['team_leader'], handler: allPresentFromCard },
    { action: 'dorms.reportForm', allow: ['team_leader'], handler: reportFormFromCard },
  ],
};
