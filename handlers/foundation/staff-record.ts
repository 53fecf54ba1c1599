import type { AuditPerson, ChangeNote, Trail } from '../../src/core/audit-trail.ts';
import type { StaffContext } from '../../src/core/context.ts';
import { transition } from '../../src/core/transition.ts';
import type { Role } from '../../src/core/types.ts';
import { Staff } from '../../src/models/index.ts';

/*
 * The staff record as roles.ts and grants.ts read and write it: written through transition() on the
 * record's version, with its audit entries, so a change made meanwhile is never overwritten.
 */

/** A staff record as these functions read it (staff.ts's StaffLean fits). */
export interface StaffRow {
  _id: unknown;
  name: string;
  roles: string[];
  active: boolean;
  post?: string;
  dorm?: string;
  version?: number;
}
export const staffRecord = (s: Pick<StaffRow, '_id' | 'name'>) => ({ type: 'staff', id: String(s._id), label: s.name });
export const subjectOf = (s: Pick<StaffRow, '_id' | 'name'>): AuditPerson => ({ staffId: String(s._id), name: s.name });
export const state = (s: StaffRow) => ({ staffId: String(s._id), name: s.name, roles: s.roles, active: s.active });
export const whoIs = (ctx: StaffContext) => ({
  staffId: ctx.sender.staffId ?? '',
  name: ctx.sender.name,
  identity: ctx.sender.identity,
});

/** Active 行政部 members other than `staffId` (a scan on FerretDB; staff changes are rare). */
export async function otherActiveAdmins(staffId: string): Promise<number> {
  return Staff.countDocuments({ roles: 'admin', active: true, _id: { $ne: staffId } });
}

/** Writes roles or status from the version read, with its entries; false when the record changed meanwhile. */
export function applyToStaff(
  trail: Trail,
  s: StaffRow,
  set: { roles?: readonly Role[]; active?: boolean },
  notes: ChangeNote[],
  by: string,
  fromVersion = s.version ?? 0,
) {
  return trail.change(Staff, s._id, notes, (carry) =>
    transition(Staff, String(s._id), fromVersion, carry.update({ $set: set }), by),
  );
}
