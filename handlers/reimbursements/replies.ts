import { formatFen } from '../../src/core/money.ts';
import type { Card, CardButton } from '../../src/core/types.ts';
import { type ClaimItem, categoryLabel, type RuleMessage } from './rules.ts';

/*
 * The short replies of a claim's steps (#21): what happened, the number, what comes next and for
 * whom — a few lines that fit a phone. The whole record is one command (「报销单 BX-…」) or one button
 * (查看明细 / 查看草稿) away; cards.ts draws the record itself.
 */

/** What a short reply needs of a claim. */
export interface ClaimBrief {
  _id: string;
  claimantName: string;
  total: number;
  items: readonly unknown[];
  flags?: readonly Pick<RuleMessage, 'message'>[];
}

/** 「申请人 张三，合计 ¥12.00（2 项）」 */
export function claimHeadline(claim: ClaimBrief): string {
  return `申请人 ${claim.claimantName}，合计 ${formatFen(claim.total)}（${claim.items.length} 项）`;
}

/** Where the whole claim is: the command that shows it. */
export function seeClaim(no: string): string {
  return `发送「报销单 ${no}」查看明细`;
}

/** The button that shows the whole claim (the same as 「报销单 BX-…」). */
export function detailButton(no: string): CardButton {
  return { label: '查看明细', action: 'reimburse.detail', value: { no } };
}

/**
 * The rules' warnings in one line: the first, and how many more (the record lists them all). An
 * approver must see that there are some; what each says is in the record.
 */
export function flagsLine(flags: readonly Pick<RuleMessage, 'message'>[]): string[] {
  if (!flags.length) return [];
  const more = flags.length > 1 ? `（共 ${flags.length} 条提示）` : '';
  return [`⚠ ${flags[0]!.message}${more}`];
}

/** A step's label without its clause: 「综合部特批（§3.5.2）」 → 「综合部特批」. */
export function stepName(label: string): string {
  return label.replace(/（.*）/, '');
}

/** The claimant's answer to 提交报销: the number, the total, who decides next; 撤回 on it. */
export function submittedReply(claim: ClaimBrief, firstStep: string, reached: boolean): Card {
  const next = stepName(firstStep);
  return {
    title: `已提交报销 ${claim._id}`,
    color: 'blue',
    lines: [
      `合计 ${formatFen(claim.total)}（${claim.items.length} 项）。`,
      reached ? `下一步：${next}，已通知。` : `下一步：${next}，但暂时没有可审批的人员，请联系行政部。`,
    ],
    note: `${seeClaim(claim._id)}；审批前可撤回`,
    buttons: [{ label: '撤回', action: 'reimburse.withdraw', value: { no: claim._id }, style: 'danger' }],
  };
}

/** One item as the confirmation names it: 「2026-11-26 地铁 ¥6.00」. */
export function itemBrief(it: Pick<ClaimItem, 'date' | 'category' | 'amount'>): string {
  return `${it.date} ${categoryLabel(it.category)} ${formatFen(it.amount)}`;
}

/**
 * The draft after something went into it: what was added, the draft's total, the first thing the
 * rules ask for, and what to do next; the whole draft (numbered, for 删除明细) behind 查看草稿.
 */
export function draftAddedCard(
  added: string,
  items: readonly Pick<ClaimItem, 'amount'>[],
  flags: readonly RuleMessage[],
  resubmitOf?: string | null,
): Card {
  const total = items.reduce((s, it) => s + it.amount, 0);
  return {
    title: resubmitOf ? `报销草稿（更正 ${resubmitOf}，未提交）` : '报销草稿（未提交）',
    color: 'blue',
    lines: [added, `草稿共 ${items.length} 项，合计 ${formatFen(total)}。`, ...flagsLine(flags)],
    buttons: [
      { label: '继续添加', action: 'reimburse.addItem' },
      submitButton(items),
      // the buttons of the whole draft keep their numbers (3 放弃 on a text channel)
      { label: '放弃', action: 'reimburse.discard', style: 'danger' },
      { label: '查看草稿', action: 'reimburse.draft' },
    ],
    note: '下一步：发票据照片；提交后送综合部审核',
  };
}

/** The draft as the question names it: 「3 项明细，合计 ¥35283.00」. */
export function draftSummary(items: readonly Pick<ClaimItem, 'amount'>[]): string {
  return `${items.length} 项明细，合计 ${formatFen(items.reduce((s, it) => s + it.amount, 0))}`;
}

/** 提交报销 on a draft: it asks once, naming the items and the total. */
export function submitButton(items: readonly Pick<ClaimItem, 'amount'>[]): CardButton {
  return {
    label: '提交报销',
    action: 'reimburse.submit',
    style: 'primary',
    confirm: `${draftSummary(items)}，提交后送综合部审核。`,
  };
}
