import { DateTime } from 'luxon';
import { type DueEntry, DueIndex } from '../../src/core/due-index.ts';
import { takeOnce } from '../../src/core/once.ts';
import { DayIndex, OpenSet } from '../../src/core/period-keys.ts';
import { OnceKey } from '../../src/models/index.ts';
import { ReimbursementClaim } from './models.ts';

/**
 * When a waiting step's approvers are next reminded: keyed before the step change that sets
 * `remindAt`, and by the reminder job for the next period before it sends (so a crash leaves an
 * extra key, never a missing one).
 */
export const reimbursementDue = new DueIndex('reimbursements');

/** Every pending claim's reminder time, for claims stored before the keys existed (one full read, once). */
export async function pendingReminders(): Promise<DueEntry[]> {
  const rows = await ReimbursementClaim.find({ status: 'pending' }, { remindAt: 1 }).lean();
  return rows.flatMap((r) => (r.remindAt ? [{ id: String(r._id), at: r.remindAt }] : []));
}

/**
 * The claims a step was decided on each day, and paid on each payment date (paidOn): what 周报 and
 * 导出 报销台账 read by key, since a `steps.at` or `paidOn` range is a full read on FerretDB 1.24.
 * Keyed before the decision is written. Claims decided before the keys existed are not in them.
 */
export const claimsDecided = new DayIndex('reimbursements.decided');
export const claimsPaid = new DayIndex('reimbursements.paid');
/** The claims waiting for a decision (待审批 by role in 周报): added at submission, removed when the claim ends. */
export const claimsPending = new OpenSet('reimbursements.pending');

const DAY_KEYS_DONE = 'reimbursements:daykeys';

/**
 * Keys the claims decided and paid, and those pending, from before the keys existed: one full read of the claims, once
 * per database (at the first start with them); marked done only after every key is written.
 */
export async function backfillClaimDays(tz: string): Promise<number> {
  if (await OnceKey.exists({ _id: DAY_KEYS_DONE })) return 0;
  const claims = await ReimbursementClaim.find({}, { steps: 1, paidOn: 1, status: 1, submittedAt: 1 }).lean();
  const decided = new Map<string, string[]>();
  const paid = new Map<string, string[]>();
  const add = (m: Map<string, string[]>, day: string, id: string) => m.set(day, [...(m.get(day) ?? []), id]);
  for (const c of claims) {
    const days = new Set(c.steps.flatMap((s) => (s.at ? [DateTime.fromJSDate(s.at, { zone: tz }).toISODate()!] : [])));
    for (const d of days) add(decided, d, c._id);
    if (c.paidOn) add(paid, c.paidOn, c._id);
  }
  for (const c of claims) if (c.status === 'pending') await claimsPending.add(c._id, c.submittedAt);
  for (const [day, ids] of decided) await claimsDecided.add(day, ...ids);
  for (const [day, ids] of paid) await claimsPaid.add(day, ...ids);
  await takeOnce(DAY_KEYS_DONE, 'start');
  return claims.length;
}
