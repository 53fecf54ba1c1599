import { allowed, denied, type Verdict } from '../../src/core/roles.ts';
import { nameKey } from '../../src/core/text.ts';

/*
 * 房租申报 (§3.3.4): the leader reports the rent with the landlord's account so finance can pay it.
 * Account numbers are shown in full only where the rule allows; the rest is pure arithmetic.
 */

/** A bank account or card number as typed (spaces and dashes allowed): 8–30 digits. */
export function parseAccount(text: string): string | undefined {
  const digits = text.replace(/[\s-]/g, '');
  return /^\d{8,30}$/.test(digits) ? digits : undefined;
}

/** 6222021234567890123 → 6222 **** **** 0123: enough to recognise it, not to use it. */
export function maskAccount(account: string): string {
  if (account.length <= 8) return '****';
  return `${account.slice(0, 4)} **** **** ${account.slice(-4)}`;
}

/** Shown in full only to 综合部 and 财务部, and only in a private chat (§3.3.4 is for their transfer). */
export function mayseeAccount(viewer: { isGroup: boolean; roles: ReadonlySet<string> | readonly string[] }): boolean {
  const roles = viewer.roles instanceof Set ? viewer.roles : new Set(viewer.roles as readonly string[]);
  return !viewer.isGroup && (roles.has('general_affairs') || roles.has('finance'));
}

export function accountFor(account: string, full: boolean): string {
  return full ? account : maskAccount(account);
}

/** The amount differs from the dorm's last report: 综合部 and 财务部 see it flagged. */
export function amountChange(
  previousFen: number | null | undefined,
  fen: number,
): { changed: boolean; deltaFen: number } {
  if (previousFen === null || previousFen === undefined) return { changed: false, deltaFen: 0 };
  return { changed: previousFen !== fen, deltaFen: fen - previousFen };
}

/** The month before yyyy-MM. */
export function previousMonth(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** What of period's rent round is due on local day-of-month `day` (each is then claimed once per period). */
export function rentDue(day: number, remindDay: number, escalateDay: number): { remind: boolean; escalate: boolean } {
  return { remind: day >= remindDay, escalate: day >= escalateDay };
}

// ── who is paid (收款人): the landlord and the account finance transfers to ───────

/** The rent months a leader may report around the current one: from two months back to next month. */
export const RENT_MONTHS_BACK = 2;
export const RENT_MONTHS_AHEAD = 1;

const monthIndex = (period: string): number => {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return y * 12 + m - 1;
};
const periodOf = (index: number): string => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;

/**
 * §3.3.4 定期申报: a report is for a month around the current one. A month far back or ahead
 * (2024-01, 2027-09) is refused: it would be paid on no one's schedule.
 */
export function rentPeriodProblem(period: string, current: string): string | undefined {
  const d = monthIndex(period) - monthIndex(current);
  if (d >= -RENT_MONTHS_BACK && d <= RENT_MONTHS_AHEAD) return undefined;
  const from = periodOf(monthIndex(current) - RENT_MONTHS_BACK);
  const to = periodOf(monthIndex(current) + RENT_MONTHS_AHEAD);
  return `房租月份只能是 ${from} 到 ${to}（前两个月到下个月），${period} 不能申报。更早或更晚的房租请联系综合部。`;
}

/** The landlord and account of a report, as compared: the name with spaces and punctuation folded, the account's digits. */
export interface Payee {
  landlord: string;
  account: string;
}

export type PayeeChange = '' | 'changed' | 'new';

/**
 * §3.3.4 提供房东账号，便于财务划账: the payee of a report against that of the dorm's last accepted
 * report (paid, or confirmed by 综合部). '' = the same landlord and account; 'changed' = either
 * differs; 'new' = the dorm has no accepted report to compare with. Anything but '' waits for 综合部.
 */
export function payeeChange(last: Payee | null | undefined, now: Payee): PayeeChange {
  if (!last) return 'new';
  return nameKey(last.landlord) === nameKey(now.landlord) && last.account === now.account ? '' : 'changed';
}

type RentState = {
  paid?: unknown;
  payeeChange?: string | null;
  payeeConfirmed?: unknown;
  reportedBy: { staffId?: string | null };
};

/** Paid, or its payee confirmed by 综合部: what a later report's landlord and account are compared with. */
export const isAccepted = (r: Pick<RentState, 'paid' | 'payeeConfirmed'>): boolean => !!r.paid || !!r.payeeConfirmed;

/** A new or changed payee not yet confirmed by 综合部: it cannot be paid. */
export const awaitsPayeeConfirmation = (r: RentState): boolean => !!r.payeeChange && !r.payeeConfirmed && !r.paid;

/** 综合部 confirms a new or changed payee, never the leader who reported it. */
export function mayConfirmPayee(r: RentState, staffId: string): Verdict {
  if (!awaitsPayeeConfirmation(r))
    return denied(r.paid ? '这份房租已经付款，不用再确认。' : '这份房租的收款人没有变化，不需要确认。');
  if (r.reportedBy.staffId && r.reportedBy.staffId === staffId)
    return denied('收款人变更要由申报人以外的综合部同事确认，你不能确认自己申报的房租。');
  return allowed;
}

/** 财务部 pays only a report whose payee is accepted. */
export function mayPayRent(r: RentState): Verdict {
  if (awaitsPayeeConfirmation(r)) {
    return denied(
      `${r.payeeChange === 'new' ? '这是新的收款人' : '房东或账号与上次已付款的不同'}，要等综合部确认收款人后才能付款（§3.3.4）。`,
    );
  }
  return allowed;
}
