import type { Workflow } from '../../src/core/workflow.ts';
import { confirmCommand, confirmFromCard, reclassifyCommand, reclassifyForm, reclassifyFromCard } from './accept.ts';
import { ACCEPTORS } from './acceptance-rules.ts';
import {
  confirmEffect,
  followUp,
  followUpForm,
  measuresForm,
  moreFollowUp,
  newMeasures,
  reopen,
  reopenForm,
  reopenStep,
} from './aftercare.ts';
import { changeFromCard, fileAppeal, ruleCommand, rulingForm, upholdFromCard } from './appeal.ts';
import { approveCommand, approveFromCard, approveQuestion, refuseApproval, refuseApprovalForm } from './authority.ts';
import { decide, decideFeeForm, decideForm } from './decide.ts';
import { complaintExports } from './exports.ts';
import { listComplaints, listOverdue, myTodo, showComplaint, showFromCard } from './lookup.ts';
import { complaintModels, complaintRows } from './models.ts';
import { listComplaintTypes, registerComplaint, registerForm, setComplaintTypes } from './register.ts';
import { complaintReport, REPORTERS } from './report.ts';
import { seenCommand, seenFromCard } from './responsible.ts';
import { resultForm, tellResult } from './result.ts';
import { APPEALERS, REGISTRARS, VIEWERS } from './rules.ts';
import { complaintSearch } from './search.ts';
import { complaintSettings } from './settings.ts';
import { investigate, investigateForm, toldCommand, toldFromCard } from './steps.ts';
import { complaintsClientMonth, complaintsWeekly } from './weekly.ts';

/**
 * 客户投诉 (rulebook Ch.10 III): registration (§4.1, the 客户投诉登记表), telling the client it is
 * handled (§4.2), 人防部's investigation (§3.2), customer service's decision, improvement and result
 * (§3.1.5, §3.1.6, §3.1.9), follow-up calls (§3.1.10), the report to the company (§4.3), the chairman's
 * confirmation of money promised (§4.4), 签呈 (§4.5), and the time-limit sweep (§3.1.3).
 */
export const complaints: Workflow = {
  name: 'complaints',
  title: '客户投诉',
  topic: '投诉',
  forms: [
    registerForm,
    investigateForm,
    decideForm,
    decideFeeForm,
    resultForm,
    followUpForm,
    rulingForm,
    measuresForm,
    reopenForm,
    reclassifyForm,
    refuseApprovalForm,
  ],
  models: complaintModels,
  settings: complaintSettings,
  // complaints stored before their rows (models.ts complaintRows) existed get them once
  start: async (services) => {
    complaintRows.buildInBackground((err) => services.onError(err, { what: 'complaint rows build failed' }));
  },
  commands: [
    {
      name: 'complaints.register',
      rank: 1,
      words: ['登记投诉', '投诉登记', 'newcomplaint'],
      allow: REGISTRARS,
      summary:
        '登记客户投诉（逐项填写；已登记的客户自动带出地址电话，填写的以填写为准；补登加一行「受理日期: 11-25 14:30」）。客服部以外登记的待客服部确认受理（§4.1）',
      example: '登记投诉 万达物业',
      handler: registerComplaint,
    },
    {
      name: 'complaints.confirm',
      rank: 1,
      words: ['确认投诉', 'confirmcomplaint'],
      allow: ACCEPTORS,
      summary: '客服部确认受理别人登记的投诉，可同时改分类（须写原因）；处理时限从确认时按分类起算（§4.1、§3.1.3）',
      example: '确认投诉 TS-20261127-003 扣服务费 客户依合同要求扣服务费',
      handler: confirmCommand,
    },
    {
      name: 'complaints.reclassify',
      rank: 3,
      words: ['改分类', 'reclassify'],
      allow: ACCEPTORS,
      summary: '客服部修改投诉分类（须写原因，拟定处理前；登记人本人不能改），处理时限按受理时间重算（§2、§3.1.3）',
      example: '改分类 TS-20261127-003 扣服务费 客户依合同要求扣服务费',
      handler: reclassifyCommand,
    },
    {
      name: 'complaints.show',
      rank: 2,
      words: ['投诉', 'complaint'],
      allow: VIEWERS,
      summary: '查看一件投诉的完整记录',
      example: '投诉 TS-20261127-003',
      handler: showComplaint,
    },
    {
      name: 'complaints.list',
      rank: 2,
      words: ['投诉列表', 'complaints'],
      allow: VIEWERS,
      summary: '按状态、分类、客户或日期列出投诉',
      example: '投诉列表 待调查',
      handler: listComplaints,
    },
    {
      name: 'complaints.overdue',
      rank: 2,
      words: ['逾期投诉', 'overdue'],
      allow: VIEWERS,
      summary: '列出超过处理时限的投诉',
      example: '逾期投诉',
      handler: listOverdue,
    },
    {
      name: 'complaints.todo',
      rank: 2,
      words: ['我的待办', '待办', 'todo'],
      allow: 'staff',
      summary: '查看等你处理的投诉事项',
      example: '我的待办',
      handler: myTodo,
    },
    {
      name: 'complaints.told',
      rank: 2,
      words: ['已告知', 'told'],
      allow: REGISTRARS,
      summary: '确认已告知客户投诉正在处理（§4.2）',
      example: '已告知 TS-20261127-003',
      handler: toldCommand,
    },
    {
      name: 'complaints.investigate',
      rank: 1,
      words: ['调查', 'investigate'],
      allow: ['guard_ops'],
      summary: '记录调查：原因、责任队员和队长、改善对策（§3.2）',
      example: '调查 TS-20261127-003',
      handler: investigate.command,
    },
    {
      name: 'complaints.decide',
      rank: 1,
      words: ['处理投诉', 'decide'],
      allow: ['customer_service'],
      summary: '拟定处理方式、责任归属和改善方案（§3.1.5）',
      example: '处理投诉 TS-20261127-003',
      handler: decide.command,
    },
    {
      name: 'complaints.effect',
      rank: 2,
      words: ['改善效果', 'effect'],
      allow: ['customer_service'],
      summary: '确认改善方案是否有效（§3.1.6）',
      example: '改善效果 TS-20261127-003 有效 队员已按时到岗',
      handler: confirmEffect,
    },
    {
      name: 'complaints.result',
      rank: 1,
      words: ['告知结果', 'result'],
      allow: ['customer_service'],
      summary: '记录告知客户的处理结果，并建立回访计划（§3.1.9）',
      example: '告知结果 TS-20261127-003',
      handler: tellResult.command,
    },
    {
      name: 'complaints.measures',
      rank: 3,
      words: ['新对策', 'measures'],
      allow: ['guard_ops'],
      summary: '改善效果无效后提出新的改善对策（§3.1.6）',
      example: '新对策 TS-20261127-003\n改善对策: 每晚队长查岗两次并登记',
      handler: newMeasures.command,
    },
    {
      name: 'complaints.followup',
      rank: 1,
      words: ['回访', 'followup'],
      allow: ['customer_service'],
      summary: '记录一次回访；未到计划日期须写提前原因；回访做完、效果有效且客户满意才结案（§3.1.10）',
      example: '回访 TS-20261127-003 满意 客户说已改善',
      handler: followUp.command,
    },
    {
      name: 'complaints.moreFollowUp',
      rank: 3,
      words: ['再次回访', 'morefollowup'],
      allow: ['customer_service'],
      summary: '客户不满意时再安排一次回访（天数可选）',
      example: '再次回访 TS-20261127-003 7',
      handler: moreFollowUp,
    },
    {
      name: 'complaints.seen',
      rank: 2,
      words: ['已阅', 'seen'],
      allow: 'staff',
      summary: '责任队员、队长确认已阅投诉调查结果（§3.2.3）',
      example: '已阅 TS-20261127-003',
      handler: seenCommand,
    },
    {
      name: 'complaints.appeal',
      rank: 3,
      words: ['签呈', 'appeal'],
      allow: APPEALERS,
      summary: '各部门对处理决议有异议时提出签呈（§4.5）',
      example: '签呈 TS-20261127-003 责任不在队员',
      handler: fileAppeal,
    },
    {
      name: 'complaints.ruling',
      rank: 2,
      words: ['签呈决定', 'ruling'],
      allow: ['admin', 'chairman'],
      summary: '决定签呈：维持或改为新的处理方式（提出人和责任人不能决定）',
      example: '签呈决定 TS-20261127-003 维持',
      handler: ruleCommand,
    },
    {
      name: 'complaints.reopen',
      rank: 3,
      words: ['重开投诉', 'reopen'],
      allow: ['customer_service', 'admin'],
      summary: '重开已结案或客户仍不满意的投诉（须写原因；之前的调查和处理保留）',
      example: '重开投诉 TS-20261127-003 问题再次发生',
      handler: reopen,
    },
    {
      name: 'complaints.approve',
      rank: 1,
      words: ['核准处理', 'approvehandling'],
      allow: ['chairman'],
      summary: '核准涉及金额（扣服务费、减免、赔偿等）的投诉处理；不同意写原因，退回客服部重新拟定（§4.4）',
      example: '核准处理 TS-20261127-003',
      handler: approveCommand,
    },
    {
      name: 'complaints.report',
      rank: 2,
      words: ['投诉报告', 'complaintreport'],
      allow: REPORTERS,
      summary:
        '投诉报告：一段时间受理的投诉按分类、状态统计，列出逾期、未告知、待核准的投诉；加「上报」发给行政部和董事长（§4.3）',
      example: '投诉报告 上周',
      handler: complaintReport,
    },
    {
      name: 'complaints.types',
      rank: 3,
      words: ['投诉类型', 'complainttypes'],
      allow: 'staff',
      summary: '查看投诉类型列表',
      example: '投诉类型',
      handler: listComplaintTypes,
    },
    {
      name: 'complaints.setTypes',
      words: ['设置投诉类型', 'settypes'],
      allow: ['admin'],
      summary: '修改投诉类型列表',
      example: '设置投诉类型 队员行为不当、脱岗睡岗、服务态度、安全事件、其他',
      handler: setComplaintTypes,
    },
  ],
  actions: [
    { action: 'complaints.show', allow: VIEWERS, handler: showFromCard },
    { action: 'complaints.told', allow: REGISTRARS, handler: toldFromCard },
    { action: 'complaints.confirm', allow: ACCEPTORS, handler: confirmFromCard },
    { action: 'complaints.reclassify', allow: ACCEPTORS, handler: reclassifyFromCard },
    { action: 'complaints.investigate', allow: ['guard_ops'], handler: investigate.action },
    { action: 'complaints.decide', allow: ['customer_service'], handler: decide.action },
    { action: 'complaints.result', allow: ['customer_service'], handler: tellResult.action },
    { action: 'complaints.followup', allow: ['customer_service'], handler: followUp.action },
    { action: 'complaints.measures', allow: ['guard_ops'], handler: newMeasures.action },
    { action: 'complaints.moreFollowUp', allow: ['customer_service'], handler: moreFollowUp },
    { action: 'complaints.reopen', allow: ['customer_service', 'admin'], handler: reopenStep.action },
    { action: 'complaints.seen', allow: 'staff', handler: seenFromCard },
    { action: 'complaints.uphold', allow: ['admin', 'chairman'], handler: upholdFromCard },
    { action: 'complaints.change', allow: ['admin', 'chairman'], handler: changeFromCard },
    { action: 'complaints.approve', allow: ['chairman'], handler: approveFromCard, confirm: approveQuestion },
    { action: 'complaints.refuseApproval', allow: ['chairman'], handler: refuseApproval.action },
  ],
  reporting: {
    exports: complaintExports,
    search: complaintSearch,
    weekly: complaintsWeekly,
    clientMonth: complaintsClientMonth,
  },
};
