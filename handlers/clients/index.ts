import type { BotContext } from '../../src/core/context.ts';
import type { Workflow } from '../../src/core/workflow.ts';
import { clientDirectory } from '../complaints/api.ts';
import { backfillClients } from './backfill.ts';
import {
  attachVisitPhoto,
  callComplaintForm,
  callForm,
  callFromCard,
  logCall,
  logVisit,
  visitComplaintForm,
  visitForm,
  visitFromCard,
  wantsVisitPhoto,
} from './contacts.ts';
import { myDueList } from './digest.ts';
import { clientRecords } from './directory.ts';
import { clientExports } from './exports.ts';
import { clientHoldings } from './holdings.ts';
import { clientListImport } from './import.ts';
import { listClients, rotation, showClient, showFromCard } from './lookup.ts';
import { clientLogRows, clientModels } from './models.ts';
import {
  approvePromiseCommand,
  approvePromiseFromCard,
  approvePromiseQuestion,
  refusePromiseForm,
  refusePromiseFromCard,
} from './promise-approval.ts';
import { listPromises, promiseDone, promiseDoneFromCard } from './promises.ts';
import { addClient, addClientForm, archiveClient, editClient, editClientForm, editFromCard } from './records.ts';
import { reportClientNamed } from './report-client.ts';
import { CLIENT_VIEWERS, CONTACTERS, KEEPERS } from './rules.ts';
import { clientSearch } from './search.ts';
import { clientSettings, clientSettingsOf } from './settings.ts';
import { clientsClientMonth, clientsWeekly } from './weekly.ts';

const dueList = (ctx: BotContext) => myDueList(ctx, clientSettingsOf(ctx.services.config));

/**
 * 客户管理 (rulebook Ch.10 I–II): the client database kept by 客服部 (I.2.8, I.2.9), follow-up plans
 * and the morning list (I.2.5, I.2.7), the rotation view (I.3.5), phone follow-ups and visit reports
 * (II), and the promises made to clients (II.7), those that commit money confirmed by the chairman (III §4.4).
 */
export const clients: Workflow = {
  name: 'clients',
  title: '客户管理',
  topic: '客户',
  forms: [addClientForm, editClientForm, callForm, visitForm, callComplaintForm, visitComplaintForm, refusePromiseForm],
  // a picture right after 拜访 is a photo of that visit (II); any other goes on to reimbursements
  attachment: { allow: CONTACTERS, wants: wantsVisitPhoto, attach: attachVisitPhoto },
  models: clientModels,
  settings: clientSettings,
  staffHoldings: clientHoldings,
  // a client's complaints show on its card and in its follow-ups; complaints are registered against its records
  requires: ['complaints'],
  extends: [clientDirectory.with(clientRecords)],
  imports: [clientListImport],
  // records from before the search text and the name key get them once
  start: async (services) => {
    await backfillClients(services);
    clientLogRows.buildInBackground((err) => services.onError(err, { what: 'client log rows build failed' }));
  },
  commands: [
    {
      name: 'clients.show',
      rank: 2,
      words: ['客户', 'client'],
      allow: CLIENT_VIEWERS,
      summary: '按名称、联系人、电话或驻点查找客户，查看档案',
      example: '客户 万达物业',
      handler: showClient,
    },
    {
      name: 'clients.list',
      rank: 2,
      words: ['客户列表', 'clients'],
      allow: CLIENT_VIEWERS,
      summary: '按状态列出客户（现有/潜在/已流失/全部/我的）',
      example: '客户列表 潜在',
      handler: listClients,
    },
    {
      name: 'clients.add',
      rank: 3,
      words: ['添加客户', 'addclient'],
      allow: KEEPERS,
      summary: '新建客户档案（逐项填写）',
      example: '添加客户',
      handler: addClient,
    },
    {
      name: 'clients.edit',
      rank: 3,
      words: ['修改客户', 'editclient'],
      allow: KEEPERS,
      summary: '修改客户档案，每次修改都留记录',
      example: '修改客户 万达物业\n电话: 0571-88886666',
      handler: editClient,
    },
    {
      name: 'clients.archive',
      words: ['客户流失', 'archiveclient'],
      allow: KEEPERS,
      summary: '把不再合作的客户归档为已流失（不删除）',
      example: '客户流失 万达物业 合同到期未续签',
      handler: archiveClient,
    },
    {
      name: 'clients.call',
      rank: 1,
      words: ['跟进', '电话回访', 'call'],
      allow: CONTACTERS,
      summary: '记录一次电话回访：联系了谁、说了什么；投诉回访到期时同时计入投诉回访（写满意/不满意）',
      example: '跟进 万达物业 张经理 对夜班满意',
      handler: logCall,
    },
    {
      name: 'clients.visit',
      rank: 1,
      words: ['拜访', '拜访报告', 'visit'],
      allow: CONTACTERS,
      summary: '填写拜访报告（拜访客户记录卡），含对客户的承诺；投诉回访到期时同时计入',
      example: '拜访 万达物业',
      handler: logVisit,
    },
    {
      name: 'clients.due',
      rank: 1,
      words: ['今日跟进', '跟进清单', 'due'],
      allow: CONTACTERS,
      summary: '查看你今天到期和逾期的客户跟进',
      example: '今日跟进',
      handler: dueList,
    },
    {
      name: 'clients.rotation',
      rank: 2,
      words: ['巡回访问', '轮访', 'rotation'],
      allow: CLIENT_VIEWERS,
      summary: '巡回访问顺序：最久没联系的客户在前（I.3.5）',
      example: '巡回访问 我的',
      handler: rotation,
    },
    {
      name: 'clients.promises',
      rank: 2,
      words: ['承诺', 'promises'],
      allow: CONTACTERS,
      summary: '查看未完成的客户承诺（我的/全部/某客户）',
      example: '承诺 全部',
      handler: listPromises,
    },
    {
      name: 'clients.promiseApprove',
      rank: 1,
      words: ['核准承诺', 'approvepromise'],
      allow: ['chairman'],
      summary:
        '核准涉及金额（减免、退款、赔偿、免费等）的客户承诺；不同意写原因；不写编号列出待核准的（第十章三 §4.4）',
      example: '核准承诺 CN-20261127-001',
      handler: approvePromiseCommand,
    },
    {
      name: 'clients.promiseDone',
      rank: 2,
      words: ['承诺完成', 'promisedone'],
      allow: CONTACTERS,
      summary: '标记对客户的承诺已兑现（II.7）',
      example: '承诺完成 CN-20261127-001 已送排班表',
      handler: promiseDone,
    },
  ],
  actions: [
    { action: 'clients.show', allow: CLIENT_VIEWERS, handler: showFromCard },
    { action: 'clients.edit', allow: KEEPERS, handler: editFromCard },
    { action: 'clients.call', allow: CONTACTERS, handler: callFromCard },
    { action: 'clients.visit', allow: CONTACTERS, handler: visitFromCard },
    { action: 'clients.promiseDone', allow: CONTACTERS, handler: promiseDoneFromCard },
    {
      action: 'clients.promiseApprove',
      allow: ['chairman'],
      handler: approvePromiseFromCard,
      confirm: approvePromiseQuestion,
    },
    { action: 'clients.promiseRefuse', allow: ['chairman'], handler: refusePromiseFromCard },
  ],
  reporting: {
    exports: clientExports,
    search: clientSearch,
    weekly: clientsWeekly,
    clientMonth: clientsClientMonth,
    clients: reportClientNamed,
  },
};
