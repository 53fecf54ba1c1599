import { transition } from '../../src/core/transition.ts';
import { Complaint, type ComplaintRecord, complaintRowsWhere, type Person } from './models.ts';
import { STATUS_LABELS } from './rules.ts';

/*
 * A client's complaints, for the clients workflow (its card, its 跟进 / 拜访, its daily lists, a
 * rename), through api.ts. Complaints keep the client's id since it was kept; older ones are known
 * by the name they were registered with, which a rename carries over. Nothing here imports the
 * clients workflow (it imports this). Every list here reads the complaints' rows (models.ts
 * complaintRows), which keep the client, the status and the follow-up plan: the same filter on the
 * complaints themselves decodes every case on FerretDB 1.24, and the clients' daily lists run them
 * for every client.
 */

export interface ClientRef {
  id: string;
  name: string;
}

/** The filter for one client's complaints: by id, or by name for those registered before the id was kept. */
export function complaintsOf(client: ClientRef): Record<string, unknown> {
  return { $or: [{ clientId: client.id }, { clientName: client.name }] };
}

/**
 * A renamed client is renamed on its complaints, each through its own transition (so a step taken
 * on the case at the same moment is never written over) with a history entry saying so. The old
 * name stays in that entry. Also gives older complaints the client's id. Returns how many changed.
 */
export async function renameClientOnComplaints(
  clientId: string,
  from: string,
  to: string,
  by: Person,
  at: Date,
): Promise<number> {
  const cases = await complaintRowsWhere({ $or: [{ clientId }, { clientName: from }] });
  let changed = 0;
  for (const { _id } of cases) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const c = await Complaint.findById(_id).lean<ComplaintRecord>();
      if (!c || (c.clientName === to && c.clientId === clientId)) break;
      // a row behind its record (a crash between the two writes): not this client's case any more
      if (c.clientId !== clientId && c.clientName !== from) break;
      const entry = { at, by, action: '客户更名', detail: `${c.clientName} → ${to}` };
      if (
        await transition(
          Complaint,
          c._id,
          c.version,
          { $set: { clientName: to, clientId }, $push: { history: entry } },
          by.staffId || by.name,
        )
      ) {
        changed++;
        break;
      }
    }
  }
  return changed;
}

export interface DueFollowUp {
  complaintId: string;
  seq: number;
  dueAt: Date;
}

/**
 * §3.1.10 the client's complaints whose next planned follow-up is due by `by` (the end of the day
 * of a call or visit: the owner's daily list shows a follow-up from its day on).
 */
export async function dueFollowUpsOf(client: ClientRef, by: Date): Promise<DueFollowUp[]> {
  const open = await complaintRowsWhere({ ...complaintsOf(client), status: 'following_up' }, { sort: { _id: 1 } });
  // the row keeps the next follow-up still to be made (nextFollowUp of the plan, models.ts rowExtra)
  return open.flatMap((c) =>
    c.nextFollowUpSeq !== undefined && c.nextFollowUpAt && c.nextFollowUpAt <= by
      ? [{ complaintId: c._id, seq: c.nextFollowUpSeq, dueAt: c.nextFollowUpAt }]
      : [],
  );
}

/** The client's complaints not closed, latest first (at most 10), with their status as staff read it. */
export async function openComplaintsOf(client: ClientRef): Promise<{ _id: string; status: string; label: string }[]> {
  const open = await complaintRowsWhere(
    { ...complaintsOf(client), status: { $ne: 'closed' } },
    { sort: { acceptedAt: -1 }, limit: 10 },
  );
  return open.map((x) => ({ _id: String(x._id), status: x.status, label: STATUS_LABELS[x.status] }));
}

export interface PlannedFollowUp {
  complaintId: string;
  clientId: string;
  clientName: string;
  /** Who registered the complaint: the list it goes to when the client has no owner. */
  acceptedBy: Person | null;
  seq: number;
  dueAt: Date;
}

/** §3.1.10 the next planned follow-up of every complaint being followed up, done or due, for the daily lists. */
export async function plannedFollowUps(): Promise<PlannedFollowUp[]> {
  const following = await complaintRowsWhere({ status: 'following_up' });
  return following.flatMap((c) => {
    if (c.nextFollowUpSeq === undefined || !c.nextFollowUpAt) return [];
    const acceptedBy = c.acceptedBy?.staffId ? { staffId: c.acceptedBy.staffId, name: c.acceptedBy.name ?? '' } : null;
    return [
      {
        complaintId: String(c._id),
        clientId: c.clientId ?? '',
        clientName: c.clientName,
        acceptedBy,
        seq: c.nextFollowUpSeq,
        dueAt: c.nextFollowUpAt,
      },
    ];
  });
}
