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
export function amountChange(previousFen: number | null | undefined, fen: number): { changed: boolean; deltaFen: number } {
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
