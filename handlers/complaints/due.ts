import { type DueEntry, DueIndex } from '../../src/core/due-index.ts';
import { complaintRows, complaintRowsWhere } from './models.ts';

/**
 * When the time-limit sweep (§3.1.3, §3.1.10) must next look at each case: written before every
 * change of `nextCheckAt`, so a crash in between leaves an extra key, never a missing one.
 */
export const complaintDue = new DueIndex('complaints');

/** Every case's pending check, for a database written before the keys existed (one full read, once). */
export async function pendingComplaintChecks(): Promise<DueEntry[]> {
  // from the rows (models.ts complaintRows), built first if the start has not built them yet: a
  // case missing there would never be reminded
  await complaintRows.rebuild();
  const rows = await complaintRowsWhere({ nextCheckAt: { $ne: null } });
  return rows.flatMap((r) => (r.nextCheckAt ? [{ id: String(r._id), at: r.nextCheckAt }] : []));
}
