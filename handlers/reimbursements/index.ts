import type { Workflow } from '../../src/core/workflow.ts';
import { hasDraft } from './availability.ts';
import { fillClaimantKeysInBackground } from './claimant-keys.ts';
import { companionFromCard, confirmCompanion, denyCompanion } from './companions.ts';
import { approveQuestion, submitQuestion } from './confirm.ts';
import { approve, payCommand, payFromCard, rejectAsk, rejectCommand, rejectFromCard, showOnCard } from './decide.ts';
import { backfillClaimDays } from './due.ts';
import { reimbursementExports } from './exports.ts';
import { approvalHoldings } from './holdings.ts';
import { addItemFromCard, discardDraft, itemForm, removeItem, showWholeDraft, startItem } from './items.ts';
import { APPROVER_ROLES, ledger, myClaims, pendingForMe, showClaim } from './lookup.ts';
import { claimRows, ledgerRows, reimbursementModels } from './models.ts';
import { attachReceipt, choosePhotoItem, receiptFirstItem, showPhotos, wantsReceipt } from './receipts.ts';
import { claimSearch } from './search.ts';
import { reimbursementSettings } from './settings.ts';
import { resubmitClaim, submitDraft, withdrawClaim } from './submit.ts';
import { reimbursementsWeekly } from './weekly.ts';

/**
 * 费用报销 (§3.5): staff put a claim together item by item and submit it; 综合部 → 财务部 → 董事长 →
 * 财务部发放 decide on cards (Lark) or by command (WeChat/console), with the rule flags as extra steps.
 */
export const reimbursements: Workflow = {
  name: 'reimbursements',
  title: '费用报销',
  topic: '报销',
  forms: [itemForm],
  attachment: { allow: 'staff', wants: wantsReceipt, attach: attachReceipt, otherwise: receiptFirstItem },
  models: reimbursementModels,
  settings: reimbursementSettings,
  staffHoldings: approvalHoldings,
  // claims decided before the day keys (周报, 导出 报销台账) existed get them once, and their 周报 rows
  start: async (services) => {
    await backfillClaimDays(services.config.timezone);
    claimRows.buildInBackground((err) => services.onError(err, { what: 'claim rows build failed' }));
    ledgerRows.buildInBackground((err) => services.onError(err, { what: 'ledger rows build failed' }));
    // 查找's keys to each person's claims (claimant-keys.ts)
    fillClaimantKeysInBackground((err) => services.onError(err, { what: 'claimant keys backfill failed' }));
  },
  commands: [
    {
      name: 'reimburse.item',
      rank: 1,
      words: ['报销', 'reimburse'],
      allow: 'staff',
      summary: '填写一项报销明细（可多次添加后一起提交）',
      example: '报销',
      handler: startItem,
    },
    {
      name: 'reimburse.submit',
      rank: 1,
      available: hasDraft,
      words: ['提交报销', 'submitclaim'],
      allow: 'staff',
      summary: '提交已填写的报销明细，得到报销单号',
      example: '提交报销',
      handler: submitDraft,
    },
    {
      name: 'reimburse.photo',
      rank: 2,
      available: hasDraft,
      words: ['补票据', 'receiptfor'],
      allow: 'staff',
      summary: '给报销草稿的第几项补发票据照片（提交前）',
      example: '补票据 2',
      handler: choosePhotoItem,
    },
    {
      name: 'reimburse.companion.yes',
      rank: 3,
      words: ['确认同行', 'confirmtravel'],
      allow: 'staff',
      summary: '确认自己是报销单上写的同行人（§3.5.3）',
      example: '确认同行 BX-20261127-001',
      handler: confirmCompanion,
    },
    {
      name: 'reimburse.companion.no',
      rank: 3,
      words: ['否认同行', 'denytravel'],
      allow: 'staff',
      summary: '报销单写你同行，但你没有同行',
      example: '否认同行 BX-20261127-001',
      handler: denyCompanion,
    },
    {
      name: 'reimburse.remove',
      rank: 3,
      available: hasDraft,
      words: ['删除明细', 'removeitem'],
      allow: 'staff',
      summary: '从未提交的报销草稿中删除一项',
      example: '删除明细 2',
      handler: removeItem,
    },
    {
      name: 'reimburse.discard',
      rank: 3,
      available: hasDraft,
      words: ['放弃报销', 'discardclaim'],
      allow: 'staff',
      summary: '放弃未提交的报销草稿',
      example: '放弃报销',
      handler: discardDraft,
    },
    {
      name: 'reimburse.mine',
      rank: 1,
      words: ['我的报销', 'myclaims'],
      allow: 'staff',
      summary: '查看我的报销单和进度',
      example: '我的报销',
      handler: myClaims,
    },
    {
      name: 'reimburse.show',
      rank: 2,
      words: ['报销单', 'claim'],
      allow: 'staff',
      summary: '按编号查看报销单和审批记录',
      example: '报销单 BX-20261127-001',
      handler: showClaim,
    },
    {
      name: 'reimburse.withdraw',
      rank: 3,
      words: ['撤回报销', 'withdrawclaim'],
      allow: 'staff',
      summary: '在无人审批前撤回自己的报销单',
      example: '撤回报销 BX-20261127-001',
      handler: withdrawClaim,
    },
    {
      name: 'reimburse.resubmit',
      rank: 3,
      words: ['重新报销', 'resubmit'],
      allow: 'staff',
      summary: '被驳回或撤回后，更正再报（关联原单）',
      example: '重新报销 BX-20261127-001',
      handler: resubmitClaim,
    },
    {
      name: 'reimburse.pending',
      rank: 1,
      words: ['待审批', 'pending'],
      allow: APPROVER_ROLES,
      summary: '查看等我审批的报销单',
      example: '待审批',
      handler: pendingForMe,
    },
    {
      name: 'reimburse.approve',
      rank: 1,
      words: ['批准', 'approve'],
      allow: APPROVER_ROLES,
      summary: '批准报销单的当前步骤',
      example: '批准 BX-20261127-001',
      handler: approve,
    },
    {
      name: 'reimburse.reject',
      rank: 1,
      words: ['驳回', 'reject'],
      allow: APPROVER_ROLES,
      summary: '驳回报销单（必须写原因）',
      example: '驳回 BX-20261127-001 票据缺少接洽人签字',
      handler: rejectCommand,
    },
    {
      name: 'reimburse.pay',
      rank: 1,
      words: ['发放', 'payout'],
      allow: ['finance'],
      summary: '登记报销款已发放（付款方式、日期）',
      example: '发放 BX-20261127-001 银行转账',
      handler: payCommand,
    },
    {
      name: 'reimburse.ledger',
      rank: 2,
      words: ['报销台账', 'ledger'],
      allow: ['finance', 'chairman'],
      summary: '本月已发放报销，按类别、按人员合计',
      example: '报销台账 2026-11',
      handler: ledger,
    },
  ],
  actions: [
    { action: 'reimburse.addItem', allow: 'staff', handler: addItemFromCard },
    { action: 'reimburse.submit', allow: 'staff', handler: submitDraft, confirm: submitQuestion },
    { action: 'reimburse.discard', allow: 'staff', handler: discardDraft },
    { action: 'reimburse.withdraw', allow: 'staff', handler: withdrawClaim },
    { action: 'reimburse.approve', allow: APPROVER_ROLES, handler: approve, confirm: approveQuestion },
    { action: 'reimburse.rejectAsk', allow: APPROVER_ROLES, handler: rejectAsk },
    { action: 'reimburse.reject', allow: APPROVER_ROLES, handler: rejectFromCard },
    { action: 'reimburse.pay', allow: ['finance'], handler: payFromCard },
    { action: 'reimburse.show', allow: APPROVER_ROLES, handler: showOnCard },
    // the short step cards' 查看明细 / 查看草稿 (#21): the whole claim or draft
    { action: 'reimburse.detail', allow: 'staff', handler: showClaim },
    { action: 'reimburse.draft', allow: 'staff', handler: showWholeDraft },
    { action: 'reimburse.photos', allow: 'staff', handler: showPhotos },
    { action: 'reimburse.companion', allow: 'staff', handler: companionFromCard },
  ],
  reporting: { exports: reimbursementExports, search: claimSearch, weekly: reimbursementsWeekly },
};
