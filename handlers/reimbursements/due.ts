import { type DueEntry, DueIndex } from '../../src/core/due-index.ts';
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
