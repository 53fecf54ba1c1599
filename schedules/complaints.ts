import { complaintSettings } from '../handlers/complaints/settings.ts';
import type { Services } from '../src/core/context.ts';
import { recipientsOf, recipientsWithRole, type Recipient } from '../src/core/notify.ts';
import { transition } from '../src/core/transition.ts';
import { Staff } from '../src/models/index.ts';
import { Complaint, type ComplaintRecord } from '../handlers/complaints/models.ts';
import { complaintDue, pendingComplaintChecks } from '../handlers/complaints/due.ts';
import { complaintCard, fmt, nextButtons, notifyWithPhoneRights } from '../handlers/complaints/common.ts';
import { CATEGORY_LABELS, STATUS_LABELS, dueWork, nextCheckAt, waitingOn } from '../handlers/complaints/rules.ts';
import type { JobDefinition } from '../src/core/scheduler.ts';

const SYSTEM = { staffId: '', name: '系统' };
const BATCH = 200;

export interface SweepReport {
  reminded: string[];
  escalated: string[];
  followUps: string[];
}

/**
 * §3.1.3 / §3.1.10: visits the cases keyed as due since the last run (complaintDue: reads by `_id`,
 * never a scan of all cases), and for each whose own `nextCheckAt` has come does what is due —
 * remind the owner before the time limit, escalate an overdue case to the customer-service head
 * and 综合部, remind customer service of a follow-up call. A case still waiting for 客服部's
 * confirmation (§4.1) has no clock yet: dueWork finds nothing to do for it. Each change is a transition() from the
 * version read, so two schedulers (or two runs) act once.
 */
export async function sweepComplaints(deps: Services): Promise<SweepReport> {
  const now = deps.now();
  const report: SweepReport = { reminded: [], escalated: [], followUps: [] };
  await complaintDue.sweep(now, (id) => sweepOne(deps, id, now, report), { limit: BATCH, existing: pendingComplaintChecks });
  return report;
}

/** Backfills the due keys of cases stored before they existed; the sweep does it by itself on its first run. */
export async function backfillComplaintKeys(deps: Services): Promise<void> {
  await complaintDue.backfill(await pendingComplaintChecks(), deps.now());
}

/** One keyed case: acts if its own `nextCheckAt` has come; returns that time when it is still ahead. */
async function sweepOne(deps: Services, id: string, now: Date, report: SweepReport): Promise<Date | null> {
  const c = await Complaint.findById(id).lean<ComplaintRecord>();
  // a stale or extra key: the case was closed, or its next check moved (and has its own key)
  if (!c?.nextCheckAt) return null;
  if (c.nextCheckAt > now) return c.nextCheckAt;
  const remindBefore = complaintSettings.of(deps.config).remindBeforeHours;
  const work = dueWork(c, now, remindBefore);
  const set: Partial<ComplaintRecord> = {};
  const entries: { at: Date; by: typeof SYSTEM; action: string; detail: string }[] = [];
  if (work.escalate) {
    set.overdueAt = now;
    entries.push({ at: now, by: SYSTEM, action: '逾期上报', detail: `${CATEGORY_LABELS[c.category]}时限 ${fmt(deps, c.dueAt)} 已过，仍${STATUS_LABELS[c.status]}` });
  }
  if (work.remind) {
    set.remindedAt = now;
    entries.push({ at: now, by: SYSTEM, action: '时效提醒', detail: `须在 ${fmt(deps, c.dueAt)} 前告知客户结果` });
  }
  if (work.followUpsDue.length) {
    set.followUps = c.followUps.map((f) => (work.followUpsDue.includes(f.seq) ? { ...f, remindedAt: now } : f));
    entries.push({ at: now, by: SYSTEM, action: '回访提醒', detail: `第 ${work.followUpsDue.join('、')} 次回访到期` });
  }
  set.nextCheckAt = nextCheckAt({ ...c, ...set }, remindBefore);
  await complaintDue.add(c._id, set.nextCheckAt, now);
  const update = entries.length ? { $set: set, $push: { history: { $each: entries } } } : { $set: set };
  if (!(await transition(Complaint, c._id, c.version, update, 'scheduler'))) return null;
  if (!entries.length) return null;
  const after: ComplaintRecord = { ...c, ...set, version: c.version + 1 };
  try {
    if (work.escalate) {
      await escalate(deps, after);
      report.escalated.push(c._id);
    }
    if (work.remind) {
      await remindOwner(deps, after);
      report.reminded.push(c._id);
    }
    if (work.followUpsDue.length) {
      await remindFollowUp(deps, after);
      report.followUps.push(c._id);
    }
  } catch (err) {
    deps.log.warn({ err, complaint: c._id }, 'complaint notification failed');
  }
  return null;
}

async function send(deps: Services, recipients: Recipient[], c: ComplaintRecord, title: string, note: string, roles: string[]) {
  const seen = new Set<string>();
  const unique = recipients.filter((r) => !seen.has(`${r.channel}:${r.userId}`) && seen.add(`${r.channel}:${r.userId}`));
  if (!unique.length) {
    deps.log.warn({ complaint: c._id, title }, 'nobody to notify about a complaint');
    return;
  }
  await notifyWithPhoneRights(deps, unique, (fullPhone) => complaintCard(deps, c, { fullPhone, title, note, buttons: nextButtons(c, (r) => roles.includes(r)) }));
}

function acceptor(c: ComplaintRecord) {
  return c.acceptedBy.staffId ? [{ id: c.acceptedBy.staffId, name: c.acceptedBy.name }] : [];
}

/** Whoever accepted the case, and whoever registered it when that was someone else (a 队长, §4.1). */
function owners(c: ComplaintRecord) {
  const reg = c.registeredBy;
  return [...acceptor(c), ...(reg?.staffId && reg.staffId !== c.acceptedBy.staffId ? [{ id: reg.staffId, name: reg.name }] : [])];
}

/** §3.1.3 逾期反映: to the customer-service head(s) and 综合部. */
async function escalate(deps: Services, c: ComplaintRecord): Promise<void> {
  const heads = complaintSettings.of(deps.config).csHeadPhones;
  const headStaff = heads.length ? await Staff.find({ phone: { $in: heads }, active: true }, { name: 1 }).lean() : [];
  const csHeads = headStaff.length
    ? await recipientsOf(deps, headStaff.map((s) => ({ id: String(s._id), name: s.name })))
    : await recipientsWithRole(deps, ['customer_service']);
  const ga = await recipientsWithRole(deps, ['general_affairs']);
  const note = `已超过处理时限（${fmt(deps, c.dueAt)}），现在${STATUS_LABELS[c.status]}。请督促尽快处理并告知客户结果。`;
  await send(deps, csHeads, c, `投诉逾期：${c._id}`, note, ['customer_service']);
  await send(deps, ga.filter((r) => !csHeads.some((h) => h.channel === r.channel && h.userId === r.userId)), c, `投诉逾期：${c._id}`, note, []);
}

/** Before the time limit runs out: the department the case waits on, and whoever accepted it. */
async function remindOwner(deps: Services, c: ComplaintRecord): Promise<void> {
  const roles = waitingOn(c.status);
  const to = [...(await recipientsWithRole(deps, roles)), ...(await recipientsOf(deps, owners(c)))];
  await send(deps, to, c, `投诉即将超时：${c._id}`, `请在 ${fmt(deps, c.dueAt)} 前处理完并告知客户结果（§3.1.3）。`, roles);
}

/** §3.1.10: a planned follow-up call is due. */
async function remindFollowUp(deps: Services, c: ComplaintRecord): Promise<void> {
  const cs = [...(await recipientsOf(deps, acceptor(c))), ...(await recipientsWithRole(deps, ['customer_service']))];
  await send(deps, cs, c, `回访到期：${c._id}`, '请回访客户，然后点「记录回访」或发送「回访 编号 满意/不满意 情况」。', ['customer_service']);
}

export const complaintSweep: JobDefinition = {
  name: 'complaints.sweep',
  cron: '*/5 * * * *',
  description: '投诉时效提醒、逾期上报、回访提醒',
  catchUpMs: 60 * 60_000,
  run: async (deps) => {
    await sweepComplaints(deps);
  },
};

export const complaintJobs: JobDefinition[] = [complaintSweep];
