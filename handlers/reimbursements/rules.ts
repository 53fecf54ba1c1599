import { DateTime } from 'luxon';
import { formatFen } from '../../src/core/money.ts';
import { isTicket, specialApprovalReason } from './categories.ts';
import type { ItemRecord } from './models.ts';
import { areConsecutive, normalizeSerial } from './serials.ts';

/*
 * The rulebook's §3.5 (费用报销管理) as pure functions, each named after what its clause says and
 * returning messages that name the clause, so the claimant can fix an item before submitting it.
 * No I/O here: the handlers read the records, ask these, then write.
 */

import { CLAUSE, type RuleMessage } from './clause.ts';

export { CATEGORIES, CATEGORY_HINT, type CategoryKey, categoryLabel, parseCategory } from './categories.ts';
export { CLAUSE, type RuleMessage } from './clause.ts';

/**
 * §3.5.1 综合部审核 → 财务部审查 → 董事长批准 → 财务部发放: checks by separate departments, so one
 * person pushes a claim through one department's steps at most, however many roles they hold (a
 * 行政部 member who gave himself 综合部, 财务部 and 董事长 still decides one of them). The steps of one
 * department may be one person's: the one chairman gives both 批示 (§3.5.4) and 批准, 综合部 its
 * 特批 (§3.5.2) and its review, 财务部 its check and the payout. Returns the earlier step of another
 * department that `staffId` decided, if any.
 */
export function decidedForAnotherDepartment<S extends { role: string; by?: string | null }>(
  steps: readonly S[],
  stepIndex: number,
  staffId: string | undefined,
): S | undefined {
  const step = steps[stepIndex];
  if (!step || !staffId) return undefined;
  return steps.slice(0, stepIndex).find((s) => s.role !== step.role && !!s.by && s.by === staffId);
}

/** One item as the rules read it: the stored item (models.ts); receipt photos do not matter to them. */
export type ClaimItem = Omit<ItemRecord, 'receipts' | 'companions'> & { receipts?: string[]; companions?: string[] };

/**
 * §3.5.3 across claims: a single traveller's ticket next to one the same person already claimed
 * alone on another claim is as consecutive as two tickets on one claim.
 */
export function consecutiveWithEarlierClaims(
  pairs: readonly { serial: string; earlier: string; claimNo: string }[],
): RuleMessage | undefined {
  if (!pairs.length) return undefined;
  const list = pairs.map((p) => `${p.serial} 与 ${p.claimNo} 中的 ${p.earlier}`).join('、');
  return {
    clause: CLAUSE.receipts,
    code: 'consecutive_tickets_across_claims',
    message: `${CLAUSE.receipts} 车票除二人及以上同行外不得连号：${list} 是连号，请核对票据。`,
  };
}

// ── §3.5.2 transport ─────────────────────────────────────────────────────────

/**
 * §3.5.2: travel by bus and subway; anything else is reimbursed only with 综合部's special approval.
 * What the item is comes from its category and its 所办事项 (specialApprovalReason): a taxi typed as
 * 其他 is a taxi, and an item typed 其他 is looked at by 综合部 whatever it is.
 */
export function needsSpecialTransportApproval(items: readonly ClaimItem[]): RuleMessage | undefined {
  const why = items.map((it) => specialApprovalReason(it));
  const idx = why.flatMap((w, i) => (w ? [i] : []));
  if (!idx.length) return undefined;
  const which = idx.map((i) => `第${i + 1}项${why[i]}`).join('、');
  return {
    clause: CLAUSE.transport,
    code: 'special_transport',
    items: idx,
    message: `${CLAUSE.transport} 因公出行以公交、地铁为主：${which}需综合部特批，提交后多一步「综合部特批」。`,
  };
}

// ── §3.5.3 receipts ──────────────────────────────────────────────────────────

/** §3.5.3: every receipt states its date, the business it was for (所办事项) and the company contact who signs. */
export function missingReceiptDetails(item: Partial<ClaimItem>, position?: number): RuleMessage | undefined {
  const missing = [
    !item.date && '日期',
    !item.matter?.trim() && '所办事项',
    !item.contact?.trim() && '公司接洽人',
  ].filter(Boolean) as string[];
  if (!missing.length) return undefined;
  const where = position === undefined ? '' : `第${position + 1}项`;
  return {
    clause: CLAUSE.receipts,
    code: 'missing_details',
    items: position === undefined ? undefined : [position],
    message: `${CLAUSE.receipts} ${where}票据须注明日期、所办事项和公司接洽人，缺少：${missing.join('、')}。`,
  };
}

/**
 * §3.5.3 (tickets): the serial numbers are what the consecutive and duplicate checks rest on. A ticket
 * is a ticket by its category or its 所办事项 (isTicket): 地铁 or 其他 does not lift the rule.
 */
export function ticketWithoutSerials(item: ClaimItem, position?: number): RuleMessage | undefined {
  if (!isTicket(item) || item.serials.length) return undefined;
  const where = position === undefined ? '' : `第${position + 1}项`;
  return {
    clause: CLAUSE.receipts,
    code: 'ticket_serials_missing',
    items: position === undefined ? undefined : [position],
    message: `${CLAUSE.receipts} ${where}是车票（公交、地铁、火车等）：须填写票号（车票或发票上的编号，多张用逗号隔开），以便核对是否连号、重复。`,
  };
}

/**
 * §3.5.3 票据的审核: each item carries its receipt photo, which every approver sees; an item under
 * `exemptFen` may go without (REIMBURSE_RECEIPT_EXEMPT_YUAN, 0 = none may).
 */
export function missingReceiptPhotos(items: readonly ClaimItem[], exemptFen: number): RuleMessage | undefined {
  const idx = items.flatMap((it, i) => (!it.receipts?.length && it.amount >= exemptFen ? [i] : []));
  if (!idx.length) return undefined;
  const exempt = exemptFen > 0 ? `（${formatFen(exemptFen)} 以下免附）` : '';
  return {
    clause: CLAUSE.receipts,
    code: 'receipt_photo_missing',
    items: idx,
    message: `${CLAUSE.receipts} 每项须附票据照片${exempt}，审批人凭照片审核：${idx.map((i) => `第${i + 1}项`).join('、')}还没有。在私聊里发送「补票据 ${idx[0]! + 1}」，再发这一项的票据照片。`,
  };
}

/**
 * §3.5.3 除二人及以上同行外均不得连号: consecutive serials are allowed only within one item whose
 * travellers are two or more (one group trip, the other travellers named). Tickets of different
 * items are always compared, whatever their head counts, so a roll split over items is caught.
 */
export function consecutiveBusTickets(items: readonly ClaimItem[]): RuleMessage | undefined {
  const all: { serial: string; item: number }[] = [];
  items.forEach((it, i) => {
    if (isTicket(it)) for (const s of it.serials) all.push({ serial: s, item: i });
  });
  const together = (i: number) => (items[i]!.travellers || 1) >= 2;
  const pairs: string[] = [];
  const idx = new Set<number>();
  for (let a = 0; a < all.length; a++) {
    for (let b = a + 1; b < all.length; b++) {
      const x = all[a]!;
      const y = all[b]!;
      if (x.item === y.item && together(x.item)) continue;
      if (areConsecutive(x.serial, y.serial)) {
        pairs.push(`${x.serial}/${y.serial}`);
        idx.add(x.item).add(y.item);
      }
    }
  }
  if (!pairs.length) return undefined;
  return {
    clause: CLAUSE.receipts,
    code: 'consecutive_tickets',
    items: [...idx].sort((x, y) => x - y),
    message: `${CLAUSE.receipts} 车票除二人及以上同行外不得连号：${pairs.join('、')} 是连号。同一次多人同行的车票应填在同一项，并写明同行人。`,
  };
}

/** §3.5.3: two or more travellers lift the consecutive rule only with the others named (shown to approvers). */
export function companionsProblem(travellers: number, companions: readonly string[]): string | undefined {
  if (travellers < 2) return undefined;
  const want = travellers - 1;
  if (companions.length !== want)
    return `${CLAUSE.receipts} 同行人数为 ${travellers}，请写明另外 ${want} 位同行人的姓名（员工姓名或其他人姓名，用顿号隔开）${companions.length ? `，现在写了 ${companions.length} 位` : ''}。`;
  return undefined;
}

/** §3.5.3: the same ticket cannot be claimed twice within one claim. */
export function repeatedSerials(items: readonly ClaimItem[]): RuleMessage | undefined {
  const seen = new Map<string, number>();
  const dup = new Set<string>();
  const idx = new Set<number>();
  for (const [i, it] of items.entries()) {
    for (const typed of it.serials) {
      const s = normalizeSerial(typed);
      if (seen.has(s)) {
        dup.add(typed);
        idx.add(seen.get(s)!).add(i);
      } else seen.set(s, i);
    }
  }
  if (!dup.size) return undefined;
  return {
    clause: CLAUSE.receipts,
    code: 'duplicate_serial',
    items: [...idx],
    message: `${CLAUSE.receipts} 票号 ${[...dup].join('、')} 重复填写，同一张票只能报销一次。`,
  };
}

/** §3.5.3: a ticket already claimed before, by anyone, is a duplicate. `claimedBy` maps serial → claim number. */
export function alreadyClaimedSerials(claimedBy: ReadonlyMap<string, string>): RuleMessage | undefined {
  if (!claimedBy.size) return undefined;
  const list = [...claimedBy].map(([s, no]) => `${s}（${no}）`).join('、');
  return {
    clause: CLAUSE.receipts,
    code: 'serial_already_claimed',
    message: `${CLAUSE.receipts} 票号已报销过，不能重复报销：${list}。`,
  };
}

// ── §3.5.3 二人及以上同行: the companions (companion-rules.ts) ────────────────────

export * from './companion-rules.ts';

// ── §3.5.4 deadline ──────────────────────────────────────────────────────────

/** §3.5.4: claims are made within three months; the item date is a day in `tz`. */
export function olderThanThreeMonths(date: string, now: Date, tz: string): boolean {
  const limit = DateTime.fromJSDate(now, { zone: tz }).startOf('day').minus({ months: 3 });
  return DateTime.fromISO(date, { zone: tz }) < limit;
}

/** §3.5.4: items older than three months need the chairman's special instruction (董事长批示). */
export function needsChairmanInstruction(items: readonly ClaimItem[], now: Date, tz: string): RuleMessage | undefined {
  const idx = items.flatMap((it, i) => (olderThanThreeMonths(it.date, now, tz) ? [i] : []));
  if (!idx.length) return undefined;
  return {
    clause: CLAUSE.deadline,
    code: 'over_three_months',
    items: idx,
    message: `${CLAUSE.deadline} 报销期限为三个月：${idx.map((i) => `第${i + 1}项（${items[i]!.date}）`).join('、')}已超期，需董事长批示，提交后多一步「董事长批示」。`,
  };
}

// ── amounts and dates ────────────────────────────────────────────────────────

/** Amounts are positive; how large is for the approvers to judge (largeAmounts), never refused. */
export function amountProblem(amountFen: number): string | undefined {
  if (!Number.isInteger(amountFen) || amountFen <= 0) return '金额必须大于 0。';
  return undefined;
}

export interface AmountLimits {
  /** An item above this (fen) is pointed out to every approver. */
  largeItemFen: number;
  /** A claim totalling above this (fen) also needs the chairman's instruction (董事长批示). */
  chairmanNoteAboveFen: number;
  /** Items under this (fen) may go without a receipt photo; unset, photos are not checked (rules alone). */
  receiptExemptFen?: number;
}

/** Large items are flagged for the approvers; a large total adds the 董事长批示 step. Nothing is refused. */
export function largeAmounts(items: readonly ClaimItem[], limits: AmountLimits): RuleMessage[] {
  const out: RuleMessage[] = [];
  const idx = items.flatMap((it, i) => (it.amount > limits.largeItemFen ? [i] : []));
  if (idx.length) {
    out.push({
      clause: '',
      code: 'large_amount',
      items: idx,
      message: `金额较大：${idx.map((i) => `第${i + 1}项 ${formatFen(items[i]!.amount)}`).join('、')}（超过 ${formatFen(limits.largeItemFen)}），请审批人核对票据。`,
    });
  }
  const total = items.reduce((sum, it) => sum + it.amount, 0);
  if (total > limits.chairmanNoteAboveFen) {
    out.push({
      clause: '',
      code: 'large_total',
      message: `报销合计 ${formatFen(total)} 超过 ${formatFen(limits.chairmanNoteAboveFen)}，需董事长批示，提交后多一步「董事长批示」。`,
    });
  }
  return out;
}

export function dateInFuture(date: string, now: Date, tz: string): boolean {
  return DateTime.fromISO(date, { zone: tz }) > DateTime.fromJSDate(now, { zone: tz }).startOf('day');
}

// ── §3.5.1 / §3.5.3 payout ───────────────────────────────────────────────────

/**
 * §3.5.1 批准后，方可报销 / §3.5.3 由财务部统一发放: the payout is dated between the day the claim was
 * submitted and today (days in `tz`). An earlier date would put the claim in the wrong month's 报销台账
 * (a year-less 11-28 typed on 11-27 reads as last year's); a later one has not happened yet.
 */
export function payoutDateProblem(date: string, submittedAt: Date, now: Date, tz: string): string | undefined {
  const today = DateTime.fromJSDate(now, { zone: tz }).toISODate()!;
  if (date > today) return `付款日期 ${date} 晚于今天（${today}），请核对。`;
  const submitted = DateTime.fromJSDate(submittedAt, { zone: tz }).toISODate()!;
  if (date < submitted)
    return `${CLAUSE.chain} 付款日期 ${date} 早于报销单提交日期 ${submitted}，报销款只能在提交并批准后发放，请核对（年份是否写对）。`;
  return undefined;
}

// ── a whole claim ─────────────────────────────────────────────────────────────

export interface ClaimCheck {
  /** Refusals: the claim cannot be submitted until they are fixed. */
  errors: RuleMessage[];
  /** Accepted, but each adds an explicit extra decision to the chain. */
  flags: RuleMessage[];
}

/** Every submission rule over a claim's items (the duplicate-across-claims check needs the database). */
export function checkClaim(items: readonly ClaimItem[], now: Date, tz: string, limits: AmountLimits): ClaimCheck {
  const errors: RuleMessage[] = [];
  if (!items.length) errors.push({ clause: CLAUSE.receipts, code: 'empty', message: '报销单至少要有一项明细。' });
  items.forEach((it, i) => {
    const missing = missingReceiptDetails(it, i);
    if (missing) errors.push(missing);
    const money = amountProblem(it.amount);
    if (money) errors.push({ clause: '', code: 'amount', items: [i], message: `第${i + 1}项${money}` });
    if (it.date && dateInFuture(it.date, now, tz)) {
      errors.push({
        clause: '',
        code: 'future_date',
        items: [i],
        message: `第${i + 1}项日期 ${it.date} 晚于今天，请核对。`,
      });
    }
    const serials = ticketWithoutSerials(it, i);
    if (serials) errors.push(serials);
    const company = isTicket(it) ? companionsProblem(it.travellers || 1, it.companions ?? []) : undefined;
    if (company)
      errors.push({ clause: CLAUSE.receipts, code: 'companions', items: [i], message: `第${i + 1}项${company}` });
  });
  const photos =
    limits.receiptExemptFen === undefined ? undefined : missingReceiptPhotos(items, limits.receiptExemptFen);
  for (const r of [consecutiveBusTickets(items), repeatedSerials(items), photos]) if (r) errors.push(r);
  const flags = [
    needsSpecialTransportApproval(items),
    needsChairmanInstruction(items, now, tz),
    ...largeAmounts(items, limits),
  ].filter(Boolean) as RuleMessage[];
  return { errors, flags };
}
