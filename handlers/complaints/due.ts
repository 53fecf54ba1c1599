import { type DueEntry, DueIndex } from '../../src/core/due-index.ts';
import { Complaint } from './models.ts';

/**
 * When the time-limit sweep (§3.1.3, §3.1.10) must next look at each case: written before every
 * change of `nextCheckAt`, so a crash in between leaves an extra key, never a missing one.
 */
export const complaintDue = new DueIndex('complaints');

/** Every case's pending check, for a database written before the keys existed (one full read, once). */
export async function pendingComplaintChecks(): Promise<DueEntry[]> {
  const rows = await Complaint.find({ nextCheckAt: { $ne: null } }, { nextCheckAt: 1 }).lean();
  return rows.flatMap((r) => (r.nextCheckAt ? [{ id: String(r._id), at: r.nextCheckAt }] : []));
}
