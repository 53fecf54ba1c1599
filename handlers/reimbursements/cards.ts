import { formatFen } from '../../src/core/money.ts';
import { formatDateTime } from '../../src/core/numbering.ts';
import type { Card } from '../../src/core/types.ts';
import { type ClaimStatus, STATUS_LABELS } from './approval.ts';
import type { ClaimRecord } from './models.ts';
import { claimHeadline, detailButton, flagsLine, seeClaim, submitButton } from './replies.ts';
import { type ClaimItem, categoryLabel, companionLines, type RuleMessage } from './rules.ts';

export { draftSummary } from './replies.ts';

/** What the cards need of a claim (a lean record). */
export type ClaimView = Pick<
  ClaimRecord,
  | '_id'
  | 'claimantName'
  | 'items'
  | 'total'
  | 'flags'
  | 'steps'
  | 'stepIndex'
  | 'status'
  | 'history'
  | 'resubmitOf'
  | 'payment'
  | 'version'
  | 'submittedAt'
> & { companionChecks?: ClaimRecord['companionChecks'] };

export function itemLine(it: ClaimItem, i: number): string {
  const group =
    (it.travellers ?? 1) >= 2
      ? `（${it.travellers}人同行${it.companions?.length ? `：本人、${it.companions.join('、')}` : ''}）`
      : '';
  const bus = it.serials?.length ? `；票号 ${it.serials.join(',')}${group}` : '';
  const photos = it.receipts?.length ? `；票据照片 ${it.receipts.length} 张` : '；无票据照片';
  return `${i + 1}. ${it.date} ${categoryLabel(it.category)} ${formatFen(it.amount)}｜${it.matter}｜接洽人 ${it.contact}${bus}${photos}`;
}

export function flagLines(flags: readonly Pick<RuleMessage, 'message'>[]): string[] {
  return flags.map((f) => `⚠ ${f.message}`);
}

const ACTION_WORDS: Record<string, string> = {
  submitted: '提交',
  approved: '批准',
  rejected: '驳回',
  paid: '发放',
  withdrawn: '撤回',
  companion: '',
};

/** The audit trail, one line per act: when, who, what, on which step. */
export function historyLines(claim: Pick<ClaimView, 'history'>, tz: string): string[] {
  return (claim.history ?? []).map(
    (h) =>
      `${formatDateTime(h.at, tz)} ${h.byName} ${ACTION_WORDS[h.action] ?? h.action}${h.step ? `「${h.step}」` : ''}${h.note ? `：${h.note}` : ''}`,
  );
}

export function currentStepLabel(claim: Pick<ClaimView, 'status' | 'steps' | 'stepIndex'>): string {
  if (claim.status !== 'pending') return `已${STATUS_LABELS[claim.status as ClaimStatus]}`;
  return `待「${claim.steps[claim.stepIndex]?.label ?? '?'}」`;
}

function claimLines(claim: ClaimView, tz: string): string[] {
  return [
    `申请人：${claim.claimantName}　合计：${formatFen(claim.total)}（${claim.items.length} 项）`,
    ...(claim.resubmitOf ? [`重新提交自 ${claim.resubmitOf}`] : []),
    ...claim.items.map((it, i) => itemLine(it, i)),
    ...flagLines(claim.flags ?? []),
    ...companionLines(claim.companionChecks ?? []),
    `流程：${claim.steps.map((s, i) => (i === claim.stepIndex && claim.status === 'pending' ? `【${s.label}】` : s.label)).join(' → ')}`,
    `状态：${currentStepLabel(claim)}`,
    ...(claim.payment?.date ? [`付款：${claim.payment.date} ${claim.payment.method}（${claim.payment.byName}）`] : []),
    '记录：',
    ...historyLines(claim, tz),
  ];
}

/** The record as anyone allowed to see it reads it (claimant, approvers). */
export function claimCard(claim: ClaimView, tz: string, note?: string): Card {
  const color =
    claim.status === 'paid'
      ? 'green'
      : claim.status === 'rejected'
        ? 'red'
        : claim.status === 'withdrawn'
          ? 'grey'
          : 'blue';
  return { title: `报销单 ${claim._id}`, color, lines: claimLines(claim, tz), note };
}

/** 查看票据照片: where the claim has any, the approver asks for the photos themselves (photosOf in receipts.ts). */
function photosButton(claim: ClaimView) {
  const n = claim.items.reduce((sum, it) => sum + (it.receipts?.length ?? 0), 0);
  return n ? [{ label: `查看票据照片（${n} 张）`, action: 'reimburse.photos', value: { no: claim._id } }] : [];
}

/**
 * What a step's card shows of the claim: in short (#21) who claims how much, the rules' warnings in
 * one line and the companions, with the whole record behind 查看明细; `full` is that record.
 */
function stepLines(claim: ClaimView, tz: string, full: boolean): string[] {
  if (full) return claimLines(claim, tz);
  return [claimHeadline(claim), ...flagsLine(claim.flags ?? []), ...companionLines(claim.companionChecks ?? [])];
}

/**
 * The card the current step's approvers get: the claim in short (or `full`: the record, as
 * 「报销单 BX-…」 shows it to them) and the buttons of this step.
 */
export function approvalCard(claim: ClaimView, tz: string, full = false): Card {
  const step = claim.steps[claim.stepIndex]!;
  const value = { no: claim._id, v: String(claim.version) };
  const more = full ? [] : [detailButton(claim._id)];
  if (step.key === 'payout') {
    return {
      title: `报销待发放 ${claim._id}`,
      color: 'orange',
      lines: stepLines(claim, tz, full),
      form: {
        action: 'reimburse.pay',
        value,
        submitLabel: '确认已发放',
        confirm: `${claimSummary(claim)}，登记为已发放。`,
        fields: [
          { key: 'method', label: '付款方式', required: true, placeholder: '现金 / 银行转账 / 微信 / 支付宝' },
          { key: 'date', label: '付款日期', placeholder: '如 2026-11-27，不填为今天' },
        ],
      },
      buttons: [...photosButton(claim), ...more],
      note: `下一步：财务部登记发放。也可发送：发放 ${claim._id} 银行转账 [付款日期]`,
    };
  }
  return {
    title: `报销审批：${step.label} ${claim._id}`,
    color: 'orange',
    lines: stepLines(claim, tz, full),
    buttons: [
      { label: '批准', action: 'reimburse.approve', value, style: 'primary', confirm: `${claimSummary(claim)}。` },
      { label: '驳回', action: 'reimburse.rejectAsk', value, style: 'danger' },
      ...photosButton(claim),
      ...more,
    ],
    note: `也可发送：批准 ${claim._id}，或 驳回 ${claim._id} 原因`,
  };
}

/** Lark: the reject button turns the clicker's card into this form, which asks for the reason. */
export function rejectReasonCard(claim: ClaimView, tz: string, error?: string): Card {
  const step = claim.steps[claim.stepIndex]!;
  return {
    title: `驳回：${step.label} ${claim._id}`,
    color: 'red',
    lines: stepLines(claim, tz, false),
    form: {
      action: 'reimburse.reject',
      value: { no: claim._id, v: String(claim.version) },
      submitLabel: '确认驳回',
      fields: [{ key: 'reason', label: '驳回原因', required: true, placeholder: '写明原因，申请人据此修改', error }],
    },
    buttons: [{ label: '返回', action: 'reimburse.show', value: { no: claim._id } }],
  };
}

/** Every copy of a decided step's card becomes this: who did what and when, no buttons. */
export function decidedCard(claim: ClaimView, stepKey: string, tz: string): Card {
  const step = claim.steps.find((s) => s.key === stepKey);
  const what =
    step?.status === 'rejected'
      ? '驳回'
      : step?.status === 'paid'
        ? '发放'
        : step?.status === 'cancelled'
          ? '撤回'
          : '批准';
  const who =
    step?.status === 'cancelled'
      ? `申请人已撤回`
      : `${step?.byName ?? ''} 于 ${step?.at ? formatDateTime(step.at, tz) : ''} ${what}`;
  return {
    title: `报销${what}：${step?.label ?? ''} ${claim._id}`,
    color: step?.status === 'rejected' ? 'red' : step?.status === 'cancelled' ? 'grey' : 'green',
    lines: [claimHeadline(claim), `状态：${currentStepLabel(claim)}`],
    note: `${who}${step?.reason ? `，原因：${step.reason}` : ''}。${seeClaim(claim._id)}`,
  };
}

/** The claim being put together, with what the rules say so far and what to do next. */
export function draftCard(
  items: readonly ClaimItem[],
  flags: readonly RuleMessage[],
  resubmitOf?: string | null,
): Card {
  const total = items.reduce((s, it) => s + it.amount, 0);
  return {
    title: '报销草稿（未提交）',
    color: 'blue',
    lines: [
      ...(resubmitOf ? [`重新提交 ${resubmitOf}（已驳回/撤回）的更正单`] : []),
      ...items.map((it, i) => itemLine(it, i)),
      `合计：${formatFen(total)}（${items.length} 项）`,
      ...flagLines(flags),
    ],
    buttons: [
      { label: '继续添加', action: 'reimburse.addItem' },
      submitButton(items),
      { label: '放弃', action: 'reimburse.discard', style: 'danger' },
    ],
    note: '也可发送：报销（再加一项）、删除明细 序号、提交报销、放弃报销',
  };
}

/** The claim and its step as the question names them: 「报销单 BX-… 「综合部审核」：张三，合计 ¥…（3 项）」. */
export function claimSummary(
  claim: Pick<ClaimView, '_id' | 'claimantName' | 'total' | 'items' | 'steps' | 'stepIndex'>,
): string {
  const step = claim.steps[claim.stepIndex];
  return `报销单 ${claim._id}${step ? `「${step.label}」` : ''}：${claim.claimantName}，合计 ${formatFen(claim.total)}（${claim.items.length} 项）`;
}
