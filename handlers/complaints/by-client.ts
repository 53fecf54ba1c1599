import { transition } from '../../src/core/transition.ts';
import { Complaint, type ComplaintRecord, type Person } from './models.ts';
import { nextFollowUp } from './rules.ts';

/*
 * A client's complaints, for the clients workflow (its card, its 跟进 / 拜访, a rename). Complaints
 * keep the client's id since it was kept; older ones are known by the name they were registered
 * with, which a rename carries over. Nothing here imports the clients workflow (it imports this).
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
export async function renameClientOnComplaints(clientId: string, from: string, to: string, by: Person, at: Date): Promise<number> {
  const cases = await Complaint.find({ $or: [{ clientId }, { clientName: from }] }, { _id: 1 }).lean();
  let changed = 0;
  for (const { _id } of cases) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const c = await Complaint.findById(_id).lean<ComplaintRecord>();
      if (!c || (c.clientName === to && c.clientId === clientId)) break;
      const entry = { at, by, action: '客户更名', detail: `${c.clientName} → ${to}` };
      if (await transition(Complaint, c._id, c.version, { $set: { clientName: to, clientId }, $push: { history: entry } }, by.staffId || by.name)) {
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
  const open = await Complaint.find({ ...complaintsOf(client), status: 'following_up' }, { followUps: 1 }).sort({ _id: 1 }).lean<ComplaintRecord[]>();
  return open.flatMap((c) => {
    const next = nextFollowUp(c.followUps);
    return next && next.dueAt <= by ? [{ complaintId: c._id, seq: next.seq, dueAt: next.dueAt }] : [];
  });
}
